"""Supervisor's desk reads: dashboard counts, drill-down lists, workload, delegations, saved views, and the
per-department clock of a case. Counting is GROUP BY in SQL over human_tasks (docs/supervision.md)."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic

from flask import current_app
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts import service as accounts
from app.accounts.models import OrgUnit, Role, User
from app.cases.models import Case
from app.core.clock import CHINA_TZ, utcnow
from app.extensions import db
from app.inbox.models import HumanTask, OpenTaskTally, TaskState
from app.inbox.queries import URGENCY, DueBounds, due_bounds, due_clause, load_page
from app.supervision.measures import Forecast, at_risk_clause, forecast, risk_cutoff, task_hours
from app.supervision.models import Delegation, SavedView

BUCKETS = ("overdue", "today", "next3", "at_risk")
LIST_PAGE_SIZE = 50
EXPORT_LIMIT = 10_000  # CSV rows at most; the page says so when a list is longer


@dataclass
class Counts:
    open: int = 0
    overdue: int = 0
    today: int = 0
    next3: int = 0
    at_risk: int = 0

    def add(self, other: Counts) -> None:
        for name in ("open", *BUCKETS):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Dashboard:
    bounds: DueBounds
    total: Counts
    by_unit: list[tuple[OrgUnit, Counts]]
    by_person: list[tuple[User | None, Counts]]  # None: not claimed yet
    by_service: list[tuple[str, Counts]]


@dataclass
class Scope:
    """Whose tasks a supervisor looks at: their units (None: all, for admins).

    The at-risk condition needs the forecast (typical step times over 90 days of history: the most expensive
    read of the desk), so it is built on first use only: a drill-down into overdue / today / next3 never pays it.
    """

    units: set[int] | None
    bounds: DueBounds
    now: datetime
    _risk: object = field(default=None, repr=False)

    @property
    def risk(self):
        if self._risk is None:
            self._risk = at_risk_clause(cached_forecast(self.now), self.now)
        return self._risk

    def where(self) -> list:
        clauses = [HumanTask.state == TaskState.OPEN]
        if self.units is not None:
            clauses.append(HumanTask.unit_id.in_(self.units))
        return clauses


FORECAST_CACHE_SECONDS = 600
_forecasts: dict[str, tuple[float, Forecast]] = {}
_forecasts_lock = threading.Lock()


def cached_forecast(now: datetime) -> Forecast:
    """The at-risk forecast (measures.forecast: median step times and usual successors over the last 90 days),
    kept per process and database for FORECAST_CACHE_SECONDS (config key of that name; 0 turns it off, and it is
    off under TESTING). Reading 90 days of history costs ~0.7 s at a million cases, and typical step times over 90
    days do not move in ten minutes; the cutoff dates themselves are still computed from `now` on every call."""
    config = current_app.config
    ttl = float(config.get("FORECAST_CACHE_SECONDS", 0 if current_app.testing else FORECAST_CACHE_SECONDS))
    if ttl <= 0:
        return forecast(now)
    key = str(db.engine.url)
    with _forecasts_lock:
        hit = _forecasts.get(key)
    if hit is not None and hit[0] > monotonic():
        return hit[1]
    fresh = forecast(now)
    with _forecasts_lock:
        _forecasts[key] = (monotonic() + ttl, fresh)
    return fresh


def scope_for(user: User, now: datetime | None = None) -> Scope:
    now = now or utcnow()
    return Scope(accounts.visible_unit_ids(user), due_bounds(now), now)


def _bucket_clause(bucket: str, scope: Scope):
    return scope.risk if bucket == "at_risk" else due_clause(bucket, scope.bounds)


def dashboard(user: User, *, now: datetime | None = None) -> Dashboard:
    """One GROUP BY (unit, assignee, service) over the open-task tallies in reach (inbox.tallies: a few rows
    per unit and day, whatever the number of open tasks); the three views are sums of it."""
    scope = scope_for(user, now)
    bounds, tally = scope.bounds, OpenTaskTally
    due, risk = tally.kind == "due", tally.kind == "risk"

    def total(condition):
        return func.sum(case((condition, tally.n), else_=0))

    cutoff = risk_cutoff(cached_forecast(scope.now), scope.now, tally.service, tally.task_name)
    query = (
        select(
            tally.unit_id,
            tally.assignee_id,
            tally.service,
            total(due),
            total(due & (tally.due_at < bounds.now)),
            total(due & (tally.due_at >= bounds.now) & (tally.due_at < bounds.tomorrow)),
            total(due & (tally.due_at >= bounds.tomorrow) & (tally.due_at < bounds.after_next)),
            total(risk & (tally.risk_on < cutoff)),
        )
        .group_by(tally.unit_id, tally.assignee_id, tally.service)
        .having(total(due) != 0)  # every open task of a group was closed since the last compaction
    )
    if scope.units is not None:
        query = query.where(tally.unit_id.in_(scope.units))
    total_counts = Counts()
    by_unit: dict[int, Counts] = defaultdict(Counts)
    by_person: dict[int | None, Counts] = defaultdict(Counts)
    by_service: dict[str, Counts] = defaultdict(Counts)
    for unit_id, assignee_id, service, *numbers in db.session.execute(query):
        counts = Counts(*(int(n or 0) for n in numbers))
        for bucket in (total_counts, by_unit[unit_id], by_person[assignee_id], by_service[service]):
            bucket.add(counts)
    units = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(list(by_unit))))}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([i for i in by_person if i])))}
    return Dashboard(
        bounds=scope.bounds,
        total=total_counts,
        by_unit=sorted(((units[i], c) for i, c in by_unit.items()), key=lambda row: row[0].path),
        by_person=sorted(
            ((people.get(i) if i else None, c) for i, c in by_person.items()),
            key=lambda row: (row[0] is None, row[0].display_name if row[0] else ""),
        ),
        by_service=sorted(by_service.items()),
    )


@dataclass(frozen=True)
class TaskFilter:
    """A drill-down: one bucket (or all open tasks), optionally one unit, person ('none': unclaimed), service."""

    bucket: str | None = None
    unit_id: int | None = None
    person: str | None = None  # a user id as text, or "none"
    service: str | None = None

    @classmethod
    def from_mapping(cls, values) -> TaskFilter:
        bucket = values.get("bucket") if values.get("bucket") in BUCKETS else None
        unit = str(values.get("unit_id") or "")
        person = str(values.get("person") or "")
        return cls(
            bucket=bucket,
            unit_id=int(unit) if unit.isdigit() else None,
            person=person if person.isdigit() or person == "none" else None,
            service=(values.get("service") or None) and str(values["service"])[:40],
        )

    def args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class TaskList:
    tasks: list[HumanTask]
    total: int
    page: int
    pages: int
    bounds: DueBounds


def task_list(
    user: User, filters: TaskFilter, *, page: int = 1, export: bool = False, now: datetime | None = None
) -> TaskList:
    scope = scope_for(user, now)
    query = select(HumanTask).where(*scope.where())
    if filters.bucket == "at_risk":  # the only bucket that reads the case (its statutory deadline)
        query = query.join(Case, Case.id == HumanTask.case_id)
    if filters.bucket:
        query = query.where(_bucket_clause(filters.bucket, scope))
    if filters.unit_id is not None:
        query = query.where(HumanTask.unit_id == filters.unit_id)
    if filters.person == "none":
        query = query.where(HumanTask.assignee_id.is_(None))
    elif filters.person:
        query = query.where(HumanTask.assignee_id == int(filters.person))
    if filters.service:
        query = query.where(HumanTask.service == filters.service)
    total = _tally_count(scope, filters)  # from the tallies: flat, however many tasks the list holds
    size = EXPORT_LIMIT if export else LIST_PAGE_SIZE
    page = 1 if export else max(page, 1)
    rows = load_page(query.order_by(*URGENCY).limit(size).offset((page - 1) * size))
    return TaskList(rows, total, page, max((total + size - 1) // size, 1), scope.bounds)


def _tally_count(scope: Scope, filters: TaskFilter) -> int:
    """How many open tasks the drill-down lists, summed from inbox.tallies (exact at any moment)."""
    tally, bounds = OpenTaskTally, scope.bounds
    if filters.bucket == "at_risk":
        cutoff = risk_cutoff(cached_forecast(scope.now), scope.now, tally.service, tally.task_name)
        clauses = [tally.kind == "risk", tally.risk_on < cutoff]
    else:
        clauses = [tally.kind == "due"]
        if filters.bucket == "overdue":
            clauses.append(tally.due_at < bounds.now)
        elif filters.bucket == "today":
            clauses += [tally.due_at >= bounds.now, tally.due_at < bounds.tomorrow]
        elif filters.bucket == "next3":
            clauses += [tally.due_at >= bounds.tomorrow, tally.due_at < bounds.after_next]
    if scope.units is not None:
        clauses.append(tally.unit_id.in_(scope.units))
    if filters.unit_id is not None:
        clauses.append(tally.unit_id == filters.unit_id)
    if filters.person == "none":
        clauses.append(tally.assignee_id.is_(None))
    elif filters.person:
        clauses.append(tally.assignee_id == int(filters.person))
    if filters.service:
        clauses.append(tally.service == filters.service)
    return int(db.session.scalar(select(func.coalesce(func.sum(tally.n), 0)).where(*clauses)) or 0)


def people_in_reach(user: User) -> list[User]:
    """Active staff of the supervisor's units (caseworkers and supervisors): who may be given tasks."""
    query = (
        select(User)
        .join(OrgUnit, OrgUnit.id == User.unit_id)
        .where(User.is_active_flag.is_(True), User.role != Role.ADMIN)
        .options(joinedload(User.unit))
        .order_by(OrgUnit.path, User.display_name)
    )
    units = accounts.visible_unit_ids(user)
    if units is not None:
        query = query.where(User.unit_id.in_(units))
    return list(db.session.scalars(query))


