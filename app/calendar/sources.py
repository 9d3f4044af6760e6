"""Where a year's days come from, as plain data (no database).

* **Official**: the `chinesecalendar` package, hand-maintained from each State Council notice
  (国务院办公厅关于YYYY年部分节假日安排的通知). It covers 2004 up to the last notice it knows and raises
  NotImplementedError beyond.
* **Provisional**: the statutory rules alone, for years no notice is known for: the holidays of
  全国年节及纪念日放假办法 (2024 revision, Art. 2; lunar dates from the `holidays` package),
  Saturdays and Sundays off, and a substitute day off (补假) on the next working day for a holiday that
  falls on a weekend (Art. 6).
  The State Council's 调休 swaps (Art. 7) cannot be predicted, so there are no make-up working days.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
import holidays

from app.calendar.enums import DayReason

OFFICIAL_SOURCE = f"chinesecalendar {importlib.metadata.version('chinesecalendar')}"
PROVISIONAL_SOURCE = "全国年节及纪念日放假办法 (2024) Arts. 2, 6 — provisional, no 调休 data"

# chinesecalendar names holidays in English only.
_ZH_NAMES = {
    chinese_calendar.Holiday.new_years_day.value: "元旦",
    chinese_calendar.Holiday.spring_festival.value: "春节",
    chinese_calendar.Holiday.tomb_sweeping_day.value: "清明节",
    chinese_calendar.Holiday.labour_day.value: "劳动节",
    chinese_calendar.Holiday.dragon_boat_festival.value: "端午节",
    chinese_calendar.Holiday.mid_autumn_festival.value: "中秋节",
    chinese_calendar.Holiday.national_day.value: "国庆节",
    chinese_calendar.Holiday.anti_fascist_70th_day.value: "抗战胜利70周年纪念日",
}
# Fixed-date holidays, used only if the lunar tables of `holidays` do not reach a year (beyond 2099).
_FIXED_HOLIDAYS = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}


@dataclass(frozen=True)
class DaySpec:
    day: date
    is_workday: bool
    reason: DayReason
    holiday_name_zh: str | None = None


def days_of(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def is_weekend(day: date) -> bool:
    return day.weekday() >= 5


def default_day(day: date) -> DaySpec:
    """A day no notice mentions: Monday–Friday work, Saturday and Sunday rest."""
    if is_weekend(day):
        return DaySpec(day, False, DayReason.WEEKEND)
    return DaySpec(day, True, DayReason.WEEKDAY)


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holiday dates of `year` (for 2025 on: the 2024 revision's 13 days), date → Chinese name.

    From `holidays.China`, keeping its statutory entries and dropping its 补假 and 调休 entries.
    """
    found: dict[date, str] = {}
    for day, name in holidays.China(years=year, language="zh_CN").items():
        if name.startswith("休息日") or name.endswith("（补假）"):
            continue
        found[day] = "春节" if name == "农历除夕" else name
    if not found:
        found = {date(year, m, d): name for (m, d), name in _FIXED_HOLIDAYS.items()}
    return found


def official_year(year: int) -> list[DaySpec] | None:
    """Every day of `year` as the State Council notice arranged it, or None if chinesecalendar has no data."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
        chinese_calendar.is_workday(date(year, 12, 31))
    except NotImplementedError:
        return None
    statutory = statutory_holidays(year)
    specs = []
    for day in days_of(year):
        working = chinese_calendar.is_workday(day)
        name = _ZH_NAMES.get(chinese_calendar.get_holiday_detail(day)[1] or "")
        if working:
            reason = DayReason.MAKEUP_WORKDAY if is_weekend(day) else DayReason.WEEKDAY
        elif day in statutory:
            reason, name = DayReason.STATUTORY_HOLIDAY, statutory[day]
        elif is_weekend(day):
            reason = DayReason.WEEKEND
        elif name == _ZH_NAMES[chinese_calendar.Holiday.anti_fascist_70th_day.value]:
            reason = DayReason.STATUTORY_HOLIDAY  # a one-off day declared by the State Council
        else:
            reason = DayReason.SUBSTITUTE_DAY_OFF
        specs.append(DaySpec(day, working, reason, name if reason != DayReason.WEEKDAY else None))
    return specs


@lru_cache(maxsize=64)
def provisional_year(year: int) -> tuple[DaySpec, ...]:
    """Every day of `year` from the statutory rules alone (see the module docstring)."""
    statutory = statutory_holidays(year)
    substitutes: dict[date, str] = {}
    for day, name in sorted(statutory.items()):
        if is_weekend(day):
            sub = day + timedelta(days=1)
            while is_weekend(sub) or sub in statutory or sub in substitutes:
                sub += timedelta(days=1)
            substitutes[sub] = name
    specs = []
    for day in days_of(year):
        if day in statutory:
            specs.append(DaySpec(day, False, DayReason.STATUTORY_HOLIDAY, statutory[day]))
        elif day in substitutes:
            specs.append(DaySpec(day, False, DayReason.SUBSTITUTE_DAY_OFF, substitutes[day]))
        else:
            specs.append(default_day(day))
    return tuple(specs)


def exceptions(specs: Iterator[DaySpec] | list[DaySpec] | tuple[DaySpec, ...]) -> list[DaySpec]:
    """The days a notice has to mention: those that differ from a plain weekday/weekend, or carry a name."""
    return [s for s in specs if s != default_day(s.day)]


class PackagedCalendar:
    """The working-day calendar from the packaged sources (official years, else the statutory rules), so engine
    tests and the raw-engine benchmark count working days without a database. Same answers as the seeded calendar
    table (before any admin correction)."""

    def __init__(self) -> None:
        self._years: dict[int, dict] = {}

    def day(self, day, /):
        from app.calendar.deadlines import DayStatus

        if day.year not in self._years:
            official = official_year(day.year)
            specs = official or provisional_year(day.year)
            self._years[day.year] = {"provisional": official is None, "days": {s.day: s.is_workday for s in specs}}
        year = self._years[day.year]
        return DayStatus(year["days"][day], year["provisional"])
