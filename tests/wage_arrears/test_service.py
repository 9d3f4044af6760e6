"""The wage-arrears complaint through the service layer: intake, routing, statutory clock, letters, approvals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cases import service
from app.cases.models import Case, CaseEvent, CaseStatus
from app.core import clock
from app.core.errors import PermissionDenied, ValidationFailed
from app.inbox.models import HumanTask
from app.letters.models import Letter
from tests.wage_arrears.conftest import ACCEPT, do, findings, fire_timers, open_tasks, to_order, wa_form


def kinds(db, case) -> list[str]:
    return list(db.session.scalars(select(Letter.kind).where(Letter.case_id == case.id).order_by(Letter.id)))


def counts(db) -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, HumanTask, Letter))


def test_group_complaint_opens_at_labour_inspection_with_a_receipt(db, world, labour):
    form = wa_form("C0302", group=True, worker_count=4)
    case, code = service.open_case(service="wage_arrears", form=form, actor=labour, locale="zh")
    db.session.commit()
    assert case.number == "WA-330106-2026-000001" and case.status == CaseStatus.RECEIVED
    # The first representative is the case's party; the community is the place of work (jurisdiction).
    assert case.applicant_name == form["applicant_name"] and case.community_id == world.units["C0302"].id
    assert len(case.data["application"]["workers"]) == 4 and len(case.data["application"]["representatives"]) == 1
    (task,) = open_tasks(db, case.id)
    assert (task.task_name, task.unit_id) == ("check_materials", world.units["LSI"].id)
    receipt = db.session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    assert receipt.kind == "wa_receipt" and receipt.agency_unit_id == world.units["HRSS"].id
    assert code.replace("-", "") in str(receipt.context["access_code"]).replace("-", "")
    # 5 working days from Friday 2026-11-20: Friday 2026-11-27.
    assert str(case.statutory_due_on) == "2026-11-27"


def test_only_labour_inspection_takes_complaints(db, world):
    with pytest.raises(PermissionDenied):
        service.open_case(service="wage_arrears", form=wa_form(), actor=world.users["window1"], locale="zh")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"complaint_type": "group"}, "workers", "集体投诉应逐人填写至少2名被拖欠工资的劳动者"),
        ({"workers": "two"}, "workers", "被拖欠工资的劳动者"),
        ({"employer_credit_code": "91330106MA2B3C4D5X"}, "employer_credit_code", "统一社会信用代码"),
        ({"violation_last_date": "2030-01-01"}, "violation_last_date", "最后一次欠薪之日"),
    ],
)
def test_bad_complaints_name_the_field_and_save_nothing(db, world, labour, overrides, field, message):
    before = counts(db)
    with pytest.raises(ValidationFailed) as caught:
        service.open_case(service="wage_arrears", form=wa_form(**overrides), actor=labour, locale="zh")
    db.session.rollback()
    assert field in caught.value.errors and message in caught.value.errors[field][0]
    assert counts(db) == before


def test_group_limits_and_legal_aid_rows(db, world, labour):
    individual = wa_form(worker_count=2)
    with pytest.raises(ValidationFailed) as caught:
        service.open_case(service="wage_arrears", form=individual, actor=labour, locale="zh")
    assert caught.value.errors["workers"] == ["个人投诉只填写投诉人本人1行；集体投诉最多填写100人，人数更多的请附名单"]
    group = wa_form(group=True, worker_count=3)
    group["representatives"] = group["representatives"] * 5  # six representatives in all
    group["workers"][1] = {**group["workers"][1], "wants_legal_aid": True, "phone": None}
    with pytest.raises(ValidationFailed) as caught:
        service.open_case(service="wage_arrears", form=group, actor=labour, locale="zh")
    errors = caught.value.errors
    assert errors["representatives"] == ["集体投诉最多推选5名代表（含第一名代表），个人投诉不填写其他代表"]
    assert errors["workers.1.phone"] == ["请填写第2名劳动者的联系电话"]
    english = wa_form(representatives=[{"name": "张三", "id_number": "11010519491231002X", "phone": "13800138000"}])
    with pytest.raises(ValidationFailed) as caught:
        service.open_case(service="wage_arrears", form=english, actor=labour, locale="en")
    assert "an individual complaint has none" in caught.value.errors["representatives"][0]


def test_accepted_registered_ordered_and_paid(db, world, labour, opened):
    case = opened
    do(db, case, labour, ACCEPT)
    db.session.commit()
    assert case.status == CaseStatus.IN_REVIEW and case.data["registration"]["registered_on"] == "2026-11-20"
    # The statutory clock now counts the 60 working days of the investigation from registration.
    # The clock, the process's own due date and the inbox row agree (the calendar decides which day it is).
    due = case.data["registration"]["investigation_due_on"]
    assert case.data["statutory"]["rule"] == "60WD" and case.statutory_due_on.isoformat() == due
    assert "2027-02-10" < due < "2027-03-01"
    (task,) = open_tasks(db, case.id)
    assert task.task_name == "investigate" and task.due_at.astimezone(clock.CHINA_TZ).date().isoformat() == due
    form = case.data["application"]
    do(db, case, labour, findings(form))
    # Findings made and the employer told: the investigation period is met and its clock stops.
    assert case.statutory_due_on is None and case.data["statutory"]["stopped"]["rule"] == "60WD"
    do(db, case, labour, {"defence_made": "made", "defence_summary": "资金困难", "defence_response": "不予采纳"})
    do(db, case, labour, {"payment_deadline": "2026-12-10", "service_method": "direct"})
    assert case.status == CaseStatus.APPROVED
    total = sum(w["amount_owed"] for w in form["workers"])
    do(db, case, labour, {"paid_on": "2026-11-20", "amount_paid": str(total), "payment_evidence": "转账凭证"})
    db.session.commit()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    assert kinds(db, case) == ["wa_receipt", "wa_acceptance", "wa_defence_notice", "wa_order", "wa_closure"]
    agencies = set(db.session.scalars(select(Letter.agency_unit_id).where(Letter.case_id == case.id)))
    assert agencies == {world.units["HRSS"].id}


def test_extension_is_the_supervisors_and_moves_the_clock(db, world, labour, opened):
    case = opened
    do(db, case, labour, ACCEPT)
    do(
        db,
        case,
        labour,
        {
            "result": "extension_needed",
            "inspectors": "蒋、尤",
            "findings": "账册不全",
            "extension_reason": "需调取流水",
        },
    )
    db.session.commit()
    with pytest.raises(PermissionDenied):
        do(db, case, world.users["labour2"], {"decision": "approve"})
    db.session.rollback()
    do(db, case, world.users["labour_lead"], {"decision": "approve"})
    db.session.commit()
    assert case.data["statutory"]["rule"] == "90WD" and case.data["registration"]["extended"] is True
    assert kinds(db, case)[-1] == "wa_extension_notice"
    (task,) = open_tasks(db, case.id)
    assert task.task_name == "investigate_final"
    assert task.due_at.astimezone(clock.CHINA_TZ).date() == case.statutory_due_on


def test_not_paid_leads_to_compensation_transfer_and_police(db, world, labour, opened):
    case = opened
    to_order(db, case, labour, case.data["application"])
    assert fire_timers(db, "2026-12-10") == 0  # the deadline day itself is still the employer's
    fire_timers(db, "2026-12-11")
    (task,) = open_tasks(db, case.id)
    assert task.task_name == "assess_non_payment"
    do(
        db,
        case,
        labour,
        {
            "amount_paid_so_far": "0",
            "evasion": "true",
            "able_to_pay": "false",
            "mass_incident": "false",
            "non_payment_facts": "负责人失联",
            "penalty_ground": "none",
        },
    )
    do(db, case, labour, {"defence_made": "waived"})
    db.session.commit()
    with pytest.raises(ValidationFailed) as caught:
        do(db, case, labour, {"compensation_rate": "120", "compensation_deadline": "2026-12-31", "rate_reason": "…"})
    assert "加付比例（%）不能大于100" in caught.value.errors["compensation_rate"][0]
    db.session.rollback()
    do(db, case, labour, {"compensation_rate": "100", "compensation_deadline": "2026-12-31", "rate_reason": "逃匿"})
    db.session.commit()
    assert {t.task_name for t in open_tasks(db, case.id)} == {
        "apply_enforcement",
        "prepare_transfer",
        "approve_blacklist",
    }
    do(db, case, labour, {"team": "蒋、尤", "report": "逃匿", "evidence_list": "工资表"}, "prepare_transfer")
    do(db, case, world.users["labour_lead"], {"decision": "approve"}, "approve_transfer")
    do(db, case, labour, {"delivered_on": "2026-12-11", "received_by": "孙警官"}, "deliver_transfer")
    db.session.commit()
    police = next(t for t in open_tasks(db, case.id) if t.task_name == "police_review")
    assert police.unit_id == world.units["PSB"].id  # the police bureau decides, in its own inbox
    transfer = db.session.scalars(
        select(Letter).where(Letter.case_id == case.id, Letter.kind == "wa_crime_transfer")
    ).one()
    assert transfer.context["recipient_lines"] == ["杭州市公安局西湖区分局："]
    assert kinds(db, case)[-2:] == ["wa_compensation", "wa_crime_transfer"]
