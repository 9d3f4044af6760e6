"""SQL building blocks for supervision: durations, percentiles, typical step times and the at-risk forecast.

Everything here aggregates in the database and hands back one row per group; nothing loads task rows to count
(the forecast reads a bounded sample of recent durations and takes their medians).
Durations and percentiles are written once for both databases (docs/supervision.md explains the choices):

* `hours_between(a, b)` — `EXTRACT(EPOCH FROM b - a) / 3600` on PostgreSQL, `(julianday(b) - julianday(a)) * 24`
  on SQLite (which stores UTC timestamps as text).
* `percentiles(...)` — linear interpolation between the two nearest ranks, exactly PostgreSQL's
  `percentile_cont`, built from `row_number()` and `count()` window functions that both databases have.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, DateTime, Float, and_, case, func, literal, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from app.cases.models import Case, CaseStatus
from app.core.clock import CHINA_TZ
from app.extensions import db
from app.inbox.models import HumanTask, TaskState

FORECAST_LOOKBACK_DAYS = 90  # typical step times and step order come from the last 90 days of history
MEDIAN, P90 = (1, 2), (9, 10)  # percentiles as fractions: integer arithmetic in SQL stays exact


class hours_between(FunctionElement):  # named like the SQL function it stands for
    """Hours from `start` to `end` (both timestamps) as a float, on PostgreSQL and SQLite."""

    type = Float()
    name = "hours_between"
    inherit_cache = True


@compiles(hours_between)
def _hours_pg(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION) / 3600.0)"


@compiles(hours_between, "sqlite")
def _hours_sqlite(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 24.0)"


def at(moment: datetime) -> ColumnElement:
    """A timestamp parameter typed like the columns, so SQLite gets it in its stored text form."""
    return literal(moment.astimezone(UTC), DateTime(timezone=True))


def percentiles(
    value: ColumnElement,
    group_by: list[ColumnElement],
    where: list,
    *,
    fractions: tuple[tuple[int, int], ...] = (MEDIAN, P90),
):
    """SELECT group_by…, n, p_0, p_1… — percentile_cont(num/den) of `value` per group, in one statement.

    Ranks rows per group (row_number, count over the group), then in the aggregate picks the rows at positions
    k+1 and k+2 with k = floor(p·(n−1)) and interpolates: lo + (hi − lo)·(p·(n−1) − k).
    """
    ranked = (
        select(
            *[col.label(f"g{i}") for i, col in enumerate(group_by)],
            value.label("v"),
            func.row_number().over(partition_by=group_by, order_by=value).label("rn"),
            func.count().over(partition_by=group_by).label("n"),
        )
        .where(*where)
        .subquery()
    )
    groups = [ranked.c[f"g{i}"] for i in range(len(group_by))]
    n = ranked.c.n
    columns = []
    for i, (num, den) in enumerate(fractions):
        k = (num * (n - 1)) // den  # integer division in both databases
        lo = func.max(case((ranked.c.rn == k + 1, ranked.c.v)))
        hi = func.coalesce(func.max(case((ranked.c.rn == k + 2, ranked.c.v))), lo)
        frac = func.max((num * (n - 1) - den * k) * 1.0 / den)
        columns.append((lo + (hi - lo) * frac).label(f"p{i}"))
    return select(*groups, func.max(n).label("n"), *columns).group_by(*groups)


def task_hours(now: datetime) -> ColumnElement:
    """How long a task row has been (or was) open: until completion or withdrawal, else until `now`."""
    return hours_between(HumanTask.created_at, func.coalesce(HumanTask.completed_at, at(now)))


@dataclass(frozen=True)
class StepTime:
    service: str
    task_name: str
    count: int
    median_hours: float
    p90_hours: float


def step_times(*, since: datetime, until: datetime | None = None, units: set[int] | None = None) -> list[StepTime]:
    """Median and p90 of (completed_at − created_at) per (service, task_name), for tasks completed in the period."""
    where = [HumanTask.state == TaskState.COMPLETED, HumanTask.completed_at >= at(since)]
    if until is not None:
        where.append(HumanTask.completed_at < at(until))
    if units is not None:
        where.append(HumanTask.unit_id.in_(units))
    duration = hours_between(HumanTask.created_at, HumanTask.completed_at)
    query = percentiles(duration, [HumanTask.service, HumanTask.task_name], where)
    return [
        StepTime(service, name, n, float(p50 or 0), float(p90 or 0))
        for service, name, n, p50, p90 in db.session.execute(query.order_by("g0", "g1"))
    ]


# The forecast learns from a bounded, recent sample, so its cost does not grow with the history: per step the most
# recent completions within the lookback, per service the most recently closed cases within it (at most).
FORECAST_SAMPLE_TASKS = 500
FORECAST_SAMPLE_CASES = 1000


def known_steps() -> list[tuple[str, str]]:
    """(service, task_name) of every user task of every deployed process version (a few dozen)."""
    from app.processes import specs
    from app.processes.models import ProcessVersion

    steps = set()
    for version_id in db.session.scalars(select(ProcessVersion.id)):
        version = specs.version_info(version_id)
        steps |= {
            (version.process_id, meta.name)
            for meta in specs.bundle_for(version).tasks.values()
            if meta.kind == "userTask"
        }
    return sorted(steps)


def recent_step_medians(
    *, since: datetime, steps: list[tuple[str, str]], sample: int = FORECAST_SAMPLE_TASKS
) -> dict[tuple[str, str], float]:
    """(service, task_name) → median hours of its `sample` most recent completions since `since`.

    One statement: per step an index range scan (ix_human_tasks_done_step, newest first, LIMIT), all of them
    joined by UNION ALL — each part read as its own SELECT, as SQLite wants a LIMIT inside a compound."""
    if not steps:
        return {}
    hours = hours_between(HumanTask.created_at, HumanTask.completed_at).label("hours")
    parts = [
        select(
            select(HumanTask.service, HumanTask.task_name, hours)
            .where(
                HumanTask.service == service,
                HumanTask.task_name == name,
                HumanTask.state == TaskState.COMPLETED,
                HumanTask.completed_at >= at(since),
            )
            .order_by(HumanTask.completed_at.desc())
            .limit(sample)
            .subquery()
        )
        for service, name in steps
    ]
    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    for service, name, value in db.session.execute(union_all(*parts)):
        durations[(service, name)].append(float(value))
    return {key: statistics.median(values) for key, values in durations.items()}


def usual_successors(
    *, since: datetime, services: list[str] | None = None, sample: int = FORECAST_SAMPLE_CASES
) -> dict[tuple[str, str], str | None]:
    """(service, task_name) → the step that most often came next in the cases closed since `since` (None: the
    end), from the `sample` most recently closed cases of each service.

    Ordered by the task rows of each closed case (lead() over created_at); ties go to the end, then by name.
    """
    services = services if services is not None else sorted({service for service, _name in known_steps()})
    if not services:
        return {}
    recent = union_all(
        *[
            select(
                select(Case.id)
                .where(Case.service == service, Case.closed_at >= at(since))
                .order_by(Case.closed_at.desc())
                .limit(sample)
                .subquery()
            )
            for service in services
        ]
    ).subquery()
    following = func.lead(HumanTask.task_name).over(
        partition_by=HumanTask.case_id, order_by=(HumanTask.created_at, HumanTask.id)
    )
    ordered = (
        select(HumanTask.service, HumanTask.task_name, following.label("next")).where(
            HumanTask.case_id.in_(select(recent.c.id)), HumanTask.state == TaskState.COMPLETED
        )
    ).subquery()
    pairs = select(ordered.c.service, ordered.c.task_name, ordered.c.next, func.count()).group_by(
        ordered.c.service, ordered.c.task_name, ordered.c.next
    )
    tally: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for service, name, following_name, count in db.session.execute(pairs):
        tally[(service, name)][following_name] += count
    return {
        key: min(counter, key=lambda nxt: (-counter[nxt], nxt is not None, nxt or "")) for key, counter in tally.items()
    }


@dataclass(frozen=True)
class Forecast:
    """Typical hours from the start of each step to the end of its case: the step's median plus the medians of
    the steps that usually follow it (walked along `usual_successors` until the end or a repeat)."""

    remaining_hours: dict[tuple[str, str], float]
    path: dict[tuple[str, str], list[str]]

    def cutoff(self, key: tuple[str, str], now: datetime) -> date:
        """A case at this step breaches if its statutory deadline is before this (local) date."""
        hours = self.remaining_hours.get(key, 0.0)
        return (now + timedelta(hours=hours)).astimezone(CHINA_TZ).date()


def forecast(now: datetime) -> Forecast:
    since = now - timedelta(days=FORECAST_LOOKBACK_DAYS)
    steps = known_steps()
    medians = recent_step_medians(since=since, steps=steps)
    successors = usual_successors(since=since, services=sorted({service for service, _name in steps}))
    remaining: dict[tuple[str, str], float] = {}
    paths: dict[tuple[str, str], list[str]] = {}
    for service, name in set(medians) | set(successors):
        path, step = [], name
        while step is not None and step not in path:
            path.append(step)
            step = successors.get((service, step))
        remaining[(service, name)] = sum(max(medians.get((service, s), 0.0), 0.0) for s in path)
        paths[(service, name)] = path
    return Forecast(remaining, paths)


def risk_cutoff(prediction: Forecast, now: datetime, service: ColumnElement, task_name: ColumnElement) -> ColumnElement:
    """SQL: the date before which a statutory deadline makes a task of (service, task_name) "at risk" (a step with
    no history predicts nothing: only a deadline already passed counts)."""
    today = now.astimezone(CHINA_TZ).date()
    whens = [
        (and_(service == key[0], task_name == key[1]), literal(prediction.cutoff(key, now), Date()))
        for key in sorted(prediction.remaining_hours)
    ]
    return case(*whens, else_=literal(today, Date())) if whens else literal(today, Date())


def at_risk_clause(prediction: Forecast, now: datetime) -> ColumnElement:
    """SQL: the open task's case is predicted to miss its statutory deadline (HumanTask joined to Case).

    Cases waiting for the applicant have their clock paused and are not counted. A step with no history
    predicts nothing, so its case is at risk only once the deadline has passed. (The dashboard counts the same
    from inbox.tallies, whose triggers apply the same rule.)
    """
    return and_(
        Case.statutory_due_on.is_not(None),
        Case.closed_at.is_(None),
        Case.status != CaseStatus.AWAITING_APPLICANT,
        Case.statutory_due_on < risk_cutoff(prediction, now, HumanTask.service, HumanTask.task_name),
    )
