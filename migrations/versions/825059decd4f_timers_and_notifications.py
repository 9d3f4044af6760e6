"""timers and notifications: cases.next_timer_at / timer_failures (the timer scan), notifications, service_settings

Revision ID: 825059decd4f
Revises: c7bb24648137
Create Date: 2026-11-22 04:05:40.703890

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401  (autogenerate writes JSONB(astext_type=Text()))


# revision identifiers, used by Alembic.
revision = '825059decd4f'
down_revision = 'c7bb24648137'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_settings',
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('reassign_overdue_to_supervisor', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('service', name=op.f('pk_service_settings'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('message_zh', sa.Text(), nullable=False),
    sa.Column('message_en', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notifications_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_timer_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('timer_failures', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.create_index(batch_op.f('ix_cases_next_timer_at'), ['next_timer_at'], unique=False)



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_next_timer_at'))
        batch_op.drop_column('timer_failures')
        batch_op.drop_column('next_timer_at')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')
        batch_op.drop_index(batch_op.f('ix_notifications_case_id'))

    op.drop_table('notifications')
    op.drop_table('service_settings')
