"""A wage-arrears complaint refers its workers to legal aid (BPMN message "legal_aid_referral"): the real receiver
opens one green-channel legal-aid case per worker who asked, each linked both ways and shown on both case pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cases import service
from app.cases.models import Case, CaseLink, CaseStatus
from app.core.errors import ValidationFailed
from app.legal_aid.referrals import open_from_referral
from app.letters.models import Letter
from tests.conftest import login
from tests.legal_aid.conftest import GRANT, OK, do, open_tasks
from tests.wage_arrears.conftest import ACCEPT, wa_form


@pytest.fixture()
def labour(db, world):
    return world.users["labour1"]


def referred(db, labour, **overrides) -> tuple[Case, list[Case]]:
    form = wa_form(group=True, worker_count=3, wants_legal_aid=True, **overrides)
    form["workers"][2]["wants_legal_aid"] = True  # two of the three workers ask for a lawyer
    complaint, _code = service.open_case(service="wage_arrears", form=form, actor=labour, locale="zh")
    service.complete_task(task_id=open_tasks(db, complaint.id)[0].id, actor=labour, form=ACCEPT, locale="zh")
    db.session.commit()
    links = db.session.scalars(select(CaseLink).where(CaseLink.source_case_id == complaint.id).order_by(CaseLink.id))
    return complaint, [db.session.get(Case, link.target_case_id) for link in links]


def test_each_worker_who_asks_gets_a_green_channel_case(db, world, labour):
    complaint, opened = referred(db, labour)
    workers = complaint.data["application"]["workers"]
    assert [c.applicant_id_number for c in opened] == [workers[0]["id_number"], workers[2]["id_number"]]
    for case, worker in zip(opened, (workers[0], workers[2]), strict=True):
        assert case.service == "legal_aid" and case.intake_unit_id == world.units["LAC"].id
        assert case.data["channel"] == "referral" and case.data["referred_from"] == complaint.number
        assert case.data["green_channel"] is True and case.data["priority"] == 1
        application = case.data["application"]
        assert application["matter_type"] == "wage_claim" and application["applicant_status"] == "migrant_worker"
        assert application["opponent_name"] == complaint.data["application"]["employer_name"]
        assert application["amount_claimed"] == worker["amount_owed"] and complaint.number in application["facts"]
        (task,) = open_tasks(db, case.id)
        assert (task.task_name, task.priority) == ("check_materials", 1)
        receipt = db.session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
        assert "经劳动保障监察机构转介" in str(receipt.context["history"])
    # The green channel goes on as any other: no means test, the same-day decision.
    do(db, opened[0], world.users["legal_aid1"], OK)
    assert [t.task_name for t in open_tasks(db, opened[0].id)] == ["decide_green"]
    do(db, opened[0], world.users["legal_aid1"], GRANT)
    db.session.refresh(opened[0])
    assert opened[0].status == CaseStatus.APPROVED


def test_both_case_pages_show_the_other(app, db, world, labour):
    complaint, (first, second) = referred(db, labour)
    inspector = app.test_client()
    login(inspector, "labour1")
    page = inspector.get(f"/cases/{complaint.id}").get_data(as_text=True)
    assert first.number in page and second.number in page
    centre = app.test_client()
    login(centre, "legal_aid1")
    page = centre.get(f"/cases/{first.id}").get_data(as_text=True)
    assert complaint.number in page
    # Each side opens only what is in its jurisdiction: the centre cannot open the complaint, nor labour the aid case.
    assert centre.get(f"/cases/{complaint.id}").status_code == 404
    assert inspector.get(f"/cases/{first.id}").status_code == 404


def test_the_complaint_form_asks_for_what_legal_aid_needs(db, world, labour):
    """A worker who asks for a lawyer gives a phone and an address legal aid's intake form accepts (≥ 5 characters),
    so the referral cannot fail at the acceptance step on what the complaint form let through."""
    form = wa_form(wants_legal_aid=True)
    form["workers"][0]["current_address"] = "杭州"
    with pytest.raises(ValidationFailed) as caught:
        service.open_case(service="wage_arrears", form=form, actor=labour, locale="zh")
    db.session.rollback()
    assert any(key.startswith("workers") and "current_address" in key for key in caught.value.errors)


def test_a_worker_the_intake_form_refuses_stops_the_whole_referral(db, world, labour):
    """The receiver validates every worker before it opens anything: all cases or none, the worker named."""
    complaint, _code = service.open_case(service="wage_arrears", form=wa_form(), actor=labour, locale="zh")
    db.session.commit()
    worker = {
        "applicant_name": "王芳",
        "phone": "13812345678",
        "current_address": "杭州市西湖区文三路1号",
        "community_code": "C0201",
        "amount_claimed": 9000.0,
        "months_owed": "2026年05月至2026年07月",
    }
    payload = {
        "workers": [{**worker, "id_number": complaint.applicant_id_number}, {**worker, "id_number": "110101"}],
        "matter_type": "wage_claim",
        "opponent_name": "杭州西溪建筑劳务有限公司",
        "opponent_credit_code": None,
        "facts": "被拖欠三个月工资",
        "source_case_number": complaint.number,
    }
    before = db.session.scalar(select(func.count()).select_from(Case))
    with pytest.raises(ValidationFailed) as caught:
        open_from_referral(complaint, payload, labour)
    db.session.rollback()
    (message,) = caught.value.errors["workers[1].id_number"]
    assert list(caught.value.errors) == ["workers[1].id_number"] and message.startswith("王芳：")
    assert db.session.scalar(select(func.count()).select_from(Case)) == before
    with pytest.raises(ValidationFailed) as caught:
        open_from_referral(complaint, {**payload, "workers": []}, labour)
    assert list(caught.value.errors) == ["workers"]
