"""Ready user tasks mirrored as plain rows, so inboxes and lists never load the engine."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Enum, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import OrgUnit, User
from app.cases.models import Case
from app.core.clock import utcnow
from app.extensions import db


class TaskState(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # the engine withdrew it (e.g. a boundary event fired)


class HumanTask(db.Model):
    __tablename__ = "human_tasks"
    __table_args__ = (
        # Inbox queries: open tasks of a set of units, by due date; my open tasks.
        Index("ix_human_tasks_unit_state_due", "unit_id", "state", "due_at"),
        Index("ix_human_tasks_assignee_state", "assignee_id", "state"),
        # Supervision: completions in a period (workload "this week", step times, on-time rate; docs/supervision.md).
        Index("ix_human_tasks_completed_at", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    engine_task_id: Mapped[str] = mapped_column(String(36), unique=True)  # SpiffWorkflow task UUID
    task_name: Mapped[str] = mapped_column(String(80))  # BPMN element id
    title: Mapped[str] = mapped_column(String(200))  # BPMN element name (zh)
    title_en: Mapped[str | None] = mapped_column(String(200))  # its English name, where the BPMN gives one
    service: Mapped[str] = mapped_column(String(40))
    lane: Mapped[str] = mapped_column(String(40))  # department role from the BPMN lane
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))  # jurisdiction: who may work it
    form_id: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[TaskState] = mapped_column(Enum(TaskState, native_enum=False, length=20), default=TaskState.OPEN)
    priority: Mapped[int] = mapped_column(default=0)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    unit: Mapped[OrgUnit] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])


# Partial indexes on the open tasks only (a few % of the rows, however long the history grows), in the inbox order
# (inbox.queries.URGENCY: priority DESC, due_at ASC — NULLS LAST, PostgreSQL's default for ASC —, id): a page is an
# index range scan with LIMIT, counts are index-only. Measured at a million cases in BENCHMARKS.md "Scale (issue 3)";
# plans in bench/plans/. Declared after the class to use `priority.desc()` (compared by Alembic, unlike text()).
_OPEN = HumanTask.state == TaskState.OPEN
Index(
    "ix_human_tasks_open_unclaimed",  # "unclaimed in my units"
    HumanTask.unit_id,
    HumanTask.priority.desc(),
    HumanTask.due_at,
    HumanTask.id,
    postgresql_where=_OPEN & HumanTask.assignee_id.is_(None),
    sqlite_where=_OPEN & HumanTask.assignee_id.is_(None),
)
Index(
    "ix_human_tasks_open_assignee",  # "my tasks", workload per person
    HumanTask.assignee_id,
    HumanTask.priority.desc(),
    HumanTask.due_at,
    HumanTask.id,
    postgresql_where=_OPEN,
    sqlite_where=_OPEN,
)
Index(
    "ix_human_tasks_open_unit_due",  # supervisor's desk: buckets by due date per unit, drill-downs
    HumanTask.unit_id,
    HumanTask.due_at,
    postgresql_where=_OPEN,
    sqlite_where=_OPEN,
)
Index(
    "ix_human_tasks_open_urgency",  # the supervisor's drill-downs across many units: a page in urgency order
    HumanTask.priority.desc(),
    HumanTask.due_at,
    HumanTask.id,
    HumanTask.unit_id,  # the scope is checked in the index
    postgresql_where=_OPEN,
    sqlite_where=_OPEN,
)
Index(
    "ix_human_tasks_done_step",  # the at-risk forecast: a step's most recent completions (supervision.measures)
    HumanTask.service,
    HumanTask.task_name,
    HumanTask.completed_at,
    HumanTask.created_at,  # the duration is read from the index alone
    postgresql_where=HumanTask.state == TaskState.COMPLETED,
    sqlite_where=HumanTask.state == TaskState.COMPLETED,
)


class OpenTaskTally(db.Model):
    """Counts of open tasks per key for the supervisor's desk, kept by database triggers (inbox.tallies).

    A row is a delta (+1 / −1) or, after compaction, the sum for its key. No foreign keys and no unique key: the
    triggers only ever INSERT, so concurrent steps never wait on each other here, and deltas cost no FK checks."""

    __tablename__ = "open_task_tallies"
    __table_args__ = (Index("ix_open_task_tallies_unit", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(4))  # "due" (by due_at) or "risk" (by the case's statutory deadline)
    unit_id: Mapped[int]
    assignee_id: Mapped[int | None]
    service: Mapped[str] = mapped_column(String(40))
    task_name: Mapped[str | None] = mapped_column(String(80))  # "risk" rows
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # "due" rows; NULL: no due date
    risk_on: Mapped[date | None] = mapped_column(Date)  # "risk" rows
    n: Mapped[int]


@event.listens_for(db.Model.metadata, "after_create")
def _create_tally_triggers(_metadata, connection, **_kw) -> None:
    """create_all (tests, benchmarks) builds the tables, then the tally triggers on them; drop_all drops the
    tables and their triggers with them. Migrations create them in their own revision."""
    from app.inbox.tallies import create_triggers

    create_triggers(connection)
