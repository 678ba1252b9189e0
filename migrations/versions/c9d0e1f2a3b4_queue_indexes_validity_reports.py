"""grading queue at scale, validity_reports: tasks carry assessment_id and item_id

Partial indexes for the held task and the filtered queue; the admin's guess odds per
assessment version, kept in validity_reports.

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
Create Date: 2026-12-04 22:20:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'c9d0e1f2a3b4'
down_revision = 'b8c9d0e1f2a3'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")
HELD = sa.text('lease_holder_id IS NOT NULL')
FILTERS = ('assessment_id', 'item_id', 'kind')


def upgrade():
    with op.batch_alter_table('grading_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('item_id', sa.Integer(), nullable=True))

    # Copied from each task's response: its attempt's assessment and its item.
    op.execute("""
        UPDATE grading_tasks SET
            assessment_id = (SELECT attempts.assessment_id FROM responses
                             JOIN attempts ON attempts.id = responses.attempt_id
                             WHERE responses.id = grading_tasks.response_id),
            item_id = (SELECT item_versions.item_id FROM responses
                       JOIN item_versions ON item_versions.id = responses.item_version_id
                       WHERE responses.id = grading_tasks.response_id)
    """)

    with op.batch_alter_table('grading_tasks', schema=None) as batch_op:
        batch_op.alter_column('assessment_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('item_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_grading_tasks_assessment_id_assessments'),
                                    'assessments', ['assessment_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_grading_tasks_item_id_items'),
                                    'items', ['item_id'], ['id'])
        batch_op.drop_index(batch_op.f('ix_grading_tasks_lease_holder_id'))
        batch_op.create_index('ix_grading_tasks_held', ['lease_holder_id', 'lease_expires_at'],
                              unique=False, sqlite_where=HELD, postgresql_where=HELD)
        for column in FILTERS:
            batch_op.create_index(f'ix_grading_tasks_open_{column}', [column, 'id'],
                                  unique=False, sqlite_where=OPEN, postgresql_where=OPEN)

    op.create_table('validity_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_version_id', sa.Integer(), nullable=False),
    sa.Column('inputs', sa.String(length=64), nullable=False),
    sa.Column('odds', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_version_id'], ['assessment_versions.id'], name=op.f('fk_validity_reports_assessment_version_id_assessment_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_validity_reports')),
    sa.UniqueConstraint('assessment_version_id', name=op.f('uq_validity_reports_assessment_version_id'))
    )


def downgrade():
    op.drop_table('validity_reports')
    with op.batch_alter_table('grading_tasks', schema=None) as batch_op:
        for column in FILTERS:
            batch_op.drop_index(f'ix_grading_tasks_open_{column}', sqlite_where=OPEN,
                                postgresql_where=OPEN)
        batch_op.drop_index('ix_grading_tasks_held', sqlite_where=HELD, postgresql_where=HELD)
        batch_op.create_index(batch_op.f('ix_grading_tasks_lease_holder_id'),
                              ['lease_holder_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_grading_tasks_item_id_items'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_grading_tasks_assessment_id_assessments'),
                                 type_='foreignkey')
        batch_op.drop_column('item_id')
        batch_op.drop_column('assessment_id')
