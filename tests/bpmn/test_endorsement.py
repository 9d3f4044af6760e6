"""Every gateway branch and decision row of the endorsement process (rp_endorsement), through the real engine."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core import clock
from tests.bpmn.conftest import bundle_from, load_sources
from tests.bpmn.test_residence_permit import Run

BASE = {
    "permit_number": "33010620260000001",
    "applicant_name": "王芳",
    "id_number": "341202199005040021",
    "phone": "13800138000",
    "current_address": "杭州市西湖区文三路100号1幢",
    "community_code": "C0201",
    "basis": "stable_job",
    "received_on": "2027-10-26",
    "anniversary": "2027-11-25",
    "permit_status": "endorsement_due",
}
VISIT = {
    "resides": True,
    "basis_held": "stable_job",
    "visit_date": "2027-10-27",
    "observations": "入户核查，仍在此居住",
}


@pytest.fixture(scope="module")
def bundle():
    return bundle_from("rp_endorsement", *load_sources("rp_endorsement"))


@pytest.fixture()
def on(monkeypatch):
    """Moves Anju's clock (the script's today()) to a China-time date."""

    def move(day: str) -> None:
        clock.freeze(datetime.fromisoformat(f"{day}T10:00:00+08:00"))

    yield move
    clock.freeze(None)


def endorsement(bundle, **overrides) -> Run:
    run = Run.__new__(Run)
    from app.processes import engine

    run.bundle = bundle
    workflow, reached = engine.start(bundle, {**BASE, **overrides})
    run.reached, run.state = list(reached), engine.serialize(workflow)
    return run


def test_on_time_endorsement_keeps_the_permit_active(bundle, on):
    on("2027-10-28")
    run = endorsement(bundle)
    assert run.milestones("status") == ["in_review"] and run.ready() == ["check_residence"]
    run.complete("check_residence", VISIT)
    assert (run.data["conditions_met"], run.data["condition_finding"]) == (True, "")
    assert run.ready() == ["decide_endorsement"]
    run.complete("decide_endorsement", {"decision": "endorse"})
    assert run.data["late"] is False and run.data["permit_state"] == "active"
    assert run.milestones("status") == ["in_review", "approved"]
    assert run.milestones("action") == ["endorse_permit"] and run.milestones("letter") == ["re_endorsement"]
    assert [r.name for r in run.reached if "action" in r.properties] == ["ev_endorsed"]


def test_endorsement_on_the_anniversary_is_late_and_restores(bundle, on):
    on("2027-10-28")
    run = endorsement(bundle)
    run.complete("check_residence", VISIT)
    on("2027-11-25")  # the anniversary itself: the permit is suspended from this day (D-RP-4)
    run.complete("decide_endorsement", {"decision": "endorse"})
    assert run.data["late"] is True and run.data["permit_state"] == "restored"
    assert [r.name for r in run.reached if "action" in r.properties] == ["ev_restored"]
    assert run.milestones("letter") == ["re_endorsement"] and run.milestones("status")[-1] == "approved"


def test_day_before_the_anniversary_is_still_on_time(bundle, on):
    on("2027-11-24")
    run = endorsement(bundle)
    run.complete("check_residence", VISIT)
    run.complete("decide_endorsement", {"decision": "endorse"})
    assert run.data["permit_state"] == "active"


@pytest.mark.parametrize(
    ("visit", "finding"),
    [
        ({"resides": False, "basis_held": "stable_job"}, "no_longer_resides"),
        ({"resides": True, "basis_held": "none"}, "no_qualifying_condition"),
        ({"resides": False, "basis_held": "none"}, "no_longer_resides"),  # FIRST: residence is checked first
    ],
)
def test_refusal_terminates_with_letter(bundle, on, visit, finding):
    on("2027-10-28")
    run = endorsement(bundle)
    run.complete("check_residence", {**VISIT, **visit})
    assert (run.data["conditions_met"], run.data["condition_finding"]) == (False, finding)
    run.complete("decide_endorsement", {"decision": "refuse", "refusal_reasons": "经核查，持证人已离开本市。"})
    assert run.data["permit_state"] == "terminated"
    assert run.milestones("status") == ["in_review", "refused"]
    assert run.milestones("action") == ["terminate_permit"] and run.milestones("letter") == ["re_refusal"]


def test_refusal_after_the_anniversary_still_terminates(bundle, on):
    on("2027-12-20")
    run = endorsement(bundle, permit_status="suspended")
    run.complete("check_residence", VISIT)
    run.complete("decide_endorsement", {"decision": "refuse", "refusal_reasons": "持证人已不再在本区居住。"})
    assert run.data["permit_state"] == "terminated" and run.milestones("action") == ["terminate_permit"]


def test_overdue_tasks_escalate(bundle, on):
    from app.processes import engine

    on("2027-10-28")
    run = endorsement(bundle)
    timers = engine.pending_timers(run.workflow)
    assert [t.element_id for t in timers] == ["b_overdue_check_residence"]
    workflow = run.workflow
    reached = engine.fire_due_timers(workflow, bundle, now=datetime.fromisoformat("2027-11-10T10:00:00+08:00"))
    assert [r.properties.get("escalate") for r in reached if r.properties.get("escalate")] == ["overdue"]
    assert [t.name for t in engine.ready_user_tasks(workflow, bundle)] == ["check_residence"]  # non-interrupting
