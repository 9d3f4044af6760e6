"""The calendar's vocabulary: why a day is (not) a working day, and how sure we are about a year."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext


class DayReason(enum.StrEnum):
    WEEKDAY = "weekday"  # Monday–Friday, ordinary working day
    WEEKEND = "weekend"  # Saturday/Sunday rest (国务院关于职工工作时间的规定 Art. 7)
    STATUTORY_HOLIDAY = "statutory_holiday"  # one of the 13 days of 全国年节及纪念日放假办法 Art. 2 (or a declared day)
    SUBSTITUTE_DAY_OFF = "substitute_day_off"  # a weekday made a rest day: 补假 (Art. 6) or 调休 (Art. 7)
    MAKEUP_WORKDAY = "makeup_workday"  # a Saturday/Sunday made a working day (调休上班)

    @property
    def is_workday(self) -> bool:
        return self in WORK_REASONS


WORK_REASONS = frozenset({DayReason.WEEKDAY, DayReason.MAKEUP_WORKDAY})
REST_REASONS = frozenset(set(DayReason) - WORK_REASONS)


class YearStatus(enum.StrEnum):
    OFFICIAL = "official"  # the State Council notice for the year is loaded (via chinesecalendar or an admin)
    PROVISIONAL = "provisional"  # only the statutory holidays are known; no 调休 data yet


# Display names (English msgids, translated in app/translations/zh_parts/calendar.po).
REASON_LABELS = {
    DayReason.WEEKDAY: lazy_gettext("Working day"),
    DayReason.WEEKEND: lazy_gettext("Weekend"),
    DayReason.STATUTORY_HOLIDAY: lazy_gettext("Statutory holiday"),
    DayReason.SUBSTITUTE_DAY_OFF: lazy_gettext("Day off in lieu"),
    DayReason.MAKEUP_WORKDAY: lazy_gettext("Make-up working day"),
}
STATUS_LABELS = {
    YearStatus.OFFICIAL: lazy_gettext("Official"),
    YearStatus.PROVISIONAL: lazy_gettext("Provisional"),
}
