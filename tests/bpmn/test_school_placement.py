"""Every gateway branch of the school placement process and every row of D-SC-1, through the real engine."""

from __future__ import annotations

import pytest

from app.processes import engine
from tests.bpmn.conftest import Run as EngineRun
from tests.bpmn.conftest import bundle_from, load_sources

BASE = {
    "applicant_name": "李娟",
    "id_number": "511302198803120021",
    "received_on": "2026-11-20",
    "district_code": "330106",
    "child_name": "李小雨",
    "child_birth_date": "2021-05-04",
    "entry_type": "grade1",
    "school_year": 2027,
    "grade": None,
    "insurance_months": 20,
    "permit_valid": True,
    "permit_number": "330106-2024-000321",
    "permit_months": 26,
    "points_total": 0,
}
COMPLETE = {
    "materials": {
        code: {"verdict": "provided"}
        for code in ("parent_id_card", "household_register", "insurance_record", "housing_proof", "employment_proof")
    },
    "insurance_months": 20,
    "currently_paying": True,
}
MISSING = {
    **COMPLETE,
    "materials": {**COMPLETE["materials"], "housing_proof": {"verdict": "missing"}},
    "supplement_deadline": "2026-11-27",
}


class Run(EngineRun):
    BASE = BASE


@pytest.fixture(scope="module")
def school_bundle():
    return bundle_from("school_placement", *load_sources("school_placement"))


def test_eligible_child_waits_for_a_place_then_gets_the_offer(school_bundle):
    run = Run(school_bundle)
    assert run.milestones("letter") == ["sc_receipt"] and run.ready() == ["check_materials"]
    assert (run.data["child_age"], run.data["target_grade"], run.data["cutoff_date"]) == (6, 1, "2027-08-31")
    run.complete("check_materials", COMPLETE)
    assert run.data["eligible"] is True and run.data["eligibility_result"] == "eligible_conditions"
    assert run.ready() == ["assign_school"] and run.milestones("status")[-1] == "in_review"
    run.complete("assign_school", {"school_code": "XH-P01", "report_date": "2027-08-28"})
    assert run.milestones("letter")[-1] == "sc_offer" and run.milestones("action") == ["record_placement"]
    assert run.milestones("status")[-1] == "approved"
    # Then the child reports at the school: a Saturday report date + 3 working days of grace
    assert run.ready() == ["record_enrolment"] and run.data["enrolment_deadline"] == "2027-09-01"
    run.complete("record_enrolment", {"enrolment": "enrolled", "reported_on": "2027-08-28"})
    assert run.milestones("action") == ["record_placement", "record_enrolment"]
    assert engine.is_completed(run.workflow)


def offered(bundle) -> Run:
    run = Run(bundle)
    run.complete("check_materials", COMPLETE)
    run.complete("assign_school", {"school_code": "XH-P01", "report_date": "2027-08-28"})
    return run


def test_a_parent_who_gives_the_place_up_releases_it_and_the_bureau_follows_up(school_bundle):
    run = offered(school_bundle)
    run.complete("record_enrolment", {"enrolment": "declined", "enrolment_note": "全家返回原籍，孩子在老家入学"})
    assert run.milestones("action")[-1] == "release_placement" and run.ready() == ["follow_up_attendance"]
    run.complete(
        "follow_up_attendance",
        {"contacted_on": "2027-09-03", "attendance_finding": "left_district", "attendance_note": "已在原籍入学"},
    )
    assert engine.is_completed(run.workflow) and run.milestones("status")[-1] == "approved"


def test_a_child_who_does_not_report_by_the_deadline_loses_the_place(school_bundle):
    from datetime import datetime

    run = offered(school_bundle)
    assert run.timers()["b_enrolment_deadline"] == datetime.fromisoformat("2027-09-01T23:59:59+08:00")
    run.fire_timers_at(datetime.fromisoformat("2027-09-01T23:00:00+08:00"))  # not yet
    assert run.ready() == ["record_enrolment"]
    run.fire_timers_at(datetime.fromisoformat("2027-09-02T00:00:01+08:00"))
    assert run.milestones("action")[-1] == "release_placement" and run.ready() == ["follow_up_attendance"]


