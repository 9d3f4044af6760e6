"""Statistics for the supervisor's units: cases opened/closed per week, time per step, on-time rate per department,
where cases wait now (heat overlay), and the per-department clock aggregated per service. All GROUP BY in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from app.accounts import service as accounts
from app.accounts.models import OrgUnit, User
from app.cases.models import Case
from app.core.clock import CHINA_TZ, utcnow
from app.core.templating import step_title
from app.extensions import db
from app.inbox.models import HumanTask, TaskState
from app.supervision.measures import StepTime, at, hours_between, step_times, task_hours
from app.supervision.queries import week_start

WEEKS = 12


@dataclass(frozen=True)
class Week:
    starts_on: date  # Monday, China time
    opened: int
    closed: int


def _case_scope(user: User):
    """The jurisdiction of the case list (cases.queries.visible_cases_query), as a WHERE clause."""
    from app.cases.queries import visible_cases_query

    return visible_cases_query(user).whereclause


def _week_index(column, starts: list[datetime]):
    """0 … len(starts)-1: which week a timestamp falls in (a CASE over the week starts, portable and indexable)."""
    return case(*[(column < at(starts[i + 1]), i) for i in range(len(starts) - 1)], else_=len(starts) - 1)


def weekly_cases(
    user: User, *, service: str | None = None, now: datetime | None = None, weeks: int = WEEKS
) -> list[Week]:
    now = now or utcnow()
    first = week_start(now) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    scope = _case_scope(user)
    counts: dict[str, dict[int, int]] = {}
    for name, column in (("opened", Case.opened_at), ("closed", Case.closed_at)):
        index = _week_index(column, starts)
        query = select(index, func.count()).where(column >= at(first), column <= at(now)).group_by(index)
        if scope is not None:
            query = query.where(scope)
        if service:
            query = query.where(Case.service == service)
        counts[name] = dict(db.session.execute(query).all())
    return [
        Week(start.astimezone(CHINA_TZ).date(), counts["opened"].get(i, 0), counts["closed"].get(i, 0))
        for i, start in enumerate(starts)
    ]


@dataclass(frozen=True)
class StepRow:
    stat: StepTime
    title: str


def steps(user: User, *, since: datetime, service: str | None = None) -> list[StepRow]:
    """Median and p90 hours per step, over tasks of the user's units completed since `since`; in process order."""
    from app.inbox.queries import process_steps

    known = {(s, name): (i, title) for i, (s, name, title) in enumerate(process_steps())}
    stats = [
        s
        for s in step_times(since=since, units=accounts.visible_unit_ids(user))
        if service is None or s.service == service
    ]
    rows = [StepRow(s, known.get((s.service, s.task_name), (0, s.task_name))[1]) for s in stats]
    return sorted(rows, key=lambda r: (known.get((r.stat.service, r.stat.task_name), (len(known), ""))[0], r.title))


@dataclass(frozen=True)
class OnTime:
    unit: OrgUnit
    completed: int  # completed tasks that had a due date
    on_time: int

    @property
    def rate(self) -> float:
        return self.on_time / self.completed if self.completed else 0.0


def on_time(user: User, *, since: datetime, service: str | None = None) -> list[OnTime]:
    """Per department: tasks completed since `since` that had a due date, and how many by it (completed_at ≤ due_at)."""
    units = accounts.visible_unit_ids(user)
    query = (
        select(
            HumanTask.unit_id, func.count(), func.sum(case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0))
        )
        .where(
            HumanTask.state == TaskState.COMPLETED, HumanTask.completed_at >= at(since), HumanTask.due_at.is_not(None)
        )
        .group_by(HumanTask.unit_id)
    )
    if units is not None:
        query = query.where(HumanTask.unit_id.in_(units))
    if service:
        query = query.where(HumanTask.service == service)
    rows = db.session.execute(query).all()
    by_id = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_([r[0] for r in rows])))}
    return sorted((OnTime(by_id[unit_id], n, int(ok or 0)) for unit_id, n, ok in rows), key=lambda r: r.unit.path)


