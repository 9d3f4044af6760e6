"""inbox rows keep the step's English name beside the Chinese one (docs/i18n.md)

Revision ID: b8e4f1c2d3a5
Revises: a7d3c5e9b210
Create Date: 2026-12-02 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8e4f1c2d3a5'
down_revision = 'a7d3c5e9b210'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not batch mode: rebuilding human_tasks on SQLite would drop its tally triggers.
    op.add_column('human_tasks', sa.Column('title_en', sa.String(length=200), nullable=True))


def downgrade():
    op.drop_column('human_tasks', 'title_en')
