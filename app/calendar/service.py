"""Writes to the calendar: seed years, load a year's State Council notice, correct one day.

Every function flushes and never commits (the request or the CLI command commits once), takes the acting
user's id explicitly, writes an AuditEntry, and drops the in-process calendar cache for the year it changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask import has_request_context
from flask_babel import gettext
from sqlalchemy import delete, insert, select

from app.accounts.models import User
from app.accounts.service import record_audit
from app.calendar import sources
from app.calendar.enums import REASON_LABELS, DayReason, YearStatus
from app.calendar.models import CalendarDay, CalendarYear
from app.calendar.queries import DbCalendar, invalidate_cache, years_needing_attention
from app.calendar.sources import DaySpec
from app.core.clock import utcnow
from app.core.errors import ValidationFailed
from app.extensions import db

__all__ = [
    "CORRECTION_SOURCE",
    "DbCalendar",
    "correct_day",
    "day_problem",
    "load_year",
    "seed_years",
    "years_needing_attention",
]

CORRECTION_SOURCE = "admin correction"
MAX_NAME = 60
MAX_SOURCE = 200


def seed_years(years: Iterable[int], *, actor_id: int | None = None) -> dict[int, YearStatus]:
    """Fill `years` from chinesecalendar where it has the notice (official), else from the rules.

    Idempotent: a year already stored is left alone, except a provisional year that chinesecalendar now
    covers (after a package upgrade), which becomes official. A year an admin loaded is never overwritten.
    Returns the years written and their status. Deadlines stored as provisional should be recomputed after.
    """
    written: dict[int, YearStatus] = {}
    for year in sorted(set(years)):
        existing = db.session.get(CalendarYear, year)
        official = sources.official_year(year)
        if existing is not None and (existing.status == YearStatus.OFFICIAL or official is None):
            continue
        if official is not None:
            status, source, specs = YearStatus.OFFICIAL, sources.OFFICIAL_SOURCE, official
        else:
            status, source = YearStatus.PROVISIONAL, sources.PROVISIONAL_SOURCE
            specs = list(sources.provisional_year(year))
        _replace_year(year, specs, source=source, status=status, actor_id=actor_id)
        written[year] = status
    if written:
        detail = ", ".join(f"{year} {status.value}" for year, status in written.items())
        record_audit(user=_user(actor_id), action="calendar_seed", detail=detail)
        db.session.flush()
    return written


def load_year(
    year: int,
    days: Iterable[DaySpec | Mapping[str, Any]],
    *,
    source_notice: str,
    actor_id: int | None,
) -> set[date]:
    """Replace `year` with the arrangement of a State Council notice and mark the year official.

    `days` lists the days the notice mentions (holidays, days off in lieu, make-up working days); every other
    day becomes a plain working day (Mon–Fri) or weekend (Sat–Sun). Returns the dates whose working/rest
    status changed compared with what deadlines were computed on until now (the stored rows, or the
    statutory rules when nothing was stored). Deadlines on those dates — and every deadline flagged
    provisional that reaches this year — must be recomputed.
    """
    source_notice = (source_notice or "").strip()
    specs = [_as_spec(d) for d in days]
    errors: list[str] = []
    if not source_notice:
        raise ValidationFailed({"source_notice": [_("Enter the notice the dates come from.")]})
    if len(source_notice) > MAX_SOURCE:
        raise ValidationFailed(
            {"source_notice": [_("The source notice is too long (at most %(n)d characters).", n=MAX_SOURCE)]}
        )
    seen: set[date] = set()
    for spec in specs:
        problem = day_problem(spec, year=year)
        if spec.day in seen:
            problem = _("%(day)s is listed twice.", day=spec.day.isoformat())
        seen.add(spec.day)
        if problem:
            errors.append(problem)
    if errors:
        raise ValidationFailed({"days": errors})

    by_day = {s.day: s for s in specs}
    new_specs = [by_day.get(d) or sources.default_day(d) for d in sources.days_of(year)]
    before = _workday_map(year)
    _replace_year(year, new_specs, source=source_notice, status=YearStatus.OFFICIAL, actor_id=actor_id)
    changed = {s.day for s in new_specs if before.get(s.day) != s.is_workday}
    listed = ", ".join(d.isoformat() for d in sorted(changed)[:40]) + (" …" if len(changed) > 40 else "")
    record_audit(
        user=_user(actor_id),
        action="calendar_load_year",
        detail=f"{year} official from {source_notice}; {len(specs)} days listed; "
        f"{len(changed)} changed working status: {listed or '-'}",
    )
    db.session.flush()
    return changed


def correct_day(
    day: date,
    is_workday: bool,
    reason: DayReason | str,
    holiday_name_zh: str | None,
    *,
    actor_id: int | None,
    note: str,
) -> set[date]:
    """Correct one day (the year keeps its status). Returns {day} if its working status changed, else set().

    A year with no data is first seeded (chinesecalendar or provisional), so the rest of it stays sensible.
    """
    spec = _as_spec({"date": day, "is_workday": is_workday, "reason": reason, "holiday_name_zh": holiday_name_zh})
    errors: dict[str, list[str]] = {}
    problem = day_problem(spec)
    if problem:
        errors["day"] = [problem]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Say why the day is corrected (for example the notice or the error).")]
    if errors:
        raise ValidationFailed(errors)
    if db.session.get(CalendarYear, day.year) is None:
        seed_years([day.year], actor_id=actor_id)
    row = db.session.get(CalendarDay, day, populate_existing=True)
    before = (row.is_workday, row.reason.value, row.holiday_name_zh) if row else None
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.is_workday, row.reason, row.holiday_name_zh = spec.is_workday, spec.reason, spec.holiday_name_zh
    row.source, row.updated_at, row.updated_by_id = CORRECTION_SOURCE, utcnow(), actor_id
    year_row = db.session.get(CalendarYear, day.year)
    assert year_row is not None  # seeded above
    year_row.data_version = uuid.uuid4().hex
    was = f"{'work' if before[0] else 'rest'} {before[1]} {before[2] or ''}".strip() if before else "-"
    now = f"{'work' if spec.is_workday else 'rest'} {spec.reason.value} {spec.holiday_name_zh or ''}".strip()
    record_audit(user=_user(actor_id), action="calendar_correct_day", detail=f"{day}: {was} → {now}; note: {note}")
    db.session.flush()
    invalidate_cache(day.year)
    return {day} if before is None or before[0] != spec.is_workday else set()


def day_problem(spec: DaySpec, *, year: int | None = None) -> str | None:
    """What is wrong with one day's data, in the user's language, or None."""
    iso = spec.day.isoformat()
    weekend = sources.is_weekend(spec.day)
    if year is not None and spec.day.year != year:
        return _("%(day)s is not in %(year)d.", day=iso, year=year)
    if spec.is_workday != spec.reason.is_workday:
        if spec.is_workday:
            return _("%(day)s: a working day cannot have the reason “%(reason)s”.", day=iso, reason=spec.reason)
        return _("%(day)s: a rest day cannot have the reason “%(reason)s”.", day=iso, reason=spec.reason)
    if spec.reason in (DayReason.WEEKEND, DayReason.MAKEUP_WORKDAY) and not weekend:
        return _("%(day)s is not a Saturday or Sunday, so it cannot be “%(reason)s”.", day=iso, reason=spec.reason)
    if spec.reason in (DayReason.WEEKDAY, DayReason.SUBSTITUTE_DAY_OFF) and weekend:
        return _("%(day)s is a Saturday or Sunday, so it cannot be “%(reason)s”.", day=iso, reason=spec.reason)
    if spec.holiday_name_zh and len(spec.holiday_name_zh) > MAX_NAME:
        return _("%(day)s: the holiday name is too long (at most %(n)d characters).", day=iso, n=MAX_NAME)
    return None


def _as_spec(value: DaySpec | Mapping[str, Any]) -> DaySpec:
    if isinstance(value, DaySpec):
        return value
    try:
        day = value.get("date", value.get("day"))
        if isinstance(day, str):
            day = date.fromisoformat(day)
        name = (value.get("holiday_name_zh") or "").strip() or None
        return DaySpec(day, bool(value["is_workday"]), DayReason(value["reason"]), name)
    except (KeyError, ValueError, TypeError) as exc:
        raise ValidationFailed({"days": [_("Not a valid day: %(value)s", value=str(dict(value))[:120])]}) from exc


def _workday_map(year: int) -> dict[date, bool]:
    """What deadlines were computed on so far: the stored rows, else the statutory rules."""
    rows = db.session.execute(
        select(CalendarDay.day, CalendarDay.is_workday).where(
            CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))
        )
    ).all()
    computed = {s.day: s.is_workday for s in sources.provisional_year(year)}
    return computed | {d: w for d, w in rows}


def _replace_year(
    year: int, specs: Iterable[DaySpec], *, source: str, status: YearStatus, actor_id: int | None
) -> None:
    """Delete the year's rows and bulk-insert `specs` (one executemany), then stamp the year row."""
    now = utcnow()
    db.session.execute(
        delete(CalendarDay).where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        insert(CalendarDay),
        [
            {
                "day": s.day,
                "is_workday": s.is_workday,
                "reason": s.reason,
                "holiday_name_zh": s.holiday_name_zh,
                "source": source[:MAX_SOURCE],
                "updated_at": now,
                "updated_by_id": actor_id,
            }
            for s in specs
        ],
    )
    year_row = db.session.get(CalendarYear, year)
    if year_row is None:
        year_row = CalendarYear(year=year)
        db.session.add(year_row)
    year_row.status, year_row.source_notice = status, source
    year_row.loaded_at, year_row.loaded_by_id = now, actor_id
    year_row.data_version = uuid.uuid4().hex
    db.session.flush()
    # Rows replaced behind the ORM's back: drop stale CalendarDay objects from the session and the cache.
    for obj in [o for o in db.session.identity_map.values() if isinstance(o, CalendarDay) and o.day.year == year]:
        db.session.expunge(obj)
    invalidate_cache(year)


def _(msgid: str, **variables: Any) -> str:
    """gettext in a request (the user's language); plain English in the CLI or a job (no locale)."""
    if not has_request_context():
        return msgid % {k: v.value if isinstance(v, DayReason) else v for k, v in variables.items()}
    return gettext(msgid, **{k: REASON_LABELS[v] if isinstance(v, DayReason) else v for k, v in variables.items()})


def _user(actor_id: int | None) -> User | None:
    return db.session.get(User, actor_id) if actor_id is not None else None
