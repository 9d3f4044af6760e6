"""the saved workflow state compressed with lz4 on PostgreSQL (faster than pglz on every step's UPDATE)

Revision ID: f4c2d8e61a93
Revises: e3f1a9c47b20
Create Date: 2026-12-02 03:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f4c2d8e61a93'
down_revision = 'e3f1a9c47b20'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    from app.cases.models import LZ4_STATE

    op.execute(LZ4_STATE)  # new values only; rows are recompressed as their cases take their next step


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE cases ALTER COLUMN workflow_state SET COMPRESSION pglz')
