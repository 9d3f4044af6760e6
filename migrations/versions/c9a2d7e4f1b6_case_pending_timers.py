"""cases keep their pending timers beside the state, so escalation timers fire without the engine (docs/timers.md)

Revision ID: c9a2d7e4f1b6
Revises: b8e4f1c2d3a5
Create Date: 2026-12-03 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'c9a2d7e4f1b6'
down_revision = 'b8e4f1c2d3a5'
branch_labels = None
depends_on = None


def upgrade():
    # NULL for cases saved before: the scan loads their state as it always did, and their next step fills it.
    op.add_column('cases', sa.Column('timers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))


def downgrade():
    op.drop_column('cases', 'timers')