def week_start(now: datetime) -> datetime:
    """Monday 00:00 China time of the week `now` falls in, in UTC (SQLite compares the stored UTC text)."""
    local = now.astimezone(CHINA_TZ).date()
    return datetime.combine(local - timedelta(days=local.weekday()), time(0), tzinfo=CHINA_TZ).astimezone(UTC)


@dataclass
class WorkloadRow:
    person: User
    open: int
    overdue: int
    completed_week: int
    away: Delegation | None


def workload(user: User, *, now: datetime | None = None) -> dict:
    """Per person of the units: open and overdue tasks they hold, tasks they completed this week (Monday-based,
    China time); plus the unclaimed tasks per unit. Two GROUP BYs, each on an index."""
    now = now or utcnow()
    people = people_in_reach(user)
    ids = [p.id for p in people]
    held = dict.fromkeys(ids, (0, 0))
    for person_id, open_count, overdue in db.session.execute(
        select(
            HumanTask.assignee_id, func.count(), func.sum(case((HumanTask.due_at < now.astimezone(UTC), 1), else_=0))
        )
        .where(HumanTask.state == TaskState.OPEN, HumanTask.assignee_id.in_(ids))
        .group_by(HumanTask.assignee_id)
    ):
        held[person_id] = (open_count, int(overdue or 0))
    monday = week_start(now)
    done = dict(
        db.session.execute(
            select(HumanTask.completed_by_id, func.count())
            .where(
                HumanTask.completed_at >= monday,
                HumanTask.state == TaskState.COMPLETED,
                HumanTask.completed_by_id.in_(ids),
            )
            .group_by(HumanTask.completed_by_id)
        ).all()
    )
    away = {d.user_id: d for d in active_delegations(ids, on=now.astimezone(CHINA_TZ).date())}
    rows = [WorkloadRow(p, *held[p.id], done.get(p.id, 0), away.get(p.id)) for p in people]
    units = accounts.visible_unit_ids(user)
    unclaimed = (
        select(HumanTask.unit_id, func.count())
        .where(HumanTask.state == TaskState.OPEN, HumanTask.assignee_id.is_(None))
        .group_by(HumanTask.unit_id)
    )
    if units is not None:
        unclaimed = unclaimed.where(HumanTask.unit_id.in_(units))
    pool = dict(db.session.execute(unclaimed).all())
    pool_units = db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(list(pool))).order_by(OrgUnit.path)).all()
    return {
        "rows": rows,
        "week_start": monday.astimezone(CHINA_TZ).date(),
        "unclaimed": [(u, pool[u.id]) for u in pool_units],
    }


