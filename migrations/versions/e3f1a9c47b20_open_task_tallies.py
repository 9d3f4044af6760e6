"""open-task tallies for the supervisor's desk (kept by triggers on human_tasks and cases), the drill-down's urgency
index and the forecast's sample indexes; issue 3 "flat dashboard"

Revision ID: e3f1a9c47b20
Revises: 57885d486aea
Create Date: 2026-12-02 02:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e3f1a9c47b20'
down_revision = '57885d486aea'
branch_labels = None
depends_on = None

# The trigger SQL lives in app/inbox/tallies.py (create_all uses it too). A change to it needs a new
# revision that replaces the triggers; this one creates them as they are written there.


def upgrade():
    op.create_table('open_task_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('task_name', sa.String(length=80), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('risk_on', sa.Date(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_task_tallies'))
    )
    with op.batch_alter_table('open_task_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_open_task_tallies_unit', ['unit_id'], unique=False)

    # The at-risk forecast's bounded samples: a step's most recent completions, a service's latest closed cases.
    done = sa.text("state = 'COMPLETED'")
    op.create_index(
        'ix_human_tasks_done_step', 'human_tasks', ['service', 'task_name', 'completed_at', 'created_at'],
        unique=False, postgresql_where=done, sqlite_where=done,
    )
    open_ = sa.text("state = 'OPEN'")
    op.create_index(
        'ix_human_tasks_open_urgency', 'human_tasks', [sa.text('priority DESC'), 'due_at', 'id', 'unit_id'],
        unique=False, postgresql_where=open_, sqlite_where=open_,
    )
    closed = sa.text('closed_at IS NOT NULL')
    op.create_index(
        'ix_cases_service_closed', 'cases', ['service', 'closed_at'], unique=False,
        postgresql_where=closed, sqlite_where=closed,
    )

    from app.inbox import tallies

    connection = op.get_bind()
    tallies.create_triggers(connection)
    for statement in tallies.rebuild_statements():  # the tasks already open
        connection.exec_driver_sql(statement)


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS human_tasks_tally ON human_tasks')
        op.execute('DROP TRIGGER IF EXISTS cases_tally ON cases')
        op.execute('DROP FUNCTION IF EXISTS anju_tally_task()')
        op.execute('DROP FUNCTION IF EXISTS anju_tally_case()')
    else:
        for name in ('human_tasks_tally_insert', 'human_tasks_tally_update', 'cases_tally'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    op.drop_index('ix_cases_service_closed', table_name='cases')
    op.drop_index('ix_human_tasks_done_step', table_name='human_tasks')
    op.drop_index('ix_human_tasks_open_urgency', table_name='human_tasks')
    with op.batch_alter_table('open_task_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_open_task_tallies_unit')
    op.drop_table('open_task_tallies')
