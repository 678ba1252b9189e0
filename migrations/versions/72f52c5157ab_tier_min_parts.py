"""tier rules: minimum part shares

Revision ID: 72f52c5157ab
Revises: 0db9928ed5a6
Create Date: 2026-12-04 16:11:07.541111

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '72f52c5157ab'
down_revision = '0db9928ed5a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tier_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_parts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))



def downgrade():
    with op.batch_alter_table('tier_rules', schema=None) as batch_op:
        batch_op.drop_column('min_parts')

