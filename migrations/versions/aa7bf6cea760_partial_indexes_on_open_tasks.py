"""partial indexes on open tasks (inbox, my tasks, supervisor's desk) and the timer scan; issue 3 "Speed, measured"

Revision ID: aa7bf6cea760
Revises: 9541852cd3f5
Create Date: 2026-11-22 04:44:15.462269

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate writes JSONB(astext_type=Text()))

# revision identifiers, used by Alembic.
revision = 'aa7bf6cea760'
down_revision = '9541852cd3f5'
branch_labels = None
depends_on = None

OPEN = "state = 'OPEN'"
OPEN_UNCLAIMED = "state = 'OPEN' AND assignee_id IS NULL"
URGENCY = [sa.text("priority DESC"), "due_at", "id"]  # due_at ASC is NULLS LAST on PostgreSQL


def upgrade():
    # Expression columns (DESC, NULLS LAST): autogenerate cannot compare these, so they are written by hand.
    op.create_index(
        'ix_human_tasks_open_unclaimed', 'human_tasks', ['unit_id', *URGENCY], unique=False,
        postgresql_where=sa.text(OPEN_UNCLAIMED), sqlite_where=sa.text(OPEN_UNCLAIMED),
    )
    op.create_index(
        'ix_human_tasks_open_assignee', 'human_tasks', ['assignee_id', *URGENCY], unique=False,
        postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN),
    )
    # The timer scan's claim order (next_timer_at, id), only cases with a pending timer; replaces the plain index.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_next_timer_at')
    op.create_index(
        'ix_cases_timer_scan', 'cases', ['next_timer_at', 'id'], unique=False,
        postgresql_where=sa.text('next_timer_at IS NOT NULL'), sqlite_where=sa.text('next_timer_at IS NOT NULL'),
    )
    op.create_index(
        'ix_human_tasks_open_unit_due', 'human_tasks', ['unit_id', 'due_at'], unique=False,
        postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index('ix_cases_timer_scan', table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_next_timer_at', ['next_timer_at'], unique=False)
    op.drop_index('ix_human_tasks_open_unit_due', table_name='human_tasks')
    op.drop_index('ix_human_tasks_open_assignee', table_name='human_tasks')
    op.drop_index('ix_human_tasks_open_unclaimed', table_name='human_tasks')
