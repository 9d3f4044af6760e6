"""Every gateway branch and every decision row of the residence permit process, through the real engine."""

from __future__ import annotations

import pytest

from app.processes import engine
from tests.bpmn.conftest import Run as EngineRun
from tests.bpmn.conftest import bundle_from, load_sources

BASE = {
    "applicant_name": "王芳",
    "birth_date": "1990-05-04",
    "received_on": "2026-11-20",
    "residence_registered_on": "2026-01-10",
    "basis": "stable_job",
    "agent_name": None,
    "mobility_impaired": False,
    "purpose_of_stay": "work",
    "special_talent": False,
}
ALL_PROVIDED = {"materials": {"id_card": {"verdict": "provided"}, "proof_of_address": {"verdict": "provided"}}}
ONE_MISSING = {
    "materials": {"id_card": {"verdict": "provided"}, "proof_of_address": {"verdict": "missing"}},
    "supplement_deadline": "2026-12-01",
}


class Run(EngineRun):
    BASE = BASE


def test_happy_path_issues_permit_with_one_year_validity(permit_bundle):
    run = Run(permit_bundle)
    assert run.milestones("letter") == ["rp_receipt"] and run.ready() == ["check_materials"]
    assert (run.data["eligible"], run.data["eligibility_basis"], run.data["applicant_mode"]) == (
        True,
        "stable_job",
        "self",
    )
    run.complete("check_materials", ALL_PROVIDED)
    assert run.ready() == ["verify_residence"]
    run.complete("verify_residence", {"lives_at_address": True, "observations": "住址属实"})
    assert run.ready() == ["approve"]
    run.complete("approve", {"decision": "approve", "issue_date": "2026-11-25"})
    assert run.ready() == [] and engine.is_completed(run.workflow)
    assert run.milestones("status") == ["received", "in_review", "approved"]
    assert run.milestones("letter") == ["rp_receipt", "rp_approval"] and run.milestones("action") == ["issue_permit"]
    # One year of validity; endorsement due in the month before the anniversary (Decree 663 Art. 10).
    assert run.data["valid_until"] == "2027-11-24" and run.data["endorsement_window_start"] == "2027-10-25"


def test_police_refusal(permit_bundle):
    run = Run(permit_bundle)
    run.complete("check_materials", ALL_PROVIDED)
    run.complete("verify_residence", {"lives_at_address": False, "observations": "查无此人"})
    run.complete("approve", {"decision": "refuse", "refusal_reasons": "不在申报地址居住"})
    assert run.milestones("status")[-1] == "refused" and run.milestones("letter")[-1] == "rp_refusal"
    assert engine.is_completed(run.workflow)


def test_missing_materials_then_supplied_continues_to_verification(permit_bundle):
    run = Run(permit_bundle)
    run.complete("check_materials", ONE_MISSING)
    assert run.ready() == ["record_supplement"]
    assert run.milestones("status") == ["received", "awaiting_applicant"]
    assert run.milestones("letter") == ["rp_receipt", "rp_supplement"]
    run.complete("record_supplement", {"supplied": "supplied", "supplied_on": "2026-11-28"})
    assert run.ready() == ["verify_residence"] and run.milestones("status")[-1] == "in_review"


def test_missing_materials_not_supplied_is_not_accepted(permit_bundle):
    run = Run(permit_bundle)
    run.complete("check_materials", ONE_MISSING)
    run.complete("record_supplement", {"supplied": "not_supplied"})
    assert run.milestones("status")[-1] == "not_accepted" and run.milestones("letter")[-1] == "rp_not_accepted"
    assert engine.is_completed(run.workflow)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"residence_registered_on": "2026-06-01"}, "residence_under_six_months"),
        ({"basis": None}, "no_qualifying_condition"),
    ],
)
def test_ineligible_is_refused_with_reason(permit_bundle, overrides, reason):
    run = Run(permit_bundle, **overrides)
    assert run.data["eligible"] is False and run.data["ineligible_reason"] == reason
    run.complete("check_materials", ALL_PROVIDED)
    assert run.milestones("status")[-1] == "refused" and run.milestones("letter")[-1] == "rp_refusal"
    assert run.ready() == []


def test_special_talent_row_makes_short_residence_eligible(permit_bundle):
    run = Run(permit_bundle, residence_registered_on="2026-10-01", special_talent=True)
    assert run.data["eligible"] is True and run.data["eligibility_basis"] == "special_talent"


@pytest.mark.parametrize(
    ("overrides", "mode"),
    [
        ({"birth_date": "2015-03-01", "agent_name": "王大明"}, "agent_required"),
        ({"mobility_impaired": True}, "agent_allowed"),
        ({}, "self"),
    ],
)
def test_proxy_rule_d_rp_2(permit_bundle, overrides, mode):
    assert Run(permit_bundle, **overrides).data["applicant_mode"] == mode


@pytest.mark.parametrize(
    ("overrides", "policy"),
    [
        ({"birth_date": "1950-01-01"}, "on_request"),
        ({"purpose_of_stay": "medical"}, "on_request"),
        ({"birth_date": "2012-01-01"}, "on_request"),
        ({}, "issue"),
    ],
)
def test_issue_policy_d_rp_3(permit_bundle, overrides, policy):
    assert Run(permit_bundle, **overrides).data["issue_policy"] == policy


def test_issue_policy_is_configurable_not_issued_refuses():
    """D-RP-3 is a local table: a district that sets an output to not_issued gets a refusal, no code change."""
    bpmn, dmn = load_sources("residence_permit")
    dmn["rp_issue_policy.dmn"] = dmn["rp_issue_policy.dmn"].replace(
        '<outputEntry id="rule_rp_issue_policy_2_out0"><text>"on_request"</text>',
        '<outputEntry id="rule_rp_issue_policy_2_out0"><text>"not_issued"</text>',
    )
    run = Run(bundle_from("residence_permit", bpmn, dmn), purpose_of_stay="medical")
    assert run.data["issue_policy"] == "not_issued"
    run.complete("check_materials", ALL_PROVIDED)
    assert run.milestones("status")[-1] == "refused"


def test_completing_a_task_twice_is_refused(permit_bundle):
    run = Run(permit_bundle)
    workflow = run.workflow
    task = engine.ready_user_tasks(workflow, permit_bundle)[0]
    engine.complete_user_task(workflow, permit_bundle, task.id, ALL_PROVIDED)
    with pytest.raises(engine.TaskNotReady):
        engine.complete_user_task(workflow, permit_bundle, task.id, ALL_PROVIDED)


def test_saved_state_does_not_contain_the_spec(permit_bundle):
    run = Run(permit_bundle)
    assert '"spec"' not in run.state[:200] and "task_specs" not in run.state
    assert len(run.state) < 12_000