def active_delegations(user_ids: list[int] | None, *, on: date) -> list[Delegation]:
    query = select(Delegation).where(
        Delegation.cancelled_at.is_(None), Delegation.starts_on <= on, Delegation.ends_on >= on
    )
    if user_ids is not None:
        query = query.where(Delegation.user_id.in_(user_ids))
    return list(db.session.scalars(query.options(joinedload(Delegation.substitute))))


def delegations_for(user: User, *, today: date) -> list[Delegation]:
    """Current and coming delegations the user may see: their own (as absent person or substitute), and for a
    supervisor everyone's in their units."""
    query = (
        select(Delegation)
        .where(Delegation.ends_on >= today, Delegation.cancelled_at.is_(None))
        .options(joinedload(Delegation.user), joinedload(Delegation.substitute), joinedload(Delegation.created_by))
        .order_by(Delegation.starts_on, Delegation.id)
    )
    units = accounts.visible_unit_ids(user)
    if user.role == Role.CASEWORKER:
        query = query.where(or_(Delegation.user_id == user.id, Delegation.substitute_id == user.id))
    elif units is not None:
        query = query.where(Delegation.user_id.in_(select(User.id).where(User.unit_id.in_(units))))
    return list(db.session.scalars(query))


def saved_views_for(user: User) -> list[SavedView]:
    """The user's own views and those shared with their unit."""
    return list(
        db.session.scalars(
            select(SavedView)
            .where(
                or_(
                    SavedView.owner_id == user.id,
                    and_(SavedView.unit_id.is_not(None), SavedView.unit_id == user.unit_id),
                )
            )
            .options(joinedload(SavedView.owner))
            .order_by(SavedView.unit_id.is_not(None), SavedView.name)
        )
    )


@dataclass(frozen=True)
class DepartmentTime:
    unit: OrgUnit
    hours: float
    still_there: bool  # a task of the case is open at this unit now


def department_clock(case_id: int, *, now: datetime | None = None) -> list[DepartmentTime]:
    """How long the case sat with each department: Σ (completed_at or now − created_at) of its tasks, by unit."""
    now = now or utcnow()
    rows = db.session.execute(
        select(
            HumanTask.unit_id,
            func.sum(task_hours(now)),
            func.max(case((HumanTask.state == TaskState.OPEN, 1), else_=0)),
        )
        .where(HumanTask.case_id == case_id)
        .group_by(HumanTask.unit_id)
    ).all()
    units = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_([r[0] for r in rows])))}
    result = [
        DepartmentTime(units[unit_id], max(float(hours or 0), 0.0), bool(open_now)) for unit_id, hours, open_now in rows
    ]
    return sorted(result, key=lambda row: -row.hours)
