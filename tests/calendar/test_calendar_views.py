"""Admin pages: who may see them, what they show, corrections and loads through the forms."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.accounts.models import AuditEntry
from app.calendar.enums import DayReason, YearStatus
from app.calendar.models import CalendarDay, CalendarYear

PASSWORD = "correct horse battery"  # as in conftest.users


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def post(client, url, data, page):
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_real_log_in_then_the_index_lists_years_and_flags_2027(
    client, users, seeded, frozen_today, missing_endpoints_tolerated
):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=/calendar/", data={"csrf_token": token, "username": "admin1", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/calendar/"
    html = client.get("/calendar/").get_data(as_text=True)
    assert "Years that need a notice" in html
    assert re.search(r'href="/calendar/2027">2027</a>', html)
    assert html.count("Official") == 3 and "Provisional" in html
    assert "chinesecalendar 1.11.0" in html


PROTECTED = [
    ("get", "/calendar/"),
    ("get", "/calendar/2026"),
    ("post", "/calendar/2026/correct"),
    ("post", "/calendar/2026/load"),
]


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_a_visitor_is_sent_to_log_in(client, seeded, missing_endpoints_tolerated, method, url):
    if method == "get":
        assert client.get(url).headers["Location"].startswith("/login?next=")
    else:
        token = csrf_from(client.get("/login").get_data(as_text=True))
        assert client.post(url, data={"csrf_token": token}).headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_a_caseworker_is_refused(client, users, seeded, missing_endpoints_tolerated, login_as, method, url):
    # Log in before the first request: the test client shares one app context (and `g`) between requests.
    login_as(client, users["caseworker"])
    if method == "get":
        assert client.get(url).status_code == 403
    else:
        token = csrf_from(client.get("/login").get_data(as_text=True))
        data = {"csrf_token": token, "day": "2026-10-09", "state": "rest", "reason": "weekend", "note": "x"}
        assert client.post(url, data=data).status_code == 403
    assert not seeded.session.scalars(select(AuditEntry).where(AuditEntry.action.like("calendar_c%"))).all()


def test_year_page_shows_twelve_accessible_month_grids_with_text_states(admin_client):
    response = admin_client.get("/calendar/2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(re.findall(r'<table class="cal-month">\s*<caption>', html)) == 12
    assert "<caption>October 2026</caption>" in html
    assert '<abbr title="Saturday">Sat</abbr>' in html
    # State as text, not colour only: 10-10 is a make-up working day, 10-05 a day off in lieu.
    assert re.search(
        r'cal-makeup_workday"[^>]*>\s*<span class="cal-num">10</span>.*?Make-up working day, 国庆节',
        html,
        re.S,
    )
    assert "Day off in lieu, 国庆节" in html and "Statutory holiday, 春节" in html
    assert "Legend" in html and html.count('name="csrf_token"') >= 3
    # The load form comes pre-filled with the year's exceptions, in the line format.
    assert "2026-10-10,work,makeup_workday,国庆节" in html


def test_a_year_without_data_is_shown_computed_and_out_of_range_years_are_404(admin_client):
    html = admin_client.get("/calendar/2031").get_data(as_text=True)
    assert "Not stored" in html and "provisional" in html
    assert admin_client.get("/calendar/1999").status_code == 404
    assert admin_client.get("/calendar/?year=2031").headers["Location"] == "/calendar/2031"


def test_correcting_a_day_saves_audits_and_redirects(admin_client, users, seeded):
    response = post(
        admin_client,
        "/calendar/2026/correct",
        {
            "day": "2026-10-09",
            "state": "rest",
            "reason": "substitute_day_off",
            "holiday_name_zh": "国庆节",
            "note": "补充通知",
        },
        "/calendar/2026",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/calendar/2026"
    seeded.session.expire_all()
    row = seeded.session.get(CalendarDay, date(2026, 10, 9))
    assert (row.is_workday, row.reason, row.updated_by_id) == (
        False,
        DayReason.SUBSTITUTE_DAY_OFF,
        users["admin"],
    )
    entry = seeded.session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_correct_day")).one()
    assert entry.user_id == users["admin"] and "补充通知" in entry.detail
    html = admin_client.get("/calendar/2026").get_data(as_text=True)
    assert "2026-10-09 corrected. Its working/rest status changed." in html


def test_a_bad_correction_names_the_fields_and_saves_nothing(admin_client, seeded):
    response = post(
        admin_client,
        "/calendar/2026/correct",
        {"day": "2026-13-01", "reason": "sometimes", "note": ""},
        "/calendar/2026",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in (
        "Date: enter a date",
        "Working or rest day: choose one",
        "Reason: choose one",
        "Note: say why",
    ):
        assert message in html
    assert 'href="#c-day"' in html and 'aria-invalid="true"' in html
    response = post(
        admin_client,
        "/calendar/2026/correct",
        {"day": "2026-10-09", "state": "work", "reason": "weekend", "note": "x"},
        "/calendar/2026",
    )
    assert response.status_code == 422
    assert "2026-10-09: a working day cannot have the reason “Weekend”." in response.get_data(as_text=True)
    assert not seeded.session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_correct_day")).all()


LINES_2027 = """# 春节 (test data, not the real notice)
2027-01-31,work,makeup_workday,春节
2027-02-05,rest,statutory_holiday,春节
2027-02-06，rest，statutory_holiday，春节
2027-02-07,rest,statutory_holiday,春节
2027-02-08,rest,statutory_holiday,春节
2027-02-09,rest,substitute_day_off,春节
2027-02-10,休,补假,春节

