"""Every gateway branch and decision row of the wage-arrears complaint, through the real engine (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core import clock
from app.processes import engine
from tests.bpmn import conftest
from tests.bpmn.conftest import bundle_from, load_sources

WORKER = {
    "name": "张伟",
    "id_number": "341202199001011234",
    "phone": "13800138000",
    "current_address": "杭州市西湖区文三路1号",
    "amount_owed": 12000,
    "months_owed": "2026年7月至9月",
    "wants_legal_aid": False,
}
BASE = {
    "complaint_type": "individual",
    "applicant_name": "张伟",
    "received_on": "2026-11-20",
    "case_number": "WA-330106-2026-000001",
    "employer_name": "杭州西溪建筑劳务有限公司",
    "employer_credit_code": "91330106MA2B3C4D5E",
    "community_code": "C0201",
    "workers": [WORKER],
    "violation_last_date": "2026-10-15",
    "in_dispute_procedure": False,
    "facts": "拖欠2026年7月至9月工资12000元。",
}
COMPLETE = {
    "materials": {
        "identity": {"verdict": "provided"},
        "employment_evidence": {"verdict": "provided"},
        "arrears_evidence": {"verdict": "provided"},
    },
    "employer_identified": True,
    "in_inspection_scope": True,
    "in_our_jurisdiction": True,
}
CONFIRMED = {"name": "张伟", "months": 3, "amount": 12000, "period": "2026年7月至9月"}
FOUND = {
    "result": "arrears_confirmed",
    "inspectors": "蒋队员、尤队员",
    "findings": "查实拖欠",
    "confirmed_workers": [CONFIRMED],
}
NOT_PAID = {
    "amount_paid_so_far": 0,
    "evasion": False,
    "able_to_pay": True,
    "mass_incident": False,
    "non_payment_facts": "未付",
    "penalty_ground": "none",
}
FINE = {"penalty_ground": "refused_order", "proposed_fine": 15000, "penalty_facts": "经责令改正，逾期拒不支付工资"}


@pytest.fixture(scope="module")
def wa_bundle() -> engine.ProcessBundle:
    return bundle_from("wage_arrears", *load_sources("wage_arrears"))


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))  # Friday 10:00 China time
    yield
    clock.freeze(None)


class Run(conftest.Run):
    """A wage-arrears case driven through the real engine, with the paths most tests start from."""

    BASE = BASE

    def to_investigation(self) -> Run:
        self.complete("check_materials", COMPLETE)
        return self

    def to_order(self) -> Run:
        self.to_investigation().complete("investigate", FOUND)
        assert self.ready() == ["hear_defence"]
        self.complete("hear_defence", {"defence_made": "waived"})
        self.complete("decide_order", {"payment_deadline": "2026-12-10", "service_method": "direct"})
        return self

    def to_compensation(self, **non_paid) -> Run:
        self.to_order().fire_timers_at(datetime(2026, 12, 10, 16, 0, tzinfo=UTC))  # after 23:59:59 China time
        assert self.ready() == ["assess_non_payment"]
        self.complete("assess_non_payment", {**NOT_PAID, **non_paid})
        self.complete(
            "hear_compensation_defence",
            {"defence_made": "made", "defence_summary": "资金困难", "defence_response": "不予采纳"},
        )
        self.complete(
            "decide_compensation",
            {"compensation_rate": 50, "compensation_deadline": "2026-12-30", "rate_reason": "首次"},
        )
        return self


def test_accepted_investigated_ordered_and_paid_closes(wa_bundle):
    run = Run(wa_bundle)
    assert run.milestones("letter") == ["wa_receipt"] and run.ready() == ["check_materials"]
    assert run.data["within_2_years"] is True and run.data["claimed_total"] == 12000
    run.complete("check_materials", COMPLETE)
    assert run.data["acceptance"] == "accept" and run.ready() == ["investigate"]
    assert run.milestones("action") == ["register_case"] and run.data["registered_on"] == "2026-11-20"
    # 60 working days from Friday 2026-11-20 on the 2026/2027 calendar.
    assert run.data["investigation_due_on"] > "2027-02-01"
    run.complete("investigate", FOUND)
    assert run.ready() == ["hear_defence"] and run.data["defence_deadline"] == "2026-11-25"
    run.complete("hear_defence", {"defence_made": "waived"})
    run.complete("decide_order", {"payment_deadline": "2026-12-10", "service_method": "direct"})
    assert run.ready() == ["record_payment"]
    run.complete("record_payment", {"paid_on": "2026-12-01", "amount_paid": 12000, "payment_evidence": "银行流水"})
    assert run.milestones("status") == ["received", "in_review", "approved", "closed"]
    assert run.milestones("letter") == ["wa_receipt", "wa_acceptance", "wa_defence_notice", "wa_order", "wa_closure"]
    assert run.messages() == [] and engine.is_completed(run.workflow)


@pytest.mark.parametrize(
    ("overrides", "review", "acceptance", "status", "letter"),
    [
        ({"in_dispute_procedure": True}, {}, "redirect", "referred", "wa_dispute_notice"),
        ({"violation_last_date": "2024-11-19"}, {}, "not_accepted", "not_accepted", "wa_not_accepted"),
        ({}, {"in_inspection_scope": False}, "redirect", "referred", "wa_dispute_notice"),
        (
            {},
            {"in_our_jurisdiction": False, "competent_bureau": "杭州市拱墅区劳动保障监察大队"},
            "refer",
            "referred",
            "wa_referral",
        ),
    ],
)
def test_acceptance_outcomes_end_the_case_with_their_letter(wa_bundle, overrides, review, acceptance, status, letter):
    run = Run(wa_bundle, **overrides)
    run.complete("check_materials", {**COMPLETE, **review})
    assert run.data["acceptance"] == acceptance
    assert run.milestones("status")[-1] == status and run.milestones("letter")[-1] == letter
    assert run.ready() == [] and engine.is_completed(run.workflow) and run.messages() == []


def test_two_years_counts_to_the_day(wa_bundle):
    assert Run(wa_bundle, violation_last_date="2024-11-20").data["within_2_years"] is True
    assert Run(wa_bundle, violation_last_date="2024-11-19").data["within_2_years"] is False


@pytest.mark.parametrize(
    "review",
    [
        {"employer_identified": False, "supplement_items": "用人单位全称和住所", "supplement_deadline": "2026-11-27"},
        {
            "materials": {**COMPLETE["materials"], "arrears_evidence": {"verdict": "missing"}},
            "supplement_deadline": "2026-11-27",
        },
    ],
)
def test_supplement_once_then_accepted(wa_bundle, review):
    run = Run(wa_bundle)
    run.complete("check_materials", {**COMPLETE, **review})
    assert run.data["acceptance"] == "supplement" and run.ready() == ["record_supplement"]
    assert run.milestones("status")[-1] == "awaiting_applicant" and run.milestones("letter")[-1] == "wa_supplement"
    run.complete("record_supplement", {"supplied": "supplied", "supplied_on": "2026-11-25", "supplement_note": "已补"})
    # One-time notice: the table is asked again with what was missing now supplied, and cannot ask twice.
    assert run.data["acceptance"] == "accept" and run.ready() == ["investigate"]
    assert run.milestones("status")[-1] == "in_review"


def test_supplement_not_supplied_or_deadline_passed_is_not_accepted(wa_bundle):
    by_hand = Run(wa_bundle)
    by_hand.complete(
        "check_materials",
        {**COMPLETE, "employer_identified": False, "supplement_items": "住所", "supplement_deadline": "2026-11-27"},
    )
    by_hand.complete("record_supplement", {"supplied": "not_supplied"})
    assert by_hand.milestones("letter")[-1] == "wa_not_accepted" and engine.is_completed(by_hand.workflow)
    by_timer = Run(wa_bundle)
    by_timer.complete(
        "check_materials",
        {**COMPLETE, "employer_identified": False, "supplement_items": "住所", "supplement_deadline": "2026-11-27"},
    )
    by_timer.fire_timers_at(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))  # 23:00 China time: not yet
    assert by_timer.ready() == ["record_supplement"]
    by_timer.fire_timers_at(datetime(2026, 11, 27, 16, 0, tzinfo=UTC))
    assert by_timer.milestones("status")[-1] == "not_accepted" and by_timer.ready() == []


def test_legal_aid_referral_is_thrown_as_a_message_with_the_payload(wa_bundle):
    asks = {**WORKER, "wants_legal_aid": True}
    other = {**WORKER, "name": "李娜", "id_number": "341202199202022345", "wants_legal_aid": False}
    run = Run(wa_bundle, complaint_type="group", workers=[asks, other], employer_credit_code=None)
    run.complete("check_materials", COMPLETE)
    (sent,) = run.messages()
    assert sent.name == "ev_refer_legal_aid" and sent.message == "legal_aid_referral"
    assert sent.payload == {
        "workers": [
            {
                "applicant_name": "张伟",
                "id_number": "341202199001011234",
                "phone": "13800138000",
                "current_address": "杭州市西湖区文三路1号",
                "community_code": "C0201",
                "amount_claimed": 12000,
                "months_owed": "2026年7月至9月",
            }
        ],
        "matter_type": "wage_claim",
        "opponent_name": "杭州西溪建筑劳务有限公司",
        "opponent_credit_code": None,
        "facts": "拖欠2026年7月至9月工资12000元。",
        "source_case_number": "WA-330106-2026-000001",
    }
    assert run.ready() == ["investigate"]  # the case goes on; the referral runs beside it
    assert engine.serialize(run.workflow)  # nothing of the thrown message is left pending in the saved state
    assert run.workflow.bpmn_events == []


def test_redirected_complaint_also_refers_workers_to_legal_aid(wa_bundle):
    run = Run(wa_bundle, in_dispute_procedure=True, workers=[{**WORKER, "wants_legal_aid": True}])
    run.complete("check_materials", COMPLETE)
    assert [m.name for m in run.messages()] == ["ev_refer_legal_aid_redirect"]
    assert run.milestones("letter")[-1] == "wa_dispute_notice" and engine.is_completed(run.workflow)


@pytest.mark.parametrize(
    ("result", "status", "letter"), [("no_arrears", "refused", "wa_closure"), ("paid", "closed", "wa_closure")]
)
def test_investigation_without_order(wa_bundle, result, status, letter):
    run = Run(wa_bundle).to_investigation()
    run.complete("investigate", {"result": result, "inspectors": "蒋、尤", "findings": "……"})
    assert run.milestones("status")[-1] == status and run.milestones("letter")[-1] == letter
    assert engine.is_completed(run.workflow)


@pytest.mark.parametrize(("decision", "letters"), [("approve", ["wa_extension_notice"]), ("refuse", [])])
def test_extension_needs_the_supervisor_and_is_told_in_writing(wa_bundle, decision, letters):
    run = Run(wa_bundle).to_investigation()
    due_before = run.data["investigation_due_on"]
    run.complete(
        "investigate",
        {
            "result": "extension_needed",
            "inspectors": "蒋、尤",
            "findings": "账册缺失",
            "extension_reason": "需调取银行流水",
        },
    )
    assert run.ready() == ["approve_extension"]
    run.complete(
        "approve_extension", {"decision": decision, "decision_note": None if decision == "approve" else "证据已足"}
    )
    assert run.ready() == ["investigate_final"]
    assert run.milestones("letter")[2:] == letters
    if decision == "approve":
        assert run.milestones("action")[-1] == "extend_investigation" and run.data["investigation_due_on"] > due_before
    else:
        assert run.data["investigation_due_on"] == due_before
    run.complete("investigate_final", FOUND)
    assert run.ready() == ["hear_defence"]


def test_not_paid_compensation_transfer_and_blacklist(wa_bundle):
    run = Run(wa_bundle).to_compensation()
    assert run.data["crime_suspected"] is True and run.data["crime_reason"] == "single_worker_threshold"
    assert run.data["list_recommended"] is True
    assert run.milestones("letter")[-4:] == ["wa_defence_notice", "wa_order", "wa_defence_notice", "wa_compensation"]
    assert run.ready() == ["apply_enforcement", "approve_blacklist", "prepare_transfer"]
    run.complete("apply_enforcement", {"court": "杭州市西湖区人民法院", "filed_on": "2026-11-20"})
    run.complete("prepare_transfer", {"team": "蒋、尤", "report": "拒不支付", "evidence_list": "工资表"})
    run.complete("approve_transfer", {"decision": "approve"})
    assert "wa_crime_transfer" in run.milestones("letter") and "deliver_transfer" in run.ready()
    run.complete("deliver_transfer", {"delivered_on": "2026-11-20", "received_by": "西湖分局 孙警官"})
    assert "police_review" in run.ready()
    run.complete("police_review", {"police_decision": "opened", "police_case_number": "西公刑〔2026〕88号"})
    run.complete("approve_blacklist", {"decision": "approve"})
    assert run.milestones("action")[-1] == "record_blacklist" and run.milestones("letter")[-1] == "wa_blacklist"
    assert run.milestones("status")[-1] == "closed" and engine.is_completed(run.workflow)


def test_refused_transfer_and_refused_listing_still_close(wa_bundle):
    run = Run(wa_bundle).to_compensation()
    run.complete("apply_enforcement", {"court": "杭州市西湖区人民法院", "filed_on": "2026-11-20"})
    run.complete("prepare_transfer", {"team": "蒋、尤", "report": "拒不支付", "evidence_list": "工资表"})
    run.complete("approve_transfer", {"decision": "refuse", "decision_note": "证据不足"})
    run.complete("approve_blacklist", {"decision": "refuse", "decision_note": "已部分支付"})
    assert "wa_crime_transfer" not in run.milestones("letter") and "wa_blacklist" not in run.milestones("letter")
    assert run.milestones("status")[-1] == "closed" and engine.is_completed(run.workflow)


def test_police_may_decline(wa_bundle):
    run = Run(wa_bundle).to_compensation()
    run.complete("prepare_transfer", {"team": "蒋、尤", "report": "拒不支付", "evidence_list": "工资表"})
    run.complete("approve_transfer", {"decision": "approve"})
    run.complete("deliver_transfer", {"delivered_on": "2026-11-20", "received_by": "孙警官"})
    run.complete("police_review", {"police_decision": "declined", "police_reason": "已部分支付"})
    assert run.ready() == ["apply_enforcement", "approve_blacklist"]


@pytest.mark.parametrize(
    ("non_paid", "workers", "crime", "listed", "reason"),
    [
        ({"able_to_pay": False}, [CONFIRMED], False, True, "no_refusal_conduct"),
        ({}, [{**CONFIRMED, "months": 2}], False, False, "below_threshold"),
        ({}, [{**CONFIRMED, "amount": 9999.99}], False, False, "below_threshold"),
        (
            {},
            [{**CONFIRMED, "months": 1, "amount": 5000, "name": f"工人{i}"} for i in range(10)],
            True,
            True,
            "group_threshold",
        ),
        (
            {},
            [{**CONFIRMED, "months": 1, "amount": 5000, "name": f"工人{i}"} for i in range(9)],
            False,
            False,
            "below_threshold",
        ),
        ({"mass_incident": True}, [{**CONFIRMED, "months": 2}], False, True, "below_threshold"),
    ],
)
def test_crime_and_blacklist_tables(wa_bundle, non_paid, workers, crime, listed, reason):
    run = Run(wa_bundle).to_investigation()
    run.complete("investigate", {**FOUND, "confirmed_workers": workers})
    run.complete("hear_defence", {"defence_made": "waived"})
    run.complete("decide_order", {"payment_deadline": "2026-12-10", "service_method": "posted"})
    run.fire_timers_at(datetime(2026, 12, 10, 16, 0, tzinfo=UTC))
    run.complete("assess_non_payment", {**NOT_PAID, **non_paid})
    assert (run.data["crime_suspected"], run.data["list_recommended"], run.data["crime_reason"]) == (
        crime,
        listed,
        reason,
    )
    run.complete("hear_compensation_defence", {"defence_made": "waived"})
    run.complete(
        "decide_compensation", {"compensation_rate": 80, "compensation_deadline": "2026-12-30", "rate_reason": "……"}
    )
    expected = (
        ["apply_enforcement"] + (["approve_blacklist"] if listed else []) + (["prepare_transfer"] if crime else [])
    )
    assert run.ready() == expected


def test_overdue_tasks_escalate_including_the_24_hour_delivery(wa_bundle):
    run = Run(wa_bundle)
    run.fire_timers_at(datetime(2026, 11, 30, 16, 0, tzinfo=UTC))  # past 5 working days
    assert [r.properties.get("escalate_task") for r in run.reached if "escalate" in r.properties] == ["check_materials"]
    run = Run(wa_bundle).to_compensation()
    run.complete("prepare_transfer", {"team": "蒋、尤", "report": "拒不支付", "evidence_list": "工资表"})
    run.complete("approve_transfer", {"decision": "approve"})
    run.fire_timers_at(datetime(2026, 11, 21, 2, 1, tzinfo=UTC))  # 24 hours and a minute after the approval
    escalated = [r.properties.get("escalate_task") for r in run.reached if "escalate" in r.properties]
    assert "deliver_transfer" in escalated


def test_a_fine_is_notified_heard_and_decided_beside_the_other_measures(wa_bundle):
    run = Run(wa_bundle).to_compensation(**FINE)
    assert run.ready() == ["apply_enforcement", "approve_blacklist", "hear_penalty_defence", "prepare_transfer"]
    # The notice went out with the compensation decision's branches; the employer has 5 working days
    # (行政处罚法 Arts. 64, 85): from Friday 11-20 to Friday 11-27.
    assert run.milestones("letter")[-1] == "wa_penalty_notice" and run.data["penalty_defence_deadline"] == "2026-11-27"
    tasks = {t.name: t for t in engine.ready_user_tasks(run.workflow, wa_bundle)}
    assert "hear_penalty_defence" in tasks and tasks["hear_penalty_defence"].properties["due_from"] == (
        "penalty_defence_deadline"
    )
    run.complete("hear_penalty_defence", {"defence_made": "waived", "hearing": "not_requested"})
    assert "decide_penalty" in run.ready()
    run.complete("decide_penalty", {"fine_amount": 12000, "fine_reason": "拖欠时间较长"})
    assert run.milestones("letter")[-1] == "wa_penalty" and run.milestones("action")[-1] == "record_penalty"
    for task, data in (
        ("apply_enforcement", {"court": "杭州市西湖区人民法院", "filed_on": "2026-11-20"}),
        ("prepare_transfer", {"team": "蒋、尤", "report": "拒不支付", "evidence_list": "工资表"}),
        ("approve_transfer", {"decision": "refuse", "decision_note": "证据不足"}),
        ("approve_blacklist", {"decision": "refuse", "decision_note": "已部分支付"}),
    ):
        run.complete(task, data)
    assert run.milestones("status")[-1] == "closed" and engine.is_completed(run.workflow)


def test_no_fine_leaves_the_branch_at_once(wa_bundle):
    run = Run(wa_bundle).to_compensation()
    assert "wa_penalty_notice" not in run.milestones("letter")
    assert not {"hear_penalty_defence", "decide_penalty"} & set(run.ready())


def test_an_overdue_fine_decision_escalates(wa_bundle):
    run = Run(wa_bundle).to_compensation(**FINE)
    run.complete("hear_penalty_defence", {"defence_made": "waived", "hearing": "not_applicable"})
    run.fire_timers_at(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))  # 3 working days after Friday 11-20: 11-25
    escalated = [r.properties.get("escalate_task") for r in run.reached if "escalate" in r.properties]
    assert "decide_penalty" in escalated and "decide_penalty" in run.ready()