@dataclass(frozen=True)
class Waiting:
    task_name: str
    title: str
    count: int
    average_hours: float


def waiting(user: User, *, service: str, now: datetime | None = None) -> list[Waiting]:
    """Where cases of `service` wait now: open tasks per step and their average age (the heat overlay)."""
    now = now or utcnow()
    units = accounts.visible_unit_ids(user)
    query = (
        select(
            HumanTask.task_name,
            func.max(HumanTask.title),
            func.max(HumanTask.title_en),
            func.count(),
            func.avg(hours_between(HumanTask.created_at, at(now))),
        )
        .where(HumanTask.state == TaskState.OPEN, HumanTask.service == service)
        .group_by(HumanTask.task_name)
    )
    if units is not None:
        query = query.where(HumanTask.unit_id.in_(units))
    return [
        Waiting(name, step_title({"title": title, "title_en": title_en}), n, float(avg or 0))
        for name, title, title_en, n, avg in db.session.execute(
            query.order_by(func.count().desc(), HumanTask.task_name)
        )
    ]


@dataclass(frozen=True)
class DepartmentAverage:
    service: str
    unit: OrgUnit
    cases: int
    average_hours: float


def department_clock_averages(
    user: User, *, since: datetime, service: str | None = None, now: datetime | None = None
) -> list[DepartmentAverage]:
    """Average hours a case spends with each department, per service, over cases opened since `since`
    (still-open tasks count up to now). Per case and unit first, then the average over cases."""
    now = now or utcnow()
    units = accounts.visible_unit_ids(user)
    per_case = (
        select(
            HumanTask.service.label("service"),
            HumanTask.unit_id.label("unit_id"),
            func.sum(task_hours(now)).label("hours"),
        )
        .join(Case, Case.id == HumanTask.case_id)
        .where(Case.opened_at >= at(since))
        .group_by(HumanTask.case_id, HumanTask.service, HumanTask.unit_id)
    )
    if units is not None:
        per_case = per_case.where(HumanTask.unit_id.in_(units))
    if service:
        per_case = per_case.where(HumanTask.service == service)
    inner = per_case.subquery()
    rows = db.session.execute(
        select(inner.c.service, inner.c.unit_id, func.count(), func.avg(inner.c.hours)).group_by(
            inner.c.service, inner.c.unit_id
        )
    ).all()
    by_id = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_([r[1] for r in rows])))}
    result = [DepartmentAverage(service, by_id[unit_id], n, float(avg or 0)) for service, unit_id, n, avg in rows]
    return sorted(result, key=lambda r: (r.service, r.unit.path))


def period_start(now: datetime | None = None, weeks: int = WEEKS) -> datetime:
    """The statistics period: the last `weeks` weeks, from a Monday (China time)."""
    return week_start(now or utcnow()) - timedelta(weeks=weeks - 1)


def services_in_use() -> list[str]:
    from app.cases import services
    from app.processes.models import ProcessVersion

    deployed = set(db.session.scalars(select(ProcessVersion.process_id).distinct()))
    catalogue = [s.process_id for s in services.all_services()]  # the catalogue's order: the main service first
    return [p for p in catalogue if p in deployed] + sorted(deployed - set(catalogue))


@dataclass(frozen=True)
class StatisticsPage:
    service: str | None
    since: datetime
    weeks: list[Week]
    steps: list[StepRow]
    on_time: list[OnTime]
    clock: list[DepartmentAverage]
    waiting: list[Waiting]


def page(user: User, *, service: str | None, now: datetime | None = None) -> StatisticsPage:
    """Everything the statistics page shows, for one service, over the last WEEKS weeks."""
    now = now or utcnow()
    since = period_start(now)
    return StatisticsPage(
        service=service,
        since=since,
        weeks=weekly_cases(user, service=service, now=now),
        steps=steps(user, since=since, service=service),
        on_time=on_time(user, since=since, service=service),
        clock=department_clock_averages(user, since=since, service=service, now=now),
        waiting=waiting(user, service=service, now=now) if service else [],
    )