2027-02-20,work,makeup_workday,春节
"""


def test_loading_a_year_from_pasted_lines_makes_it_official(admin_client, seeded):
    response = post(
        admin_client,
        "/calendar/2027/load",
        {"source_notice": "国办发明电〔2026〕测试号", "lines": LINES_2027},
        "/calendar/2027",
    )
    assert response.status_code == 302
    seeded.session.expire_all()
    year = seeded.session.get(CalendarYear, 2027)
    assert (year.status, year.source_notice) == (YearStatus.OFFICIAL, "国办发明电〔2026〕测试号")
    assert seeded.session.get(CalendarDay, date(2027, 2, 20)).is_workday
    assert not seeded.session.get(CalendarDay, date(2027, 2, 10)).is_workday
    assert seeded.session.get(CalendarDay, date(2027, 10, 4)).is_workday  # not listed → ordinary Monday
    html = admin_client.get("/calendar/").get_data(as_text=True)
    assert "Years that need a notice" not in html
    assert "2027 official from 国办发明电〔2026〕测试号" in html  # recent changes


def test_bad_lines_get_line_numbered_errors_and_nothing_is_saved(admin_client, seeded):
    lines = "\n".join(
        [
            "2027-01-31,work,makeup_workday,春节",  # 1: fine
            "2027-02-30,rest,statutory_holiday",  # 2: no such date
            "2027-02-09,maybe,substitute_day_off",  # 3: neither work nor rest
            "2027-02-10,rest,holiday",  # 4: unknown reason
            "",  # 5: blank, skipped
            "2027-02-13,work,weekday",  # 6: a Saturday is not a weekday
            "2027-01-31,work,makeup_workday",  # 7: duplicate of line 1
            "2028-01-03,rest,substitute_day_off",  # 8: other year
            "2027-02-11",  # 9: too few fields
        ]
    )
    response = post(admin_client, "/calendar/2027/load", {"source_notice": "", "lines": lines}, "/calendar/2027")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Source notice: enter the notice" in html
    assert re.search(r'notice-error" role="alert">\s*<p><strong>There is a problem:</strong>\s*<a href="#load">', html)
    for number in (2, 3, 4, 6, 7, 8, 9):
        assert f"Line {number}: " in html
    assert "Line 1:" not in html and "Line 5:" not in html
    assert "Line 7: 2027-01-31 is already on line 1." in html
    assert "Line 6: 2027-02-13 is a Saturday or Sunday, so it cannot be “Working day”." in html
    assert "2027-02-30,rest,statutory_holiday" in html  # what was typed is kept
    seeded.session.expire_all()
    assert seeded.session.get(CalendarYear, 2027).status == YearStatus.PROVISIONAL
    assert not seeded.session.get(CalendarDay, date(2027, 1, 31)).is_workday
    assert not seeded.session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_load_year")).all()


def test_forms_need_the_csrf_token(admin_client, seeded):
    response = admin_client.post("/calendar/2026/correct", data={"day": "2026-10-09", "state": "rest", "note": "x"})
    assert response.status_code == 400
