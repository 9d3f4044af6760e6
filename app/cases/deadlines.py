"""Deadline rules written in the BPMN ("5WD", "15CAL") turned into dates on the working-day calendar."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from app.calendar.deadlines import DayType, DeadlineRule, compute_deadline
from app.calendar.service import DbCalendar
from app.core.clock import CHINA_TZ

_RULE = re.compile(r"^(\d+)(WD|CAL)$")


def parse_rule(text: str) -> DeadlineRule:
    """'5WD' = five working days; '15CAL' = fifteen calendar days, moved to the next working day if the last
    day is a rest day."""
    match = _RULE.match(text.strip().upper())
    if not match:
        raise ValueError(f"deadline rule {text!r} is not like '5WD' or '15CAL'")
    return DeadlineRule(duration=int(match.group(1)), day_type=DayType.WD if match.group(2) == "WD" else DayType.CAL)


def due_date(start: date, rule_text: str) -> tuple[date, bool]:
    """(due date, provisional?) — provisional when the calendar has no official notice for a year it touches."""
    deadline = compute_deadline(start, parse_rule(rule_text), session_calendar())
    return deadline.due, deadline.provisional


def session_calendar() -> DbCalendar:
    """One calendar per session (request or job): it reads each year's status once, not once per deadline."""
    from app.extensions import db

    calendar = db.session.info.get("calendar")
    if calendar is None:
        calendar = db.session.info["calendar"] = DbCalendar()
    return calendar


def end_of_day(day: date) -> datetime:
    """Deadlines end at the close of the last day (民法典 Art. 203), local time."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=CHINA_TZ)