def test_one_supplement_then_on_to_eligibility(school_bundle):
    run = Run(school_bundle)
    run.complete("check_materials", MISSING)
    assert run.ready() == ["record_supplement"] and run.milestones("letter")[-1] == "sc_supplement"
    assert run.milestones("status")[-1] == "awaiting_applicant"
    run.complete("record_supplement", {"supplied": "supplied", "supplied_on": "2026-11-24", "insurance_months": 20})
    assert run.ready() == ["assign_school"]


def test_not_supplied_is_not_accepted(school_bundle):
    run = Run(school_bundle)
    run.complete("check_materials", MISSING)
    run.complete("record_supplement", {"supplied": "not_supplied", "insurance_months": 20})
    assert run.milestones("status")[-1] == "not_accepted" and run.milestones("letter")[-1] == "sc_not_accepted"
    assert engine.is_completed(run.workflow)


@pytest.mark.parametrize(
    ("overrides", "check", "result"),
    [
        ({"child_birth_date": "2021-09-01"}, {}, "not_age_eligible"),  # six only after 31 August 2027
        ({"permit_valid": False}, {}, "no_valid_permit"),
        ({"permit_months": 8}, {}, "residence_too_short"),
        ({}, {"insurance_months": 10}, "insurance_not_met"),
        ({}, {"currently_paying": False}, "insurance_not_met"),
    ],
)
def test_ineligible_rows_refuse_with_their_reason(school_bundle, overrides, check, result):
    run = Run(school_bundle, **overrides)
    run.complete("check_materials", {**COMPLETE, **check})
    assert run.data["eligible"] is False and run.data["eligibility_result"] == result
    assert run.milestones("letter")[-1] == "sc_refusal" and run.milestones("status")[-1] == "refused"
    assert run.ready() == ["record_recheck"] and run.data["recheck_deadline"] == "2026-11-27"  # 5 WD


def test_points_open_the_second_route(school_bundle):
    run = Run(school_bundle, permit_months=8, points_total=75)
    run.complete("check_materials", {**COMPLETE, "insurance_months": 3})
    assert run.data["eligible"] is True and run.data["eligibility_result"] == "eligible_points"


def test_age_on_the_cutoff_day_counts(school_bundle):
    run = Run(school_bundle, child_birth_date="2021-08-31")
    run.complete("check_materials", COMPLETE)
    assert run.data["eligibility_result"] == "eligible_conditions"


def test_a_transfer_needs_no_age_row_and_targets_its_grade(school_bundle):
    run = Run(school_bundle, entry_type="transfer", grade=3, child_birth_date="2018-03-01")
    assert run.data["target_grade"] == 3
    run.complete("check_materials", COMPLETE)
    assert run.ready() == ["assign_school"]


def test_recheck_overturns_and_the_child_gets_a_place(school_bundle):
    run = Run(school_bundle, permit_months=8)
    run.complete("check_materials", COMPLETE)
    run.complete("record_recheck", {"requested": "requested", "requested_on": "2026-11-23", "grounds": "居住证补录"})
    assert run.ready() == ["decide_recheck"]
    run.complete("decide_recheck", {"outcome": "overturn", "findings": "居住时间计算有误"})
    assert run.milestones("letter")[-1] == "sc_recheck_decision" and run.milestones("status")[-1] == "in_review"
    assert run.ready() == ["assign_school"]


def test_recheck_upheld_closes_refused(school_bundle):
    run = Run(school_bundle, permit_valid=False)
    run.complete("check_materials", COMPLETE)
    run.complete("record_recheck", {"requested": "requested", "requested_on": "2026-11-23", "grounds": "有居住证"})
    run.complete("decide_recheck", {"outcome": "uphold", "findings": "未持有效居住证"})
    assert run.milestones("status")[-1] == "refused" and engine.is_completed(run.workflow)


def test_declining_the_recheck_closes_the_case(school_bundle):
    run = Run(school_bundle, permit_valid=False)
    run.complete("check_materials", COMPLETE)
    run.complete("record_recheck", {"requested": "declined"})
    assert engine.is_completed(run.workflow) and run.ready() == []
