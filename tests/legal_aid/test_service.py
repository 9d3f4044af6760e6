"""Legal aid through the service layer and the real engine: intake, the green channel, decisions, letters,
objections, termination, withdrawal. The clock stands at Friday 2026-11-20 unless a test moves it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cases import service
from app.cases.models import Case, CaseEvent, CaseStatus
from app.core import clock
from app.core.errors import NotFound, PermissionDenied, ValidationFailed
from app.inbox.models import HumanTask
from app.letters.models import Letter
from tests.legal_aid.conftest import (
    APPOINT,
    GRANT,
    OBJECTION,
    OK,
    REFUSE,
    do,
    fire_timers,
    la_form,
    letter,
    letters,
    open_tasks,
    text,
)

MEANS_OK = {"household_size": "3", "monthly_household_income": "5400", "verification_method": "info_sharing"}


def counts(db) -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, HumanTask, Letter))


def statuses(db, case) -> list[str]:
    return [
        e.payload["to"]
        for e in db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.kind == "status_changed")
            .order_by(CaseEvent.id)
        )
    ]


def test_green_channel_wage_claim_at_the_window(db, world, green):
    assert green.number == "LA-330106-2026-000001" and green.status == CaseStatus.RECEIVED
    assert green.intake_unit_id == world.units["LAC"].id
    # Statutory limit still applies: 7 calendar days from Friday 11-20 is Friday 11-27 (a working day).
    assert str(green.statutory_due_on) == "2026-11-27"
    assert green.data["green_channel"] is True and green.data["priority"] == 1
    assert green.data["priority_reason"] == "green_channel" and green.data["early_aid_needed"] is False
    (task,) = open_tasks(db, green.id)
    # First in the centre's inbox, due the same day (the green channel's target), not the 1WD of others.
    assert (task.task_name, task.unit_id, task.priority) == ("check_materials", world.units["LAC"].id, 1)
    assert task.due_at.astimezone(clock.CHINA_TZ).date().isoformat() == "2026-11-20"
    receipt = letter(db, green, "la_receipt")
    assert receipt.agency_unit_id == world.units["LAC"].id and receipt.number == "西法援受字〔2026〕第1号"
    assert "绿色通道" in text(receipt) and "第四十五条" in text(receipt) and "2026年11月27日" in text(receipt)


def test_same_day_decision_and_appointment_issue_both_letters(db, world, green, centre):
    do(db, green, centre, OK)
    (task,) = open_tasks(db, green.id)
    assert (task.task_name, task.priority) == ("decide_green", 1)  # no means test (Art. 42(3))
    assert task.due_at.astimezone(clock.CHINA_TZ).date().isoformat() == "2026-11-20"
    do(db, green, world.users["legal_aid2"], GRANT)
    (task,) = open_tasks(db, green.id)
    assert (task.task_name, task.priority) == ("appoint_green", 1)
    # Decided: the statutory clock now times the appointment (3 days from the grant, Art. 43): Monday 11-23.
    db.session.refresh(green)
    assert str(green.statutory_due_on) == "2026-11-23"
    do(db, green, world.users["legal_aid2"], APPOINT)
    db.session.refresh(green)
    # Appointed: nothing statutory runs while the lawyer acts (not "overdue" on the supervisor's desk).
    assert green.statutory_due_on is None and green.data["statutory"]["stopped"]["rule"] == "3CAL"
    assert green.status == CaseStatus.APPROVED and green.data["lawyer"]["lawyer_name"] == "郑明"
    assert [x.kind for x in letters(db, green)] == ["la_receipt", "la_grant", "la_appointment"]
    grant, appointment = letter(db, green, "la_grant"), letter(db, green, "la_appointment")
    # The grant decision to the applicant: the clause of the matter, the exemption, aid form, appointed lawyer.
    grant_text = text(grant)
    for words in (
        "第三十一条第（五）项",
        "第四十二条第（三）项",
        "免予核查经济困难状况",
        "劳动争议仲裁代理",
        "郑明律师",
    ):
        assert words in grant_text, words
    assert grant.context["party"]["name"] == green.applicant_name and grant.number == "西法援决字〔2026〕第1号"
    # The appointment notice goes to the law firm.
    assert appointment.context["recipient"] == "浙江西湖律师事务所：" and "第十六条" in text(appointment)
    assert "请优先安排" in text(appointment)
    (task,) = open_tasks(db, green.id)
    assert task.task_name == "conduct"


def test_closing_with_the_lawyers_report(db, world, green, centre):
    for form in (OK, GRANT, APPOINT):
        do(db, green, centre, form)
    report = {
        "outcome": "closed",
        "case_result": "won",
        "report_received_on": "2026-11-20",
        "result_summary": "仲裁委员会裁决支持全部请求，承办律师已提交结案报告。",
    }
    do(db, green, centre, report)
    db.session.refresh(green)
    assert green.status == CaseStatus.CLOSED and green.closed_at is not None
    assert green.data["conduct"]["report_received_on"] == "2026-11-20"


def test_only_the_legal_aid_centre_takes_applications(db, world):
    for username in ("window1", "labour1", "justice1"):
        with pytest.raises(PermissionDenied):
            service.open_case(service="legal_aid", form=la_form(), actor=world.users[username], locale="zh")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "110101199003070000"}, "id_number", "公民身份号码"),
        ({"facts": "太短"}, "facts", "案情及申请理由"),
        ({"matter_type": "lottery"}, "matter_type", "申请援助事项"),
        ({"opponent_credit_code": "91330106MA2B3C4D5X"}, "opponent_credit_code", "统一社会信用代码"),
    ],
)
def test_bad_applications_name_the_field_and_save_nothing(db, world, centre, overrides, field, message):
    before = counts(db)
    with pytest.raises(ValidationFailed) as caught:
        service.open_case(service="legal_aid", form=la_form(**overrides), actor=centre, locale="zh")
    db.session.rollback()
    assert field in caught.value.errors and message in caught.value.errors[field][0]
    assert counts(db) == before


def test_means_tested_application_is_decided_within_its_normal_steps(db, world, centre):
    case, _code = service.open_case(service="legal_aid", form=la_form("support"), actor=centre, locale="zh")
    db.session.commit()
    assert case.data["green_channel"] is False and case.data["priority"] == 0
    (task,) = open_tasks(db, case.id)
    assert task.priority == 0 and task.due_at.astimezone(clock.CHINA_TZ).date().isoformat() == "2026-11-23"  # 1WD
    do(db, case, centre, OK)
    assert [t.task_name for t in open_tasks(db, case.id)] == ["means_test"]
    do(db, case, centre, MEANS_OK)
    do(db, case, centre, GRANT)
    (task,) = open_tasks(db, case.id)
    # Art. 43: appoint within 3 days of the decision (3 calendar days: Monday 11-23).
    assert task.task_name == "appoint" and task.due_at.astimezone(clock.CHINA_TZ).date().isoformat() == "2026-11-23"
    do(db, case, centre, APPOINT)
    grant_text = text(letter(db, case, "la_grant"))
    assert "1,800.00元" in grant_text and "2,490.00元" in grant_text and "第三十四条、第四十一条" in grant_text


def test_refusal_then_objection_corrected_reopens_the_case(db, world, centre):
    case, _code = service.open_case(service="legal_aid", form=la_form("support"), actor=centre, locale="zh")
    db.session.commit()
    for form in (OK, MEANS_OK, REFUSE):
        do(db, case, centre, form)
    db.session.refresh(case)
    assert case.status == CaseStatus.REFUSED and case.statutory_due_on is None  # decided: no period runs
    refusal = letter(db, case, "la_refusal")
    refusal_text = text(refusal)
    # Reasons, the decision's basis, and the objection route to the named justice bureau with its period.
    for words in (
        "申请人主张的事实与证据明显不符",
        "第四十三条",
        "自收到本决定书之日起三十日内向西湖区司法局提出",
        "五日内",
        "第四十九条",
    ):
        assert words in refusal_text, words
    assert "行政复议" in refusal_text and refusal.agency_unit_id == world.units["LAC"].id
    (task,) = open_tasks(db, case.id)
    assert (task.task_name, task.unit_id) == ("register_objection", world.units["JUS"].id)
    with pytest.raises(NotFound):  # the objection is the justice bureau's, not the centre's
        do(db, case, centre, OBJECTION)
    db.session.rollback()
    justice = world.users["justice1"]
    do(db, case, justice, OBJECTION)
    db.session.refresh(case)
    assert str(case.statutory_due_on) == "2026-11-25"  # the bureau's 5 days from receipt of the objection
    (task,) = open_tasks(db, case.id)
    # Art. 49: the bureau decides within 5 days (calendar: Wednesday 11-25).
    assert (
        task.task_name == "decide_objection"
        and task.due_at.astimezone(clock.CHINA_TZ).date().isoformat() == "2026-11-25"
    )
    do(
        db,
        case,
        justice,
        {"objection_outcome": "correct", "objection_reasons": "申请人补充的证据表明原决定认定事实有误。"},
    )
    db.session.refresh(case)
    assert case.status == CaseStatus.IN_REVIEW and statuses(db, case)[-2:] == ["refused", "in_review"]
    assert str(case.statutory_due_on) == "2026-11-27"  # decided again within 7 days of the bureau's order
    decision = letter(db, case, "la_objection_decision")
    assert decision.agency_unit_id == world.units["JUS"].id and decision.number.startswith("西司援异字")
    assert refusal.number in text(decision) and "重新审查并作出决定" in text(decision)
    (task,) = open_tasks(db, case.id)
    assert (task.task_name, task.unit_id) == ("decide", world.units["LAC"].id)  # back at the centre
    do(db, case, centre, GRANT)
    do(db, case, centre, APPOINT)
    db.session.refresh(case)
    assert case.status == CaseStatus.APPROVED


def test_objection_upheld_tells_of_reconsideration_and_litigation(db, world, centre):
    case, _code = service.open_case(service="legal_aid", form=la_form("other"), actor=centre, locale="zh")
    db.session.commit()
    do(db, case, centre, OK)  # out of scope (la_scope): refused by the table
    assert "不属于法律援助的事项范围" in text(letter(db, case, "la_refusal"))
    justice = world.users["justice1"]
    do(db, case, justice, OBJECTION)
    do(db, case, justice, {"objection_outcome": "uphold", "objection_reasons": "申请事项不属于法律援助范围。"})
    db.session.refresh(case)
    assert case.status == CaseStatus.REFUSED and case.closed_at is not None
    upheld = text(letter(db, case, "la_objection_decision"))
    assert "决定维持" in upheld and "杭州市西湖区人民政府申请行政复议" in upheld and "杭州市西湖区人民法院" in upheld


def test_termination_with_letter_and_objection_that_restores_the_aid(db, world, green, centre):
    for form in (OK, GRANT, APPOINT):
        do(db, green, centre, form)
    do(
        db,
        green,
        centre,
        {
            "outcome": "terminate",
            "termination_ground": "own_lawyer",
            "termination_facts": "受援人已另行委托律师代理本案",
        },
    )
    db.session.refresh(green)
    assert green.status == CaseStatus.TERMINATED
    termination = text(letter(db, green, "la_termination"))
    assert "第四十八条第一款第（六）项" in termination and "向西湖区司法局提出" in termination
    justice = world.users["justice1"]
    do(db, green, justice, OBJECTION)
    do(db, green, justice, {"objection_outcome": "correct", "objection_reasons": "受援人并未另行委托律师。"})
    db.session.refresh(green)
    assert statuses(db, green)[-3:] == ["terminated", "in_review", "approved"] and green.statutory_due_on is None
    assert "恢复对你的法律援助" in text(letter(db, green, "la_objection_decision"))
    assert [t.task_name for t in open_tasks(db, green.id)] == ["conduct"]


def test_not_supplemented_by_the_deadline_is_deemed_withdrawn(db, world, green, centre):
    missing = {**OK, "materials.wage_evidence.verdict": "missing", "supplement_deadline": "2026-11-27"}
    do(db, green, centre, missing)
    db.session.refresh(green)
    assert green.status == CaseStatus.AWAITING_APPLICANT
    notice = letter(db, green, "la_supplement")
    assert "劳动合同、工资条、考勤记录等劳动报酬证据" in text(notice) and "视为撤回申请" in text(notice)
    assert fire_timers(db, "2026-11-27", 20) == 0  # the deadline day is the applicant's to the end
    assert fire_timers(db, "2026-11-28", 9) == 1
    db.session.refresh(green)
    assert green.status == CaseStatus.WITHDRAWN and green.closed_at is not None
    withdrawn = text(letter(db, green, "la_withdrawn"))
    assert notice.number in withdrawn and "视为撤回" in withdrawn and "第四十三条第二款" in withdrawn


def test_urgent_limitation_gives_aid_before_the_decision(db, world, centre):
    case, _code = service.open_case(
        service="legal_aid", form=la_form(limitation_deadline="2026-11-24"), actor=centre, locale="zh"
    )
    db.session.commit()
    assert case.data["early_aid_needed"] is True and case.data["early_aid_reason"] == "art44_limitation"
    assert "第四十四条" in text(letter(db, case, "la_receipt"))
    (task,) = open_tasks(db, case.id)
    assert task.task_name == "early_aid"
    early = {"early_aid_on": "2026-11-20", "early_law_firm": "浙江西湖律师事务所", "early_lawyer_name": "郑明"}
    do(db, case, centre, {**early, "early_measures": "代为向仲裁委员会提交仲裁申请"})
    for form in (OK, GRANT, APPOINT):
        do(db, case, centre, form)
    assert "本中心已于2026年11月20日先行提供法律援助" in text(letter(db, case, "la_grant"))


def test_objection_period_is_the_cases_own(app, db, world, centre, monkeypatch):
    monkeypatch.setitem(app.config, "LEGAL_AID_OBJECTION_DAYS", 15)
    case, _code = service.open_case(service="legal_aid", form=la_form("other"), actor=centre, locale="zh")
    db.session.commit()
    do(db, case, centre, OK)
    assert "十五日内" in text(letter(db, case, "la_refusal"))
    # 15 calendar days from Friday 11-20: Saturday 12-05, a rest day → Monday 12-07 (end of day, China time).
    assert fire_timers(db, "2026-12-07", 20) == 0 and [t.task_name for t in open_tasks(db, case.id)] == [
        "register_objection"
    ]
    assert fire_timers(db, "2026-12-08", 9) == 1
    db.session.refresh(case)
    assert open_tasks(db, case.id) == [] and case.closed_at is not None and case.status == CaseStatus.REFUSED
