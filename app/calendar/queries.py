"""Reads: the day look-up deadlines use, and what the admin pages show."""

from __future__ import annotations

import calendar as stdlib_calendar
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import AuditEntry, User
from app.calendar import sources
from app.calendar.deadlines import DayStatus
from app.calendar.enums import YearStatus
from app.calendar.models import CalendarDay, CalendarYear
from app.calendar.sources import DaySpec
from app.core import clock
from app.extensions import db

AUDIT_ACTIONS = ("calendar_seed", "calendar_load_year", "calendar_correct_day")


@dataclass(frozen=True)
class _YearData:
    data_version: str | None  # None: nothing stored, computed from the statutory rules
    workdays: frozenset[date]
    provisional: bool


# (database URL, year) → the year's working days. Shared by every DbCalendar in this process; each entry is
# checked against calendar_years.data_version before use, so a change made by another process is seen too.
_cache: dict[tuple[str, int], _YearData] = {}
_cache_lock = threading.Lock()
# Bumped on every write in this process, so DbCalendar objects that already hold a year drop their copy too
# (e.g. the one kept in db.session.info when a request loads a year and then recomputes deadlines).
_generation = 0


def invalidate_cache(year: int | None = None) -> None:
    """Forget cached years (all of them, or one). Called by the service after every write."""
    global _generation
    with _cache_lock:
        for key in [k for k in _cache if year is None or k[1] == year]:
            del _cache[key]
        _generation += 1


class DbCalendar:
    """The calendar table as a `DayLookup` for `app.calendar.deadlines`.

    Create one per request or job; a write made in this process is noticed even by an existing instance, a
    write made by another process by the next instance. Each year costs one primary-key read of
    `calendar_years` the first time this instance needs it; the year's 365 rows are read only when the
    process has no current copy. A year with no stored data is computed from the statutory rules and
    answered as provisional — never an error.
    """

    def __init__(self, session: Session | None = None) -> None:
        self._session = session if session is not None else db.session
        self._years: dict[int, _YearData] = {}
        self._generation = _generation

    def day(self, day: date, /) -> DayStatus:
        if self._generation != _generation:  # this process wrote to the calendar since
            self._years.clear()
            self._generation = _generation
        data = self._years.get(day.year)
        if data is None:
            data = self._years[day.year] = self._load(day.year)
        return DayStatus(day in data.workdays, data.provisional)

    def is_provisional_year(self, year: int) -> bool:
        return self.day(date(year, 1, 1)).provisional

    def _load(self, year: int) -> _YearData:
        row = self._session.execute(
            select(CalendarYear.status, CalendarYear.data_version).where(CalendarYear.year == year)
        ).first()
        key = (str(self._session.get_bind().engine.url), year)
        with _cache_lock:
            cached = _cache.get(key)
        if cached is not None and cached.data_version == (row.data_version if row else None):
            return cached
        if row is None:
            data = _YearData(None, _workdays(sources.provisional_year(year)), True)
        else:
            days = self._session.execute(
                select(CalendarDay.day, CalendarDay.is_workday).where(
                    CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))
                )
            ).all()
            stored = {d: working for d, working in days}
            complete = len(stored) == (366 if stdlib_calendar.isleap(year) else 365)
            if not complete:  # should not happen; fill the gaps from the rules and say so
                stored = {s.day: s.is_workday for s in sources.provisional_year(year)} | stored
            provisional = row.status != YearStatus.OFFICIAL or not complete
            data = _YearData(row.data_version, frozenset(d for d, w in stored.items() if w), provisional)
        with _cache_lock:
            _cache[key] = data
        return data


def _workdays(specs: Iterable[DaySpec]) -> frozenset[date]:
    return frozenset(s.day for s in specs if s.is_workday)


def years_needing_attention(
    *, today: date | None = None, until: date | None = None, reached_years: Iterable[int] = ()
) -> list[int]:
    """Years deadlines can reach that have no loaded notice (provisional or missing), for the admin flag.

    By default: this year up to the year of `today + 366 days` (the longest period Anju computes is about a
    year), plus any `reached_years` the caller knows of (e.g. the years of stored provisional deadlines).
    """
    today = today or clock.today()
    until = until or today + timedelta(days=366)
    years = set(range(today.year, until.year + 1)) | set(reached_years)
    official = set(
        db.session.scalars(
            select(CalendarYear.year).where(CalendarYear.year.in_(years), CalendarYear.status == YearStatus.OFFICIAL)
        )
    )
    return sorted(years - official)


@dataclass(frozen=True)
class YearSummary:
    year: int
    status: YearStatus | None  # None: nothing stored
    source_notice: str | None
    loaded_at: datetime | None  # China time
    loaded_by: str | None


def list_years() -> list[YearSummary]:
    rows = db.session.execute(
        select(CalendarYear, User.display_name)
        .outerjoin(User, User.id == CalendarYear.loaded_by_id)
        .order_by(CalendarYear.year)
    ).all()
    return [_summary(year_row, name) for year_row, name in rows]


def year_summary(year: int) -> YearSummary:
    row = db.session.execute(
        select(CalendarYear, User.display_name)
        .outerjoin(User, User.id == CalendarYear.loaded_by_id)
        .where(CalendarYear.year == year)
    ).first()
    return _summary(*row) if row else YearSummary(year, None, None, None, None)


def _summary(row: CalendarYear, loaded_by: str | None) -> YearSummary:
    loaded_at = row.loaded_at
    if loaded_at.tzinfo is None:  # SQLite hands back naive UTC
        loaded_at = loaded_at.replace(tzinfo=UTC)
    return YearSummary(row.year, row.status, row.source_notice, loaded_at.astimezone(clock.CHINA_TZ), loaded_by)


@dataclass(frozen=True)
class StoredDay:
    spec: DaySpec
    source: str


def year_days(year: int) -> list[StoredDay]:
    """Every day of `year` as stored, or as the statutory rules compute it when nothing is stored."""
    rows = db.session.scalars(
        select(CalendarDay)
        .where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(CalendarDay.day)
    ).all()
    if not rows:
        return [StoredDay(s, sources.PROVISIONAL_SOURCE) for s in sources.provisional_year(year)]
    return [StoredDay(DaySpec(r.day, r.is_workday, r.reason, r.holiday_name_zh), r.source) for r in rows]


def month_weeks(year: int, month: int) -> list[list[date | None]]:
    """Weeks Monday → Sunday; None pads the days of other months."""
    return [
        [date(year, month, d) if d else None for d in week]
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)
    ]


def recent_changes(limit: int = 20) -> list[tuple[AuditEntry, str | None]]:
    return list(
        db.session.execute(
            select(AuditEntry, User.display_name)
            .outerjoin(User, User.id == AuditEntry.user_id)
            .where(AuditEntry.action.in_(AUDIT_ACTIONS))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        ).tuples()
    )
