"""Inbox reads: plain SQL over human_tasks, never the engine; totals from the open-task tallies (inbox.tallies)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from app.accounts import service as accounts
from app.accounts.models import OrgUnit, User
from app.core.clock import CHINA_TZ, utcnow
from app.extensions import db
from app.inbox.models import HumanTask, OpenTaskTally, TaskState

PAGE_SIZE = 50
DUE_STATES = ("overdue", "today", "next3", "none")
PRIORITIES = ("raised", "normal")
SORTS = ("urgency", "due", "oldest")
NEXT_WORKING_DAYS = 3
# Most urgent first: raised priority, then the earliest due date, tasks without one last. Written with NULLS LAST
# (not "due_at IS NULL, due_at") so the partial indexes on open tasks (inbox.models) deliver the rows in this
# order and a page is an index range scan with LIMIT, not a sort of every open task in reach.
URGENCY = (HumanTask.priority.desc(), HumanTask.due_at.asc().nulls_last(), HumanTask.id)


@dataclass(frozen=True)
class DueBounds:
    """Where the due states are cut, as UTC moments (due_at is stored in UTC; deadlines end at 23:59:59 local).

    overdue: due_at < now · today: now ≤ due_at < tomorrow · next3: tomorrow ≤ due_at < after_next (the end of
    the 3rd working day after today, on the working-day calendar) · none: no due date.
    """

    now: datetime
    today: date
    tomorrow: datetime
    after_next: datetime


def due_bounds(now: datetime | None = None) -> DueBounds:
    from app.calendar.deadlines import add_working_days
    from app.cases.deadlines import session_calendar

    now = now or utcnow()
    today = now.astimezone(CHINA_TZ).date()
    third = add_working_days(today, NEXT_WORKING_DAYS, session_calendar()).due
    return DueBounds(
        now=now,
        today=today,
        tomorrow=_local_midnight(today + timedelta(days=1)),
        after_next=_local_midnight(third + timedelta(days=1)),
    )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CHINA_TZ).astimezone(UTC)


def due_clause(state: str, bounds: DueBounds):
    """SQL condition for one due state; a range on due_at, so the (unit_id, state, due_at) index serves it."""
    due = HumanTask.due_at
    return {
        "overdue": due < bounds.now,
        "today": and_(due >= bounds.now, due < bounds.tomorrow),
        "next3": and_(due >= bounds.tomorrow, due < bounds.after_next),
        "none": due.is_(None),
    }[state]


@dataclass(frozen=True)
class InboxFilters:
    """What a person can narrow the inbox to; stored as JSON in a saved view (supervision.models.SavedView)."""

    service: str | None = None
    step: str | None = None  # task_name (BPMN element id)
    due: str | None = None  # one of DUE_STATES
    priority: str | None = None  # "raised" (escalated, > 0) or "normal"
    unit_id: int | None = None  # jurisdiction; only ever narrows what the user may see
    sort: str = "urgency"

    @classmethod
    def from_mapping(cls, values: Mapping) -> InboxFilters:
        """Tolerant: unknown or malformed values are dropped, never an error (they come from URLs and JSON)."""

        def text(name: str, allowed: tuple[str, ...] | None = None, size: int = 80) -> str | None:
            value = str(values.get(name) or "").strip()[:size]
            return value if value and (allowed is None or value in allowed) else None

        unit = str(values.get("unit_id") or "").strip()
        return cls(
            service=text("service", size=40),
            step=text("step"),
            due=text("due", DUE_STATES),
            priority=text("priority", PRIORITIES),
            unit_id=int(unit) if unit.isdigit() else None,
            sort=text("sort", SORTS) or "urgency",
        )

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None and not (k == "sort" and v == "urgency")}

    @property
    def active(self) -> bool:
        return bool(self.as_dict())


@dataclass
class InboxPage:
    tasks: list[HumanTask]
    total: int
    page: int
    pages: int


def inbox(
    user: User,
    *,
    view: str = "mine",
    service: str | None = None,
    page: int = 1,
    filters: InboxFilters | None = None,
    now: datetime | None = None,
) -> InboxPage:
    """view: 'mine' = open tasks I claimed; 'unit' = open, unclaimed tasks of my units. Most urgent first
    (priority, then due date) unless `filters.sort` says otherwise."""
    filters = filters or InboxFilters()
    if service and not filters.service:
        filters = replace(filters, service=service)
    query = select(HumanTask).where(HumanTask.state == TaskState.OPEN)
    units = accounts.visible_unit_ids(user)
    if view == "mine":
        query = query.where(HumanTask.assignee_id == user.id)
    else:
        query = query.where(HumanTask.assignee_id.is_(None))
        if units is not None:
            query = query.where(HumanTask.unit_id.in_(units))
    if filters.service:
        query = query.where(HumanTask.service == filters.service)
    if filters.step:
        query = query.where(HumanTask.task_name == filters.step)
    if filters.due:
        query = query.where(due_clause(filters.due, due_bounds(now)))
    if filters.priority:
        query = query.where(HumanTask.priority > 0 if filters.priority == "raised" else HumanTask.priority <= 0)
    if filters.unit_id is not None:
        # Never widens: a unit outside the user's jurisdiction simply matches nothing in "unit" view.
        allowed = units is None or filters.unit_id in units or view == "mine"
        query = query.where(HumanTask.unit_id == (filters.unit_id if allowed else -1))
    if filters.step or filters.priority:  # not in the tallies: count the rows
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    else:
        total = _tally_count(user, view, units, filters, now)
    page = max(page, 1)
    order = {
        "urgency": URGENCY,
        "due": (HumanTask.due_at.asc().nulls_last(), HumanTask.id),
        "oldest": (HumanTask.created_at, HumanTask.id),
    }[filters.sort]
    rows = load_page(query.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return InboxPage(rows, total, page, max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1))


def load_page(query) -> list[HumanTask]:
    """The rows of one page of a HumanTask query (ordered, limited), with their case, unit and assignee.

    In two statements: the page's ids first — the order and limit apply to human_tasks alone, so PostgreSQL
    reads them from a partial index on open tasks and sorts at most the ids in reach — then those rows with
    their joins. Joining first would make the planner join every open task in reach before cutting the page.
    """
    ids = list(db.session.scalars(query.with_only_columns(HumanTask.id)))
    if not ids:
        return []
    loaded = db.session.scalars(
        select(HumanTask)
        .where(HumanTask.id.in_(ids))
        .options(joinedload(HumanTask.case), joinedload(HumanTask.unit), joinedload(HumanTask.assignee))
    ).all()
    by_id = {row.id: row for row in loaded}
    return [by_id[i] for i in ids if i in by_id]


def _tally_count(user: User, view: str, units: set[int] | None, filters: InboxFilters, now: datetime | None) -> int:
    """The inbox total from the open-task tallies (inbox.tallies): the same rows as the page's query, counted in a
    few dozen tally rows instead of every open task in reach."""
    tally = OpenTaskTally
    clauses = [tally.kind == "due"]
    if view == "mine":
        clauses.append(tally.assignee_id == user.id)
    else:
        clauses.append(tally.assignee_id.is_(None))
        if units is not None:
            clauses.append(tally.unit_id.in_(units))
    if filters.service:
        clauses.append(tally.service == filters.service)
    if filters.due:
        bounds = due_bounds(now)
        clauses.append(
            {
                "overdue": tally.due_at < bounds.now,
                "today": and_(tally.due_at >= bounds.now, tally.due_at < bounds.tomorrow),
                "next3": and_(tally.due_at >= bounds.tomorrow, tally.due_at < bounds.after_next),
                "none": tally.due_at.is_(None),
            }[filters.due]
        )
    if filters.unit_id is not None:
        allowed = units is None or filters.unit_id in units or view == "mine"
        clauses.append(tally.unit_id == (filters.unit_id if allowed else -1))
    return int(db.session.scalar(select(func.coalesce(func.sum(tally.n), 0)).where(*clauses)) or 0)


def counts(user: User) -> dict[str, int]:
    """Open tasks I hold and unclaimed ones in my units (the header, the inbox tabs): from the tallies."""
    units = accounts.visible_unit_ids(user)
    total = func.coalesce(func.sum(OpenTaskTally.n), 0)
    mine = select(total).where(OpenTaskTally.kind == "due", OpenTaskTally.assignee_id == user.id)
    unit = select(total).where(OpenTaskTally.kind == "due", OpenTaskTally.assignee_id.is_(None))
    if units is not None:
        unit = unit.where(OpenTaskTally.unit_id.in_(units))
    return {"mine": int(db.session.scalar(mine) or 0), "unit": int(db.session.scalar(unit) or 0)}


def process_steps() -> list[tuple[str, str, str]]:
    """(service, task_name, title in the page's language) of the user tasks in the newest version of every
    deployed process."""
    from app.core.templating import step_title
    from app.processes import specs
    from app.processes.models import ProcessVersion

    latest = db.session.execute(
        select(ProcessVersion.process_id, func.max(ProcessVersion.id)).group_by(ProcessVersion.process_id)
    ).all()
    steps: list[tuple[str, str, str]] = []
    for process_id, version_id in sorted(latest):
        bundle = specs.bundle_for(specs.version_info(version_id))
        steps += [(process_id, m.name, step_title(m)) for m in bundle.tasks.values() if m.kind == "userTask"]
    return steps


def filter_choices(user: User) -> dict:
    """Options for the filter form: steps from the deployed processes (not a scan of the tasks), units in reach."""
    steps = process_steps()
    units = accounts.visible_unit_ids(user)
    unit_query = select(OrgUnit).order_by(OrgUnit.path)
    if units is not None:
        unit_query = unit_query.where(OrgUnit.id.in_(units))
    return {
        "services": sorted({s for s, _n, _t in steps}),
        "steps": steps,
        "units": list(db.session.scalars(unit_query)) if units is None or len(units) > 1 else [],
    }
