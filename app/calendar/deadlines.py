"""Statutory period arithmetic, pure: the calendar is injected, so this runs without a database.

Rules (rules.md §0, §5):

* The start day is not counted (民法典 Art. 201). A period "from" a day begins the day after.
* **CAL** (自然日, plain "X日"): the due day is `start + N` days; for months, the corresponding day of the
  due month, or that month's last day when it has none (Art. 202). If the due day is a rest day and the rule
  rolls over, the period ends on the first working day after it (Art. 203: "法定休假日结束的次日").
  A make-up working Saturday (调休上班) is a working day, so no roll-over happens on it.
* **WD** (工作日, e.g. 行政许可法 Arts. 42, 82): the due day is the N-th working day after the start; make-up
  working days count, statutory holidays, weekends and days off in lieu do not. A due day found this way is a
  working day, so roll-over never applies.
* Duration 0 means "the start day itself", rolled to a working day on or after it.
* **Provisional**: every day the computation looks at is asked of the calendar, which says whether its year's
  data are provisional (no State Council notice loaded). If any is, the result is `provisional=True`.
  The calendar never raises for a missing year: it answers from the statutory rules, provisionally.

Pauses (the clock stops while the case waits for the applicant) are explained in
`compute_deadline_with_pauses`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple, Protocol

# A calendar without a single working day in a year is broken data, not a long holiday.
_MAX_SEARCH_DAYS = 370


class DayType(enum.StrEnum):
    CAL = "CAL"  # calendar days (自然日)
    WD = "WD"  # working days (工作日)


class DayStatus(NamedTuple):
    is_workday: bool
    provisional: bool  # the day's year has no loaded notice (or no data at all)


class DayLookup(Protocol):
    """What the arithmetic needs from a calendar: one question per day."""

    def day(self, day: date, /) -> DayStatus: ...


@dataclass(frozen=True)
class DeadlineRule:
    duration: int
    day_type: DayType
    rollover: bool = True
    unit: Literal["days", "months"] = "days"

    def __post_init__(self) -> None:
        if not isinstance(self.duration, int) or self.duration < 0:
            raise ValueError(f"duration must be a whole number ≥ 0, not {self.duration!r}")
        if self.unit not in ("days", "months"):
            raise ValueError(f"unit must be 'days' or 'months', not {self.unit!r}")
        if self.unit == "months" and self.day_type is not DayType.CAL:
            raise ValueError("a period in months is counted in calendar days (CAL)")

    _PATTERN = re.compile(r"^\s*(\d+)\s*(WD|CAL|M)\s*(!norollover)?\s*$", re.IGNORECASE)

    @classmethod
    def parse(cls, text: str) -> DeadlineRule:
        """'15WD', '7CAL', '6M' (calendar months), '7CAL!norollover' — the form used beside the BPMN."""
        match = cls._PATTERN.match(text)
        if not match:
            raise ValueError(f"not a deadline rule: {text!r} (expected e.g. '15WD', '7CAL' or '6M')")
        number, kind, no_roll = int(match[1]), match[2].upper(), bool(match[3])
        if kind == "M":
            return cls(number, DayType.CAL, rollover=not no_roll, unit="months")
        return cls(number, DayType(kind), rollover=not no_roll)

    def __str__(self) -> str:
        kind = "M" if self.unit == "months" else self.day_type.value
        return f"{self.duration}{kind}{'' if self.rollover else '!norollover'}"


@dataclass(frozen=True)
class Deadline:
    due: date
    provisional: bool  # some day consulted lies in a year without a loaded notice
    paused: bool = False  # an open pause: `due` assumes the clock restarts on the `as_of` day


class _Reader:
    """Asks the calendar and remembers whether any answer was provisional."""

    def __init__(self, calendar: DayLookup) -> None:
        self.calendar = calendar
        self.provisional = False

    def is_workday(self, day: date) -> bool:
        status = self.calendar.day(day)
        self.provisional = self.provisional or status.provisional
        return status.is_workday

    def roll_forward(self, day: date) -> date:
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_workday(day):
                return day
            day += timedelta(days=1)
        raise ValueError(f"the calendar has no working day in the year after {day}")


def add_months(start: date, months: int) -> date:
    """The corresponding day `months` later, or the last day of that month (民法典 Art. 202)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, min(start.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def first_working_day_on_or_after(day: date, calendar: DayLookup) -> Deadline:
    reader = _Reader(calendar)
    return Deadline(reader.roll_forward(day), reader.provisional)


def add_working_days(start: date, n: int, calendar: DayLookup) -> Deadline:
    """The n-th working day after `start` (n < 0: before it); n = 0 rolls `start` forward to a working day."""
    return _count(start, n, DayType.WD, calendar, pauses=())


def working_days_between(a: date, b: date, calendar: DayLookup) -> int:
    """Working days in (a, b] if b ≥ a, minus those in (b, a] if b < a.

    `working_days_between(today, due)` is "N working days left" (0 on the due day itself); a negative result
    is "overdue by N working days". Whether a case is overdue at all is `today > due`: a deadline passed on a
    Friday is overdue on Saturday although no working day has passed yet.
    """
    if a == b:
        return 0
    lo, hi, sign = (a, b, 1) if a < b else (b, a, -1)
    reader = _Reader(calendar)
    count, day = 0, lo + timedelta(days=1)
    while day <= hi:
        count += reader.is_workday(day)
        day += timedelta(days=1)
    return sign * count


def compute_deadline(start: date, rule: DeadlineRule, calendar: DayLookup) -> Deadline:
    return compute_deadline_with_pauses(start, rule, [], calendar)


def compute_deadline_with_pauses(
    start: date,
    rule: DeadlineRule,
    pauses: Sequence[tuple[date, date | None]],
    calendar: DayLookup,
    *,
    as_of: date | None = None,
) -> Deadline:
    """The deadline when the statutory clock stood still during `pauses`.

    A pause `(paused_on, resumed_on)` is the time the case waited for the applicant (补正/补充材料). The clock
    still runs on `paused_on` (the day the request went out) and stops from the next day up to and including
    `resumed_on` (the day the materials arrived, which — like a start day — is not counted). So the days
    in (paused_on, resumed_on] are skipped while counting:

    * **WD**: working days inside a pause are not counted; the deadline moves by the number of working days
      in the pause.
    * **CAL**: calendar days inside a pause are not counted; the last day moves by `resumed_on - paused_on`
      calendar days, and *then* the rest-day roll-over applies to the new last day. A period in months is
      first turned into its length in days from the start (Art. 202), then extended the same way.

    Only pause days before the (extended) due day matter: a pause that starts after the clock has run out
    changes nothing. Overlapping pauses count once. An open pause (`resumed_on is None`) is taken to end on
    `as_of` (normally today): the result is the earliest the deadline can now be, flagged `paused=True`;
    without `as_of` an open pause is a ValueError.
    """
    intervals: list[tuple[date, date]] = []
    paused = False
    for paused_on, resumed_on in pauses:
        if resumed_on is None:
            if as_of is None:
                raise ValueError("an open pause needs as_of (the day the clock is read)")
            paused, resumed_on = True, max(as_of, paused_on)
        if resumed_on < paused_on:
            raise ValueError(f"a pause cannot end ({resumed_on}) before it starts ({paused_on})")
        if resumed_on > paused_on:
            intervals.append((paused_on, resumed_on))
    duration = rule.duration
    if rule.unit == "months":
        duration = (add_months(start, rule.duration) - start).days
    result = _count(start, duration, rule.day_type, calendar, pauses=intervals, rollover=rule.rollover)
    return Deadline(result.due, result.provisional, paused)


def _count(
    start: date,
    n: int,
    day_type: DayType,
    calendar: DayLookup,
    *,
    pauses: Sequence[tuple[date, date]],
    rollover: bool = True,
) -> Deadline:
    reader = _Reader(calendar)
    step = timedelta(days=1 if n >= 0 else -1)
    remaining, day = abs(n), start
    gap = 0  # days since the last counted one, to stop on a calendar with no working days
    while remaining:
        day += step
        if any(lo < day <= hi for lo, hi in pauses):
            continue
        if day_type is DayType.CAL or reader.is_workday(day):
            remaining -= 1
            gap = 0
        else:
            gap += 1
            if gap > _MAX_SEARCH_DAYS:
                raise ValueError(f"the calendar has no working day in the year after {day - gap * step}")
    if rollover and (day_type is DayType.CAL or n == 0):
        day = reader.roll_forward(day)
    return Deadline(day, reader.provisional)
