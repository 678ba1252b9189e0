"""item analysis indexes: an assessment's attempts by status and number, and responses
covering the analysis read (attempt, position, item version, section, keyed points)

Revision ID: 716992ba5ae1
Revises: 72f52c5157ab
Create Date: 2026-12-04 17:39:44.870770

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '716992ba5ae1'
down_revision = '72f52c5157ab'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_index('ix_attempts_analysis', ['assessment_id', 'status', 'number'], unique=False)

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_analysis', ['attempt_id', 'position', 'item_version_id', 'section_slug', 'auto_points', 'max_points', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_analysis')

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_attempts_analysis')

