"""Period arithmetic on a fake calendar: no database, so these run in microseconds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.calendar.deadlines import (
    DayStatus,
    DayType,
    Deadline,
    DeadlineRule,
    add_months,
    add_working_days,
    compute_deadline,
    compute_deadline_with_pauses,
    first_working_day_on_or_after,
    working_days_between,
)


class FakeCalendar:
    """Weekends off, plus the given rest and make-up working days; some years provisional."""

    def __init__(self, rest=(), work=(), provisional_years=()):
        self.rest, self.work, self.provisional_years = set(rest), set(work), set(provisional_years)
        self.asked: list[date] = []

    def day(self, day: date, /) -> DayStatus:
        self.asked.append(day)
        working = day in self.work or (day not in self.rest and day.weekday() < 5)
        return DayStatus(working, day.year in self.provisional_years)


def span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


# National Day 2026 as the notice arranged it: Oct 1–7 off, Sun Sep 20 and Sat Oct 10 worked.
NATIONAL_DAY_2026 = FakeCalendar(
    rest=span(date(2026, 10, 1), date(2026, 10, 7)), work={date(2026, 9, 20), date(2026, 10, 10)}
)
WD, CAL = DayType.WD, DayType.CAL
MON = date(2026, 3, 2)  # a Monday in a month without holidays


def due(start, rule, cal=None):
    return compute_deadline(start, rule, cal or FakeCalendar()).due


def test_known_answers_on_the_2026_national_day_arrangement():
    assert due(date(2026, 9, 28), DeadlineRule(15, WD), NATIONAL_DAY_2026) == date(2026, 10, 23)
    # Day 7 is 10-05, a holiday: the period ends on the first working day after the holiday, 10-08.
    assert due(date(2026, 9, 28), DeadlineRule(7, CAL), NATIONAL_DAY_2026) == date(2026, 10, 8)
    # A naive weekday count would give 10-19.
    assert due(date(2026, 9, 28), DeadlineRule(15, WD)) == date(2026, 10, 19)


def test_calendar_days_start_day_not_counted():
    assert due(MON, DeadlineRule(10, CAL)) == date(2026, 3, 12)
    assert due(MON, DeadlineRule(1, CAL)) == date(2026, 3, 3)


def test_calendar_days_roll_over_a_weekend_unless_told_not_to():
    assert due(MON, DeadlineRule(5, CAL)) == date(2026, 3, 9)  # Sat 03-07 → Mon 03-09
    assert due(MON, DeadlineRule(5, CAL, rollover=False)) == date(2026, 3, 7)


def test_a_make_up_working_saturday_ends_a_period_without_roll_over():
    assert due(date(2026, 10, 3), DeadlineRule(7, CAL), NATIONAL_DAY_2026) == date(2026, 10, 10)


def test_months_use_the_corresponding_day_or_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 31), 6) == date(2026, 9, 30)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert due(date(2026, 3, 15), DeadlineRule(6, CAL, unit="months")) == date(2026, 9, 15)
    # 2026-01-31 + 1 month = Sat 02-28 → rolled to Mon 03-02.
    assert due(date(2026, 1, 31), DeadlineRule(1, CAL, unit="months")) == date(2026, 3, 2)


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days():
    assert due(MON, DeadlineRule(5, WD)) == date(2026, 3, 9)
    assert due(date(2026, 3, 6), DeadlineRule(1, WD)) == date(2026, 3, 9)  # Fri → Mon
    assert due(date(2026, 3, 7), DeadlineRule(1, WD)) == date(2026, 3, 9)  # start on a Saturday
    assert due(date(2026, 9, 30), DeadlineRule(3, WD), NATIONAL_DAY_2026) == date(2026, 10, 10)


def test_zero_duration_is_the_start_day_rolled_to_a_working_day():
    assert due(date(2026, 3, 4), DeadlineRule(0, WD)) == date(2026, 3, 4)
    assert due(date(2026, 3, 7), DeadlineRule(0, CAL)) == date(2026, 3, 9)


def test_add_working_days_backwards_and_first_working_day():
    cal = NATIONAL_DAY_2026
    assert add_working_days(date(2026, 10, 8), -1, cal).due == date(2026, 9, 30)
    assert add_working_days(date(2026, 10, 8), 2, cal).due == date(2026, 10, 10)
    assert first_working_day_on_or_after(date(2026, 10, 1), cal).due == date(2026, 10, 8)
    assert first_working_day_on_or_after(date(2026, 10, 8), cal).due == date(2026, 10, 8)


def test_working_days_between_counts_half_open_and_signed():
    cal = NATIONAL_DAY_2026
    assert working_days_between(date(2026, 9, 28), date(2026, 10, 23), cal) == 15
    assert working_days_between(date(2026, 10, 23), date(2026, 9, 28), cal) == -15
    assert working_days_between(date(2026, 10, 8), date(2026, 10, 8), cal) == 0
    # Due Friday 03-06: on Saturday no working day has passed yet, on Monday it is overdue by 1.
    assert working_days_between(date(2026, 3, 7), date(2026, 3, 6), FakeCalendar()) == 0
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 6), FakeCalendar()) == -1


def test_provisional_only_when_a_consulted_day_is_in_a_provisional_year():
    cal = FakeCalendar(provisional_years={2027})
    inside = compute_deadline(date(2026, 12, 1), DeadlineRule(10, CAL), cal)
    assert inside == Deadline(date(2026, 12, 11), provisional=False)
    across_wd = compute_deadline(date(2026, 12, 21), DeadlineRule(15, WD), cal)
    assert across_wd.provisional and across_wd.due.year == 2027
    across_cal = compute_deadline(date(2026, 12, 20), DeadlineRule(30, CAL), cal)
    assert across_cal == Deadline(date(2027, 1, 19), provisional=True)


def test_calendar_days_consult_only_the_last_day_and_the_roll_over():
    cal = FakeCalendar()
    compute_deadline(MON, DeadlineRule(5, CAL), cal)
    assert cal.asked == [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)]


def test_rules_are_validated_and_parse_from_text():
    with pytest.raises(ValueError):
        DeadlineRule(-1, WD)
    with pytest.raises(ValueError):
        DeadlineRule(2, WD, unit="months")
    with pytest.raises(ValueError):
        DeadlineRule.parse("fifteen days")
    for text, rule in [
        ("15WD", DeadlineRule(15, WD)),
        ("7 cal", DeadlineRule(7, CAL)),
        ("6M", DeadlineRule(6, CAL, unit="months")),
        ("7CAL!norollover", DeadlineRule(7, CAL, rollover=False)),
    ]:
        assert DeadlineRule.parse(text) == rule
        assert DeadlineRule.parse(str(rule)) == rule


def test_a_calendar_without_working_days_fails_loudly_instead_of_looping():
    class NoWork:
        def day(self, day, /):
            return DayStatus(False, True)

    with pytest.raises(ValueError, match="no working day"):
        compute_deadline(MON, DeadlineRule(3, WD), NoWork())
    with pytest.raises(ValueError, match="no working day"):
        compute_deadline(MON, DeadlineRule(3, CAL), NoWork())


# --- pauses: the days in (paused_on, resumed_on] are not counted -------------------------------------


def paused(start, rule, pauses, cal=None, **kw):
    return compute_deadline_with_pauses(start, rule, pauses, cal or FakeCalendar(), **kw)


def test_pause_in_working_days_adds_back_the_working_days_inside_it():
    assert due(MON, DeadlineRule(10, WD)) == date(2026, 3, 16)
    # Paused Wed 03-04 (still counts), resumed Tue 03-10 (not counted): Thu, Fri, Mon, Tue = 4 WD added.
    result = paused(MON, DeadlineRule(10, WD), [(date(2026, 3, 4), date(2026, 3, 10))])
    assert result == Deadline(date(2026, 3, 20), provisional=False, paused=False)


def test_pause_in_calendar_days_extends_by_its_length_then_rolls_over():
    assert due(MON, DeadlineRule(15, CAL)) == date(2026, 3, 17)
    # 5 days added → Sun 03-22 → rolled to Mon 03-23.
    assert paused(MON, DeadlineRule(15, CAL), [(date(2026, 3, 5), date(2026, 3, 10))]).due == date(2026, 3, 23)


def test_pause_in_months_extends_the_period_in_days():
    # 2026-01-31 + 1 month = 02-28 (28 days); 2 paused days → Mon 03-02.
    rule = DeadlineRule(1, CAL, unit="months")
    assert paused(date(2026, 1, 31), rule, [(date(2026, 2, 1), date(2026, 2, 3))]).due == date(2026, 3, 2)


def test_pauses_after_the_clock_ran_out_or_before_the_start_change_nothing():
    rule = DeadlineRule(15, CAL)
    assert paused(MON, rule, [(date(2026, 3, 20), date(2026, 3, 25))]).due == date(2026, 3, 17)
    assert paused(MON, rule, [(date(2026, 3, 17), date(2026, 3, 20))]).due == date(2026, 3, 17)
    assert paused(MON, rule, [(date(2026, 2, 20), date(2026, 3, 2))]).due == date(2026, 3, 17)
    assert paused(MON, rule, [(date(2026, 3, 5), date(2026, 3, 5))]).due == date(2026, 3, 17)


def test_overlapping_pauses_count_once():
    pauses = [(date(2026, 3, 5), date(2026, 3, 10)), (date(2026, 3, 8), date(2026, 3, 12))]
    assert paused(MON, DeadlineRule(15, CAL), pauses).due == date(2026, 3, 24)  # 7 days added


def test_an_open_pause_runs_to_as_of_and_is_flagged():
    rule = DeadlineRule(10, WD)
    result = paused(MON, rule, [(date(2026, 3, 4), None)], as_of=date(2026, 3, 10))
    assert result == Deadline(date(2026, 3, 20), provisional=False, paused=True)
    with pytest.raises(ValueError, match="as_of"):
        paused(MON, rule, [(date(2026, 3, 4), None)])
    with pytest.raises(ValueError, match="before it starts"):
        paused(MON, rule, [(date(2026, 3, 10), date(2026, 3, 4))])


def test_pause_over_the_national_day_holiday_adds_only_working_days():
    # 15 WD from 09-28 = 10-23. Paused 09-29 → resumed 10-09: inside are 09-30, 10-08, 10-09 = 3 WD.
    result = paused(
        date(2026, 9, 28), DeadlineRule(15, WD), [(date(2026, 9, 29), date(2026, 10, 9))], NATIONAL_DAY_2026
    )
    assert result.due == add_working_days(date(2026, 10, 23), 3, NATIONAL_DAY_2026).due == date(2026, 10, 28)
