"""The education bureau's pages: who sees them, setting places with clear errors, a round run in the browser
sense (form → redirect → round page) and its re-run."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import AuditEntry
from app.schools.models import PlacementRound, School, SchoolCapacity
from tests.conftest import csrf_from, login
from tests.schools.conftest import at, check


def test_the_schools_page_is_the_bureaus(app, schools):
    bureau = app.test_client()
    login(bureau, "education1")
    page = bureau.get("/schools/?school_year=2027").get_data(as_text=True)
    assert "杭州市西湖区宝石小学" in page and "宝石社区" in page
    assert 'name="places-1"' not in page  # a caseworker sees the places but cannot change them
    window = app.test_client()
    login(window, "window1")
    assert window.get("/schools/").status_code == 404
    assert "/schools/" not in window.get("/inbox/").get_data(as_text=True)


def test_places_are_set_all_or_nothing_with_the_field_named(app, db, schools):
    head = app.test_client()
    login(head, "education_lead")
    page = head.get("/schools/?school_year=2027").get_data(as_text=True)
    token = csrf_from(page)
    bad = head.post(
        "/schools/places",
        data={"csrf_token": token, "school_code": "XH-P01", "school_year": "2027", "places-1": "5", "places-2": "lots"},
    )
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "2 年级学位数：请填写 0 至 2000 之间的整数" in body and 'value="lots"' in body
    p01 = db.session.scalars(select(School).where(School.code == "XH-P01")).one()
    grade1 = db.session.scalars(
        select(SchoolCapacity).where(SchoolCapacity.school_id == p01.id, SchoolCapacity.grade == 1)
    ).one()
    assert grade1.places == 3  # nothing saved half way
    ok = head.post(
        "/schools/places",
        data={"csrf_token": token, "school_code": "XH-P01", "school_year": "2027", "places-1": "5", "places-2": ""},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(SchoolCapacity, grade1.id).places == 5
    assert db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "school_places_set")).one() == (
        "XH-P01 2027 grade 1: 3 -> 5"
    )


def test_a_round_from_the_form_to_its_page_and_the_replay(app, db, apply, schools):
    for community in ("C0101", "C0102"):
        case, form = apply(community)
        check(db, case, form, schools.users["education1"])
    at("2026-12-01")
    head = app.test_client()
    login(head, "education_lead")
    page = head.get("/schools/rounds").get_data(as_text=True)
    assert "等待派位" in page and "组织派位" in page
    token = csrf_from(page)
    refused = head.post(
        "/schools/rounds",
        data={"csrf_token": token, "school_year": "2027", "grade": "1", "report_date": "2026-11-01", "seed": ""},
    )
    assert refused.status_code == 422 and "报到日期：请选择今天以后的日期" in refused.get_data(as_text=True)
    assert db.session.scalar(select(PlacementRound.id)) is None
    done = head.post(
        "/schools/rounds",
        data={
            "csrf_token": token,
            "school_year": "2027",
            "grade": "1",
            "report_date": "2027-08-28",
            "seed": "公证抽取 0815",
        },
    )
    assert done.status_code == 302
    round_page = head.get(done.location).get_data(as_text=True)
    assert "公证抽取 0815" in round_page and "学区学校" in round_page
    replay = head.post(done.location + "/replay", data={"csrf_token": token}, follow_redirects=True)
    assert "每名儿童的学位安排完全一致" in replay.get_data(as_text=True)
    bureau = app.test_client()
    login(bureau, "education1")
    assert bureau.get(done.location).status_code == 200  # caseworkers may read the round
    assert "组织派位" not in bureau.get("/schools/rounds").get_data(as_text=True)


def test_a_school_task_page_shows_no_residence_permit_decision_panel(app, db, apply, schools):
    from tests.schools.conftest import open_tasks

    case, form = apply("C0201")
    check(db, case, form, schools.users["education1"])  # eligible: the workflow now holds `eligible` = True
    (task,) = open_tasks(db, case.id)
    bureau = app.test_client()
    login(bureau, "education1")
    page = bureau.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert "安排学位" in page and "辅助审查信息" not in page and "D-RP-1" not in page


def test_the_parent_following_an_offered_place_is_told_to_report_at_the_school(app, db, apply, schools):
    from tests.schools.conftest import do

    case, form = apply("C0201")
    check(db, case, form, schools.users["education1"])
    do(db, case, schools.users["education1"], {"school_code": "XH-P02", "report_date": "2027-08-28"})
    db.session.commit()
    parent = app.test_client()
    token = csrf_from(parent.get("/track").get_data(as_text=True))
    code = apply.access_codes[case.id]
    parent.post("/track", data={"case_number": case.number, "access_code": code, "csrf_token": token})
    page = parent.get("/track").get_data(as_text=True)
    assert "登记入学报到" in page  # the current step, held by the education bureau
    assert "请按入学通知书载明的日期" in page and "视为放弃该学位" in page
