"""The stored calendar: seeding, known dates 2024–2026, provisional 2027, loading a notice, corrections."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select, update

from app.accounts.models import AuditEntry
from app.calendar import service, sources
from app.calendar.deadlines import DayType, DeadlineRule, compute_deadline, working_days_between
from app.calendar.enums import DayReason, YearStatus
from app.calendar.models import CalendarDay, CalendarYear
from app.calendar.queries import DbCalendar
from app.calendar.sources import DaySpec
from app.core.errors import ValidationFailed

WD15 = DeadlineRule(15, DayType.WD)


def fictitious_2027_notice() -> list[DaySpec]:
    """NOT the real notice (unpublished when this was written): the provisional days, but Spring Festival
    arranged like a real notice would: Feb 5–14 off, Sun Jan 31 and Sat Feb 20 worked."""
    days = [s for s in sources.exceptions(sources.provisional_year(2027)) if s.day.month != 2]
    off = [date(2027, 2, 5) + timedelta(days=i) for i in range(10)]
    for day in off:
        if day in (date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)):
            days.append(DaySpec(day, False, DayReason.STATUTORY_HOLIDAY, "春节"))
        elif day.weekday() >= 5:
            days.append(DaySpec(day, False, DayReason.WEEKEND, "春节"))
        else:
            days.append(DaySpec(day, False, DayReason.SUBSTITUTE_DAY_OFF, "春节"))
    days += [
        DaySpec(date(2027, 1, 31), True, DayReason.MAKEUP_WORKDAY, "春节"),
        DaySpec(date(2027, 2, 20), True, DayReason.MAKEUP_WORKDAY, "春节"),
    ]
    return days


def test_known_dates_and_deadlines_2024_to_2026(seeded):
    cal = DbCalendar()
    workdays = [date(2025, 9, 28), date(2026, 1, 4), date(2024, 2, 4), date(2024, 10, 12), date(2026, 10, 10)]
    rest_days = [date(2025, 10, 8), date(2026, 10, 6)] + [date(2024, 2, 10) + timedelta(days=i) for i in range(8)]
    assert all(cal.day(d) == (True, False) for d in workdays)
    assert all(cal.day(d) == (False, False) for d in rest_days)
    assert cal.day(date(2024, 2, 9)).is_workday and cal.day(date(2024, 2, 18)).is_workday

    wd = compute_deadline(date(2026, 9, 28), WD15, cal)
    assert (wd.due, wd.provisional) == (date(2026, 10, 23), False)
    cal7 = compute_deadline(date(2026, 9, 28), DeadlineRule(7, DayType.CAL), cal)
    assert (cal7.due, cal7.provisional) == (date(2026, 10, 8), False)
    assert working_days_between(date(2026, 9, 28), date(2026, 10, 23), cal) == 15


def test_seeding_is_one_bulk_insert_per_year_and_fast(db):
    started = time.perf_counter()
    written = service.seed_years([2024, 2025, 2026, 2027])
    db.session.flush()
    assert time.perf_counter() - started < 1.0
    assert written == {
        2024: YearStatus.OFFICIAL,
        2025: YearStatus.OFFICIAL,
        2026: YearStatus.OFFICIAL,
        2027: YearStatus.PROVISIONAL,
    }
    assert db.session.scalar(select(func.count()).select_from(CalendarDay)) == 366 + 365 * 3
    row = db.session.get(CalendarDay, date(2026, 10, 10))
    assert (row.is_workday, row.reason, row.holiday_name_zh) == (True, DayReason.MAKEUP_WORKDAY, "国庆节")
    assert row.source.startswith("chinesecalendar ")
    assert db.session.get(CalendarYear, 2027).source_notice == sources.PROVISIONAL_SOURCE
    assert db.session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "calendar_seed")) == (
        "2024 official, 2025 official, 2026 official, 2027 provisional"
    )


def test_official_2026_matches_the_notice_and_the_holidays_package():
    days = {s.day: s for s in sources.official_year(2026)}
    assert days[date(2026, 10, 1)].reason == DayReason.STATUTORY_HOLIDAY
    assert days[date(2026, 10, 4)].reason == DayReason.WEEKEND
    assert days[date(2026, 10, 6)].reason == DayReason.SUBSTITUTE_DAY_OFF
    assert days[date(2026, 2, 16)] == DaySpec(date(2026, 2, 16), False, DayReason.STATUTORY_HOLIDAY, "春节")  # 除夕
    made_up = sorted(d for d, s in days.items() if s.reason == DayReason.MAKEUP_WORKDAY)
    assert made_up == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    import holidays

    for year in (2024, 2025, 2026):
        other = holidays.China(years=year)
        assert [s.day for s in sources.official_year(year) if s.is_workday != other.is_working_day(s.day)] == []


def test_provisional_2027_has_statutory_days_and_substitutes_but_no_make_up_days():
    days = {s.day: s for s in sources.provisional_year(2027)}
    assert sources.official_year(2027) is None  # chinesecalendar 1.11 stops at 2026
    rest = sorted(d for d, s in days.items() if not s.is_workday and s.reason != DayReason.WEEKEND)
    assert rest == [
        date(2027, 1, 1),
        *(date(2027, 2, d) for d in (5, 6, 7, 8, 9, 10)),  # 除夕 + lunar 1–3, 补假 for Sat/Sun
        date(2027, 4, 5),
        *(date(2027, 5, d) for d in (1, 2, 3, 4)),
        date(2027, 6, 9),
        date(2027, 9, 15),
        *(date(2027, 10, d) for d in (1, 2, 3, 4, 5)),
    ]
    assert days[date(2027, 2, 9)].reason == DayReason.SUBSTITUTE_DAY_OFF
    assert not any(s.reason == DayReason.MAKEUP_WORKDAY for s in days.values())


def test_a_deadline_reaching_2027_is_provisional_until_the_notice_is_loaded(seeded, users):
    assert service.years_needing_attention(today=date(2026, 6, 1)) == [2027]
    before = compute_deadline(date(2027, 1, 25), WD15, DbCalendar())
    assert (before.due, before.provisional) == (date(2027, 2, 19), True)
    # A deadline that only looks at 2026 is not provisional, even near the year end.
    assert not compute_deadline(date(2026, 12, 1), WD15, DbCalendar()).provisional

    changed = service.load_year(
        2027, fictitious_2027_notice(), source_notice="国办发明电〔2026〕测试号", actor_id=users["admin"]
    )
    assert changed == {date(2027, 1, 31), date(2027, 2, 11), date(2027, 2, 12), date(2027, 2, 20)}

    after = compute_deadline(date(2027, 1, 25), WD15, DbCalendar())
    assert (after.due, after.provisional) == (date(2027, 2, 20), False)
    year = seeded.session.get(CalendarYear, 2027)
    assert (year.status, year.source_notice, year.loaded_by_id) == (
        YearStatus.OFFICIAL,
        "国办发明电〔2026〕测试号",
        users["admin"],
    )
    assert seeded.session.get(CalendarDay, date(2027, 2, 20)).source == "国办发明电〔2026〕测试号"
    audit = seeded.session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_load_year")).one()
    assert audit.user_id == users["admin"] and "2027-02-20" in audit.detail
    assert service.years_needing_attention(today=date(2026, 6, 1)) == []


def test_load_year_accepts_plain_dicts_and_refuses_bad_days_saving_nothing(seeded, users):
    good = {"date": "2027-01-31", "is_workday": True, "reason": "makeup_workday", "holiday_name_zh": "春节"}
    bad = [
        good,
        {"date": "2026-12-31", "is_workday": False, "reason": "statutory_holiday", "holiday_name_zh": None},
        {"date": "2027-02-09", "is_workday": True, "reason": "statutory_holiday", "holiday_name_zh": None},
        {"date": "2027-02-10", "is_workday": False, "reason": "weekend", "holiday_name_zh": None},
        good,
    ]
    with pytest.raises(ValidationFailed) as caught:
        service.load_year(2027, bad, source_notice="x", actor_id=users["admin"])
    messages = caught.value.errors["days"]
    assert len(messages) == 4 and "2026-12-31" in messages[0] and "2027-01-31" in messages[3]
    with pytest.raises(ValidationFailed) as caught:
        service.load_year(2027, [good], source_notice="  ", actor_id=users["admin"])
    assert "source_notice" in caught.value.errors
    assert seeded.session.get(CalendarYear, 2027).status == YearStatus.PROVISIONAL
    assert not seeded.session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_load_year")).all()

    assert service.load_year(2027, [good], source_notice="n", actor_id=None) >= {date(2027, 1, 31)}


def test_correct_day_is_audited_and_seen_by_the_next_calendar(seeded, users):
    cal = DbCalendar()
    assert cal.day(date(2026, 10, 9)).is_workday
    changed = service.correct_day(
        date(2026, 10, 9),
        False,
        DayReason.SUBSTITUTE_DAY_OFF,
        "国庆节",
        actor_id=users["admin"],
        note="测试更正",
    )
    assert changed == {date(2026, 10, 9)}
    assert not DbCalendar().day(date(2026, 10, 9)).is_workday
    assert not cal.day(date(2026, 10, 9)).is_workday  # an instance already holding 2026 notices the write
    row = seeded.session.get(CalendarDay, date(2026, 10, 9))
    assert (row.source, row.updated_by_id, row.reason) == (
        "admin correction",
        users["admin"],
        DayReason.SUBSTITUTE_DAY_OFF,
    )
    audit = seeded.session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_correct_day")).one()
    assert audit.user_id == users["admin"]
    assert audit.detail == "2026-10-09: work weekday → rest substitute_day_off 国庆节; note: 测试更正"
    # Same working status, only the name: nothing to recompute.
    assert (
        service.correct_day(date(2026, 10, 9), False, "substitute_day_off", None, actor_id=users["admin"], note="名称")
        == set()
    )
    assert seeded.session.get(CalendarYear, 2026).status == YearStatus.OFFICIAL


def test_correct_day_refuses_inconsistent_input(seeded, users):
    with pytest.raises(ValidationFailed) as caught:
        service.correct_day(date(2026, 10, 9), True, DayReason.WEEKEND, None, actor_id=users["admin"], note="")
    assert set(caught.value.errors) == {"day", "note"}
    with pytest.raises(ValidationFailed):
        service.correct_day(date(2026, 10, 9), True, DayReason.MAKEUP_WORKDAY, None, actor_id=None, note="Fri")


def test_correct_day_in_a_year_without_data_seeds_it_first(db, users):
    service.correct_day(date(2030, 1, 2), False, "substitute_day_off", "元旦", actor_id=users["admin"], note="n")
    assert db.session.get(CalendarYear, 2030).status == YearStatus.PROVISIONAL
    assert db.session.scalar(select(func.count()).select_from(CalendarDay)) == 365


def test_seed_is_idempotent_never_overwrites_a_loaded_year_and_upgrades_provisional(seeded, users, monkeypatch):
    assert service.seed_years(range(2024, 2028)) == {}
    official_2027 = [
        DaySpec(s.day, s.is_workday, s.reason, s.holiday_name_zh)
        for s in [sources.default_day(d) for d in sources.days_of(2027)]
    ]
    real = sources.official_year
    monkeypatch.setattr(sources, "official_year", lambda y: official_2027 if y == 2027 else real(y))
    assert service.seed_years([2027]) == {2027: YearStatus.OFFICIAL}  # a newer chinesecalendar covers 2027
    service.load_year(2027, fictitious_2027_notice(), source_notice="notice", actor_id=users["admin"])
    assert service.seed_years([2027]) == {}
    assert seeded.session.get(CalendarYear, 2027).source_notice == "notice"


def test_a_missing_year_is_computed_provisionally_never_an_error(db):
    cal = DbCalendar()
    result = compute_deadline(date(2026, 9, 28), WD15, cal)
    assert result.provisional  # nothing stored: no 调休 known, so not 10-23 but an honest guess
    assert compute_deadline(date(2031, 5, 1), DeadlineRule(10, DayType.CAL), cal).provisional
    assert service.years_needing_attention(today=date(2026, 6, 1), reached_years=[2024]) == [2024, 2026, 2027]


def test_db_calendar_reads_a_year_once_and_checks_freshness_with_one_query(seeded):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = seeded.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        cal = DbCalendar()
        for i in range(300):
            cal.day(date(2026, 1, 1) + timedelta(days=i))
        first = len(statements)
        DbCalendar().day(date(2026, 5, 5))
        second = len(statements) - first
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert first <= 2 and second == 1


def test_the_cache_notices_a_change_made_by_another_process(seeded):
    assert DbCalendar().day(date(2026, 3, 3)).is_workday
    # Another process corrects the day: rows and data_version change, this process's cache is not told.
    seeded.session.execute(
        update(CalendarDay)
        .where(CalendarDay.day == date(2026, 3, 3))
        .values(is_workday=False, reason=DayReason.SUBSTITUTE_DAY_OFF)
    )
    seeded.session.execute(update(CalendarYear).where(CalendarYear.year == 2026).values(data_version="other"))
    assert not DbCalendar().day(date(2026, 3, 3)).is_workday
