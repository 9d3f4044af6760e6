"""Every gateway branch, timer and decision-table row of the legal-aid process, through the real engine (no database).

2026-11-20 is a Friday; 11-21/22 the weekend; 11-23 the next working day.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core import clock
from app.processes import engine
from tests.bpmn.conftest import bundle_from, load_sources
from tests.bpmn.test_residence_permit import Run

BASE = {
    "applicant_name": "刘建国",
    "received_on": "2026-11-20",
    "matter_type": "wage_claim",
    "applicant_status": "migrant_worker",
    "opponent_name": "杭州某建筑劳务有限公司",
    "limitation_deadline": None,
    "preservation_needed": False,
    "green_channel": False,
    "means_region": "330106",
    "objection_days": 30,
}
NORMAL = {"matter_type": "support_payment", "applicant_status": "none"}  # means-tested, not green
ALL_PROVIDED = {"materials": {"id_proof": {"verdict": "provided"}, "case_materials": {"verdict": "provided"}}}
ONE_MISSING = {
    "materials": {"id_proof": {"verdict": "provided"}, "case_materials": {"verdict": "missing"}},
    "supplement_deadline": "2026-12-01",
}
GRANT = {"decision": "grant", "aid_form": "arbitration", "aid_scope": "追索劳动报酬仲裁"}
REFUSE = {"decision": "refuse", "refusal_ground": "no_basis", "refusal_reasons": "申请事项明显缺乏事实依据。"}
APPOINT = {"law_firm": "浙江某律师事务所", "lawyer_name": "郑律师", "lawyer_licence": "13301201810123456"}
CLOSE = {
    "outcome": "closed",
    "case_result": "won",
    "report_received_on": "2026-12-20",
    "result_summary": "仲裁支持全部请求",
}


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=clock.CHINA_TZ)


@pytest.fixture(scope="module")
def bundle() -> engine.ProcessBundle:
    return bundle_from("legal_aid", *load_sources("legal_aid"))


@pytest.fixture(autouse=True)
def friday():
    clock.freeze(at("2026-11-20"))
    yield
    clock.freeze(None)


class LaRun(Run):
    def __init__(self, bundle, **overrides):
        super().__init__(bundle, **{**BASE, **overrides})

    def fire(self, when: datetime) -> None:
        self.fire_timers_at(when)


def granted(run: LaRun, decide: str = "decide", appoint: str = "appoint") -> None:
    run.complete(decide, GRANT)
    assert run.ready() == [appoint]
    run.complete(appoint, {**APPOINT, "appointed_on": "2026-11-20"})
    assert run.ready() == ["conduct"]


def test_green_channel_wage_claim_skips_the_means_test_and_closes(bundle):
    run = LaRun(bundle)
    assert run.milestones("letter") == ["la_receipt"] and run.milestones("action") == ["record_intake_flags"]
    data = run.data
    assert (data["in_scope"], data["means_route"], data["means_reason"]) == (True, "exempt", "art42_migrant_worker")
    assert (data["green_channel"], data["priority"], data["green_due_on"], data["early_aid"]) == (
        True,
        1,
        "2026-11-20",
        False,
    )
    assert run.ready() == ["check_materials"]
    run.complete("check_materials", ALL_PROVIDED)
    assert run.ready() == ["decide_green"]  # no means test, the same-day decision task
    granted(run, "decide_green", "appoint_green")
    run.complete("conduct", CLOSE)
    assert engine.is_completed(run.workflow)
    assert run.milestones("status") == ["received", "in_review", "approved", "closed"]
    assert run.milestones("letter") == ["la_receipt", "la_grant", "la_appointment"]
    assert run.milestones("action") == ["record_intake_flags", "record_grant", "record_appointment"]


def test_green_channel_task_dues_are_the_same_day(bundle):
    run = LaRun(bundle)
    tasks = {t.name: t.properties for t in engine.ready_user_tasks(run.workflow, bundle)}
    assert tasks["check_materials"]["due_from"] == "green_due_on"
    # The overdue timer of the materials check follows the same day, not 1WD.
    assert run.timers()["b_overdue_check_materials"] == datetime.fromisoformat("2026-11-20T23:59:59+08:00")
    run.complete("check_materials", ALL_PROVIDED)
    assert run.timers()["b_overdue_decide_green"] == datetime.fromisoformat("2026-11-20T23:59:59+08:00")


def test_referral_flag_makes_any_case_green(bundle):
    run = LaRun(bundle, applicant_status="none", green_channel=True)
    assert run.data["means_route"] == "test" and run.data["green_channel"] is True
    run.complete("check_materials", ALL_PROVIDED)
    assert run.ready() == ["decide_green"]  # green channel skips the means test (MoJ green channel, §2.7)


def test_means_tested_applicant_in_hardship_is_decided_normally(bundle):
    run = LaRun(bundle, **NORMAL)
    assert run.data["green_channel"] is False and run.data["priority"] == 0 and run.data["green_due_on"] is None
    assert run.timers()["b_overdue_check_materials"] == datetime.fromisoformat("2026-11-23T23:59:59+08:00")
    run.complete("check_materials", ALL_PROVIDED)
    assert run.ready() == ["means_test"]
    run.complete(
        "means_test", {"household_size": 3, "monthly_household_income": 6000, "verification_method": "integrity_pledge"}
    )
    assert (run.data["per_capita_income"], run.data["hardship_threshold"], run.data["hardship_ok"]) == (
        2000,
        2490,
        True,
    )
    assert run.ready() == ["decide"]
    granted(run)


def test_over_the_threshold_is_refused_with_objection_route(bundle):
    run = LaRun(bundle, **NORMAL)
    run.complete("check_materials", ALL_PROVIDED)
    run.complete(
        "means_test", {"household_size": 2, "monthly_household_income": 9000, "verification_method": "info_sharing"}
    )
    assert run.data["hardship_ok"] is False
    assert run.milestones("status")[-1] == "refused" and run.milestones("letter")[-1] == "la_refusal"
    assert run.ready() == ["register_objection"]


def test_threshold_table_falls_back_for_other_regions(bundle):
    run = LaRun(bundle, means_region="330800", **NORMAL)
    run.complete("check_materials", ALL_PROVIDED)
    run.complete(
        "means_test", {"household_size": 1, "monthly_household_income": 2400, "verification_method": "info_sharing"}
    )
    assert run.data["hardship_threshold"] == 2260 and run.data["hardship_ok"] is False


def test_out_of_scope_matter_is_refused_after_the_materials_check(bundle):
    run = LaRun(bundle, matter_type="other", applicant_status="none")
    assert (run.data["in_scope"], run.data["scope_basis"]) == (False, "not_in_scope")
    run.complete("check_materials", ALL_PROVIDED)
    assert run.milestones("letter")[-1] == "la_refusal" and run.ready() == ["register_objection"]


@pytest.mark.parametrize(
    ("matter", "status", "route", "reason"),
    [
        ("domestic_violence", "none", "not_required", "art32_abuse"),
        ("bravery", "migrant_worker", "not_required", "art32_bravery"),
        ("hero_protection", "none", "not_required", "art32_hero"),
        ("retrial_compensation", "none", "not_required", "art32_retrial"),
        ("work_injury", "migrant_worker", "exempt", "art42_migrant_worker"),
        ("support_payment", "elderly_no_income", "exempt", "art42_no_income"),
        ("pension", "preferential_treatment", "exempt", "art42_assistance"),
        ("personal_injury", "migrant_worker", "test", "art41_means_test"),  # Art. 42(3) is wages / work injury only
    ],
)
def test_means_route_table_rows(bundle, matter, status, route, reason):
    run = LaRun(bundle, matter_type=matter, applicant_status=status)
    assert (run.data["means_route"], run.data["means_reason"]) == (route, reason)
    assert run.data["green_channel"] is (reason == "art42_migrant_worker")
    run.complete("check_materials", ALL_PROVIDED)
    expected = {"test": "means_test", "exempt": "decide", "not_required": "decide"}[route]
    assert run.ready() == (["decide_green"] if run.data["green_channel"] else [expected])


def test_urgent_limitation_starts_aid_before_the_decision(bundle):
    run = LaRun(bundle, limitation_deadline="2026-11-25")  # 5 days left: fewer than 7 (Art. 44)
    assert (run.data["early_aid"], run.data["early_aid_reason"]) == (True, "art44_limitation")
    assert run.ready() == ["early_aid"]
    run.complete(
        "early_aid",
        {
            "early_aid_on": "2026-11-20",
            "early_law_firm": "某所",
            "early_lawyer_name": "王律师",
            "early_measures": "已代为申请仲裁",
        },
    )
    assert run.ready() == ["check_materials"]


def test_limitation_seven_days_away_is_not_urgent_but_preservation_is(bundle):
    assert LaRun(bundle, limitation_deadline="2026-11-27").data["early_aid"] is False
    run = LaRun(bundle, preservation_needed=True)
    assert (run.data["early_aid"], run.data["early_aid_reason"]) == (True, "art44_preservation")


def test_supplement_then_supplied_resumes(bundle):
    run = LaRun(bundle, **NORMAL)
    run.complete("check_materials", ONE_MISSING)
    assert run.milestones("status")[-1] == "awaiting_applicant" and run.milestones("letter")[-1] == "la_supplement"
    assert run.ready() == ["record_supplement"]
    run.complete("record_supplement", {"supplied": "supplied", "supplied_on": "2026-11-24"})
    assert run.milestones("status")[-1] == "in_review" and run.ready() == ["means_test"]


def test_not_supplemented_by_hand_is_deemed_withdrawn(bundle):
    run = LaRun(bundle)
    run.complete("check_materials", ONE_MISSING)
    run.complete("record_supplement", {"supplied": "not_supplied"})
    assert run.milestones("status")[-1] == "withdrawn" and run.milestones("letter")[-1] == "la_withdrawn"
    assert engine.is_completed(run.workflow)


def test_supplement_deadline_timer_deems_withdrawn(bundle):
    run = LaRun(bundle)
    run.complete("check_materials", ONE_MISSING)
    assert run.timers()["b_supplement_deadline"] == datetime.fromisoformat("2026-12-01T23:59:59+08:00")
    run.fire(at("2026-12-01", 22))
    assert run.ready() == ["record_supplement"]
    run.fire(at("2026-12-02", 9))
    assert run.milestones("letter")[-1] == "la_withdrawn" and run.ready() == []


def test_refusal_upheld_on_objection(bundle):
    run = LaRun(bundle)
    run.complete("check_materials", ALL_PROVIDED)
    run.complete("decide_green", REFUSE)
    assert run.milestones("status")[-1] == "refused" and run.ready() == ["register_objection"]
    run.complete(
        "register_objection",
        {"objected": "objected", "objection_received_on": "2026-11-20", "objection_grounds": "理由"},
    )
    assert run.ready() == ["decide_objection"]
    run.complete("decide_objection", {"objection_outcome": "uphold", "objection_reasons": "原决定认定事实清楚。"})
    assert run.milestones("letter")[-1] == "la_objection_decision" and engine.is_completed(run.workflow)
    assert run.milestones("status")[-1] == "refused"


def test_objection_corrected_reopens_to_a_new_decision(bundle):
    run = LaRun(bundle, **NORMAL)
    run.complete("check_materials", ALL_PROVIDED)
    run.complete(
        "means_test", {"household_size": 3, "monthly_household_income": 3000, "verification_method": "info_sharing"}
    )
    run.complete("decide", REFUSE)
    run.complete(
        "register_objection",
        {"objected": "objected", "objection_received_on": "2026-11-20", "objection_grounds": "理由"},
    )
    run.complete("decide_objection", {"objection_outcome": "correct", "objection_reasons": "原决定理由不充分。"})
    assert run.milestones("status")[-1] == "in_review" and run.milestones("letter")[-1] == "la_objection_decision"
    assert run.data["objection_against"] == "refusal" and run.ready() == ["decide"]
    granted(run)


def test_objection_waived_and_objection_window_timer(bundle):
    run = LaRun(bundle)
    run.complete("check_materials", ALL_PROVIDED)
    run.complete("decide_green", REFUSE)
    run.complete("register_objection", {"objected": "waived"})
    assert engine.is_completed(run.workflow)
    other = LaRun(bundle)
    other.complete("check_materials", ALL_PROVIDED)
    other.complete("decide_green", REFUSE)
    assert other.timers()["b_objection_window"] == datetime.fromisoformat("2026-12-21T23:59:59+08:00")
    other.fire(at("2026-12-22"))
    assert other.ready() == [] and engine.is_completed(other.workflow)


def test_change_of_lawyer_then_termination_and_objection(bundle):
    run = LaRun(bundle)
    run.complete("check_materials", ALL_PROVIDED)
    granted(run, "decide_green", "appoint_green")
    run.complete(
        "conduct",
        {
            "outcome": "change_lawyer",
            "new_law_firm": "另一律师事务所",
            "new_lawyer_name": "钱律师",
            "change_reason": "受援人投诉",
        },
    )
    assert run.milestones("letter")[-1] == "la_change_lawyer" and run.ready() == ["conduct"]
    assert run.milestones("action")[-1] == "record_lawyer_change"
    run.complete(
        "conduct",
        {"outcome": "terminate", "termination_ground": "own_lawyer", "termination_facts": "受援人已自行委托律师"},
    )
    assert run.milestones("status")[-1] == "terminated" and run.milestones("letter")[-1] == "la_termination"
    assert run.ready() == ["register_objection"]
    run.complete(
        "register_objection",
        {"objected": "objected", "objection_received_on": "2026-11-20", "objection_grounds": "理由"},
    )
    run.complete("decide_objection", {"objection_outcome": "correct", "objection_reasons": "终止理由不成立。"})
    # A corrected termination restores the aid: the case goes back to its lawyer, not to a new decision.
    assert run.data["objection_against"] == "termination"
    assert run.milestones("status")[-3:] == ["terminated", "in_review", "approved"]
    assert run.ready() == ["conduct"]
    run.complete("conduct", CLOSE)
    assert engine.is_completed(run.workflow) and run.milestones("status")[-1] == "closed"


def test_termination_upheld_on_objection_ends_terminated(bundle):
    run = LaRun(bundle)
    run.complete("check_materials", ALL_PROVIDED)
    granted(run, "decide_green", "appoint_green")
    run.complete(
        "conduct",
        {"outcome": "terminate", "termination_ground": "fraud", "termination_facts": "受援人隐瞒收入取得援助"},
    )
    run.complete(
        "register_objection",
        {"objected": "objected", "objection_received_on": "2026-11-20", "objection_grounds": "理由"},
    )
    run.complete("decide_objection", {"objection_outcome": "uphold", "objection_reasons": "终止理由成立。"})
    assert engine.is_completed(run.workflow) and run.milestones("status")[-1] == "terminated"


def test_overdue_decision_escalates_and_the_task_stays(bundle):
    run = LaRun(bundle, **NORMAL)
    run.complete("check_materials", ALL_PROVIDED)
    run.complete(
        "means_test", {"household_size": 3, "monthly_household_income": 3000, "verification_method": "info_sharing"}
    )
    assert run.timers()["b_overdue_decide"] == datetime.fromisoformat("2026-11-24T23:59:59+08:00")  # 2WD
    run.fire(at("2026-11-25"))
    assert run.milestones("escalate") == ["overdue"] and run.ready() == ["decide"]


def test_appointment_due_three_calendar_days(bundle):
    run = LaRun(bundle, **NORMAL)
    run.complete("check_materials", ALL_PROVIDED)
    run.complete(
        "means_test", {"household_size": 3, "monthly_household_income": 3000, "verification_method": "info_sharing"}
    )
    run.complete("decide", GRANT)
    # 3CAL from Friday 11-20 is Monday 11-23 (a working day, no rollover).
    assert run.timers()["b_overdue_appoint"].astimezone(UTC) == datetime.fromisoformat("2026-11-23T15:59:59+00:00")
