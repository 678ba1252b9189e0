"""status lists: Bitstring Status Lists the issuer publishes, and each certificate's index

Revision ID: b5e1a0c2d3f4
Revises: 716992ba5ae1
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'b5e1a0c2d3f4'
down_revision = '716992ba5ae1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('status_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('allocated', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('signed_revision', sa.Integer(), nullable=True),
    sa.Column('credential', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_lists'))
    )
    op.create_table('status_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status_list_id', sa.Integer(), nullable=False),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_status_entries_certificate_id_certificates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_list_id'], ['status_lists.id'], name=op.f('fk_status_entries_status_list_id_status_lists')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_entries')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_status_entries_certificate_id')),
    sa.UniqueConstraint('status_list_id', 'status_index', name=op.f('uq_status_entries_status_list_id_status_index'))
    )


def downgrade():
    op.drop_table('status_entries')
    op.drop_table('status_lists')
