"""Turn the admin forms into typed values; every message names the field (or line) in the user's language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.calendar.enums import DayReason
from app.calendar.service import day_problem
from app.calendar.sources import DaySpec
from app.core.errors import ValidationFailed

MAX_LINES = 400
MAX_NOTE = 500

# Accepted spellings in pasted lines besides the English values; Chinese admins paste Chinese.
_WORK = {
    "work": True,
    "w": True,
    "上班": True,
    "班": True,
    "rest": False,
    "r": False,
    "休息": False,
    "休": False,
}
_REASONS = {reason.value: reason for reason in DayReason} | {
    "工作日": DayReason.WEEKDAY,
    "周末": DayReason.WEEKEND,
    "法定节假日": DayReason.STATUTORY_HOLIDAY,
    "节假日": DayReason.STATUTORY_HOLIDAY,
    "调休": DayReason.SUBSTITUTE_DAY_OFF,
    "补假": DayReason.SUBSTITUTE_DAY_OFF,
    "调休上班": DayReason.MAKEUP_WORKDAY,
    "补班": DayReason.MAKEUP_WORKDAY,
}
_SPLIT = re.compile(r"\s*[,，]\s*")


@dataclass(frozen=True)
class Correction:
    spec: DaySpec
    note: str


def parse_correction(form: Mapping[str, str]) -> Correction:
    errors: dict[str, list[str]] = {}
    day = _parse_date(form.get("day", ""))
    if day is None:
        errors["day"] = [_("Date: enter a date as YYYY-MM-DD, for example 2026-10-10.")]
    state = form.get("state", "")
    if state not in ("work", "rest"):
        errors["state"] = [_("Working or rest day: choose one.")]
    reason = _REASONS.get(form.get("reason", "").strip())
    if reason is None:
        errors["reason"] = [_("Reason: choose one from the list.")]
    note = form.get("note", "").strip()
    if not note:
        errors["note"] = [_("Note: say why the day is corrected (for example the notice or the error).")]
    elif len(note) > MAX_NOTE:
        errors["note"] = [_("Note: at most %(n)d characters.", n=MAX_NOTE)]
    name = form.get("holiday_name_zh", "").strip() or None
    if errors:
        raise ValidationFailed(errors)
    spec = DaySpec(day, state == "work", reason, name)  # type: ignore[arg-type]  # checked above
    problem = day_problem(spec)
    if problem:
        raise ValidationFailed({"reason": [problem]})
    return Correction(spec, note)


def parse_day_lines(text: str, *, year: int) -> list[DaySpec]:
    """Lines `YYYY-MM-DD,work|rest,reason[,name]`; blank lines and lines starting with # are skipped.

    All problems are collected, each prefixed with its line number; any problem means nothing is returned.
    """
    errors: list[str] = []
    specs: list[DaySpec] = []
    first_line: dict[date, int] = {}
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise ValidationFailed({"lines": [_("Days: at most %(n)d lines.", n=MAX_LINES)]})
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        problem, spec = _parse_line(line, year)
        if spec is not None and spec.day in first_line:
            problem = _("%(day)s is already on line %(other)d.", day=spec.day.isoformat(), other=first_line[spec.day])
        if problem:
            errors.append(_("Line %(number)d: %(problem)s", number=number, problem=problem))
        elif spec is not None:
            first_line[spec.day] = number
            specs.append(spec)
    if errors:
        raise ValidationFailed({"lines": errors})
    if not specs:
        raise ValidationFailed({"lines": [_("Days: paste at least one line.")]})
    return specs


def parse_load(form: Mapping[str, str], *, year: int) -> tuple[list[DaySpec], str]:
    errors: dict[str, list[str]] = {}
    source_notice = form.get("source_notice", "").strip()
    if not source_notice:
        errors["source_notice"] = [_("Source notice: enter the notice the dates come from.")]
    specs: list[DaySpec] = []
    try:
        specs = parse_day_lines(form.get("lines", ""), year=year)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return specs, source_notice


def _parse_line(line: str, year: int) -> tuple[str | None, DaySpec | None]:
    fields = _SPLIT.split(line)
    if len(fields) not in (3, 4):
        return _("expected 3 or 4 fields separated by commas (date,work|rest,reason,name)."), None
    day = _parse_date(fields[0])
    if day is None:
        return _("“%(value)s” is not a date (use YYYY-MM-DD).", value=fields[0][:20]), None
    working = _WORK.get(fields[1].lower())
    if working is None:
        return _("“%(value)s” must be “work” or “rest”.", value=fields[1][:20]), None
    reason = _REASONS.get(fields[2].lower())
    if reason is None:
        allowed = ", ".join(r.value for r in DayReason)
        return _("“%(value)s” is not a reason (use one of: %(allowed)s).", value=fields[2][:30], allowed=allowed), None
    name = fields[3].strip() if len(fields) == 4 and fields[3].strip() else None
    spec = DaySpec(day, working, reason, name)
    return day_problem(spec, year=year), spec


def _parse_date(value: str) -> date | None:
    value = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
