"""attempt locks: certificates due, one current certificate, queue and sweep indexes

Revision ID: 0db9928ed5a6
Revises: c4578c1cc64d
Create Date: 2026-12-04 15:26:46.669475

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0db9928ed5a6'
down_revision = 'c4578c1cc64d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('certificate_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('certificate_tries', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_attempts_certificate_due', ['certificate_due_at'], unique=False, sqlite_where=sa.text('certificate_due_at IS NOT NULL'), postgresql_where=sa.text('certificate_due_at IS NOT NULL'))
        batch_op.create_index('ix_attempts_open_deadline', ['deadline_at'], unique=False, sqlite_where=sa.text("status = 'in_progress'"), postgresql_where=sa.text("status = 'in_progress'"))

    # Attempts certified twice by the old race keep their newest certificate; the others are
    # marked superseded by it, so the one-current-certificate index can be built.
    op.execute("""
        UPDATE certificates SET
            superseded_by_id = (SELECT max(c2.id) FROM certificates c2
                                WHERE c2.attempt_id = certificates.attempt_id
                                  AND c2.revoked_at IS NULL AND c2.superseded_by_id IS NULL),
            revoked_at = created_at,
            revocation_reason = 'superseded: issued twice for one attempt'
        WHERE revoked_at IS NULL AND superseded_by_id IS NULL
          AND id < (SELECT max(c2.id) FROM certificates c2
                    WHERE c2.attempt_id = certificates.attempt_id
                      AND c2.revoked_at IS NULL AND c2.superseded_by_id IS NULL)
    """)
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index('uq_certificates_one_current', ['attempt_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL AND superseded_by_id IS NULL'), postgresql_where=sa.text('revoked_at IS NULL AND superseded_by_id IS NULL'))

    with op.batch_alter_table('grading_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grading_tasks_status'))
        batch_op.create_index(batch_op.f('ix_grading_tasks_lease_holder_id'), ['lease_holder_id'], unique=False)
        batch_op.create_index('ix_grading_tasks_queue', ['status', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('grading_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_grading_tasks_queue')
        batch_op.drop_index(batch_op.f('ix_grading_tasks_lease_holder_id'))
        batch_op.create_index(batch_op.f('ix_grading_tasks_status'), ['status'], unique=False)

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('uq_certificates_one_current', sqlite_where=sa.text('revoked_at IS NULL AND superseded_by_id IS NULL'), postgresql_where=sa.text('revoked_at IS NULL AND superseded_by_id IS NULL'))

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_attempts_open_deadline', sqlite_where=sa.text("status = 'in_progress'"), postgresql_where=sa.text("status = 'in_progress'"))
        batch_op.drop_index('ix_attempts_certificate_due', sqlite_where=sa.text('certificate_due_at IS NOT NULL'), postgresql_where=sa.text('certificate_due_at IS NOT NULL'))
        batch_op.drop_column('certificate_tries')
        batch_op.drop_column('certificate_error')
        batch_op.drop_column('certificate_due_at')

