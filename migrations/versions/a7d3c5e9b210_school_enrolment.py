"""school places: reporting at the school (enrolled_on) and places released when not taken up

Revision ID: a7d3c5e9b210
Revises: f4c2d8e61a93
Create Date: 2026-12-02 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7d3c5e9b210'
down_revision = 'f4c2d8e61a93'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('school_placements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrolled_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('released_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('release_reason', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('school_placements', schema=None) as batch_op:
        batch_op.drop_column('release_reason')
        batch_op.drop_column('released_at')
        batch_op.drop_column('enrolled_on')
