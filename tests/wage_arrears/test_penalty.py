"""The fine for not correcting (劳动保障监察条例 Art. 30): notified with the right to be heard (and to a hearing for a
large fine), decided no higher than notified, and the decision letter with the elements of 行政处罚法 Art. 59."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cases.models import CaseEvent, CaseStatus
from app.core.errors import ValidationFailed
from app.letters.models import Letter
from tests.wage_arrears.conftest import do, fire_timers, open_tasks, to_order

NOT_PAID = {"amount_paid_so_far": "0", "evasion": "false", "able_to_pay": "true", "mass_incident": "false"}
FINE = {
    "penalty_ground": "refused_order",
    "proposed_fine": "15000",
    "penalty_facts": "你单位经本机关责令于2026年12月10日前支付工资，逾期拒不支付",
}


def letter_text(db, case, kind: str) -> str:
    row = db.session.scalars(
        select(Letter).where(Letter.case_id == case.id, Letter.kind == kind).order_by(Letter.id.desc())
    ).first()
    assert row is not None, kind
    context = row.context
    return "".join(context["paragraphs"] + context["closing"] + [context.get("remedy", "")])


def unpaid(db, case, labour, penalty: dict) -> None:
    to_order(db, case, labour, case.data["application"])
    fire_timers(db, "2026-12-11")
    do(db, case, labour, {**NOT_PAID, "non_payment_facts": "账户有资金往来，拒不支付", **penalty})
    do(db, case, labour, {"defence_made": "waived"})
    do(db, case, labour, {"compensation_rate": "60", "compensation_deadline": "2026-12-31", "rate_reason": "情节一般"})
    db.session.commit()


def test_a_large_fine_is_notified_with_the_hearing_right_then_decided(db, world, labour, opened):
    case = opened
    unpaid(db, case, labour, FINE)
    assert "hear_penalty_defence" in {t.task_name for t in open_tasks(db, case.id)}
    notice = letter_text(db, case, "wa_penalty_notice")
    for words in (
        "第三十条第一款第（三）项",
        "经劳动保障行政部门责令改正拒不改正",
        "15,000.00元",
        "第四十四条",
        "第六十四条",
        "要求听证",
    ):
        assert words in notice, words
    # 5 working days from Friday 2026-12-11: Friday 2026-12-18.
    assert "2026年12月18日前" in notice
    do(
        db,
        case,
        labour,
        {
            "defence_made": "made",
            "defence_summary": "资金周转困难",
            "defence_response": "不影响工资支付义务，不予采纳",
            "hearing": "held",
            "hearing_record": "2026年12月16日在本机关举行听证，用人单位委托代理人到场，维持拟处罚意见",
        },
        "hear_penalty_defence",
    )
    db.session.commit()
    before = tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Letter, CaseEvent))
    with pytest.raises(ValidationFailed) as caught:
        do(db, case, labour, {"fine_amount": "16000", "fine_reason": "情节严重"}, "decide_penalty")
    db.session.rollback()
    assert "15,000.00" in caught.value.errors["fine_amount"][0]
    assert tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Letter, CaseEvent)) == before
    do(db, case, labour, {"fine_amount": "12000", "fine_reason": "拖欠时间较长，已部分配合调查"}, "decide_penalty")
    db.session.commit()
    decision = db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "wa_penalty")).one()
    text = letter_text(db, case, "wa_penalty")
    assert decision.agency_unit_id == world.units["HRSS"].id and decision.number.startswith("西人社监罚字〔2026〕")
    assert decision.context["recipient_lines"][0] == f"被投诉单位：{case.data['application']['employer_name']}"
    for words in (
        "逾期拒不支付",  # facts
        "第三十条",  # basis
        "12,000.00元",  # the penalty
        "资金周转困难",  # heard
        "举行听证",
        "十五日内",  # how and by when
        "百分之三",
        "申请行政复议",  # remedies
        "提起行政诉讼",
    ):
        assert words in text, words
    assert case.data["penalty"]["fine"] == 12000.0


def test_a_small_fine_has_no_hearing_right(db, world, labour, opened):
    unpaid(db, opened, labour, {**FINE, "proposed_fine": "5000"})
    notice = letter_text(db, opened, "wa_penalty_notice")
    assert "5,000.00元" in notice and "听证" not in notice


def test_the_fine_needs_its_amount_and_facts(db, world, labour, opened):
    to_order(db, opened, labour, opened.data["application"])
    fire_timers(db, "2026-12-11")
    with pytest.raises(ValidationFailed) as caught:
        do(db, opened, labour, {**NOT_PAID, "non_payment_facts": "拒不支付", "penalty_ground": "obstruction"})
    db.session.rollback()
    assert {"proposed_fine", "penalty_facts"} <= set(caught.value.errors)
    with pytest.raises(ValidationFailed) as caught:
        do(db, opened, labour, {**NOT_PAID, "non_payment_facts": "拒不支付", **FINE, "proposed_fine": "50000"})
    db.session.rollback()
    assert "proposed_fine" in caught.value.errors


def test_a_case_with_a_fine_closes_when_every_branch_is_done(db, world, labour, opened):
    case = opened
    unpaid(db, case, labour, FINE)
    do(db, case, labour, {"defence_made": "waived", "hearing": "not_requested"}, "hear_penalty_defence")
    do(db, case, labour, {"fine_amount": "15000", "fine_reason": "经责令拒不改正"}, "decide_penalty")
    do(db, case, labour, {"court": "杭州市西湖区人民法院", "filed_on": "2026-12-11"}, "apply_enforcement")
    for name in [t.task_name for t in open_tasks(db, case.id)]:
        assert name in ("prepare_transfer", "approve_blacklist"), name
        form = (
            {"team": "蒋、尤", "report": "拒不支付", "evidence_list": "工资表"} if name == "prepare_transfer" else None
        )
        if form:
            do(db, case, labour, form, name)
            do(
                db,
                case,
                world.users["labour_lead"],
                {"decision": "refuse", "decision_note": "证据不足"},
                "approve_transfer",
            )
        else:
            do(db, case, world.users["labour_lead"], {"decision": "refuse", "decision_note": "不符合"}, name)
    db.session.commit()
    db.session.refresh(case)
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
