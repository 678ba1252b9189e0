"""notification preferences: users.notify_results, notify_certificates, notify_appeals

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-12-04 22:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8c9d0e1f2a3'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None

COLUMNS = ('notify_results', 'notify_certificates', 'notify_appeals')


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False,
                                          server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
