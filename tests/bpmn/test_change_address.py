"""Every gateway branch and decision row of the change-of-address process (rp_change_address), real engine."""

from __future__ import annotations

import pytest

from app.processes import engine
from tests.bpmn.conftest import bundle_from, load_sources
from tests.bpmn.test_residence_permit import Run

BASE = {
    "permit_number": "33010620260000001",
    "applicant_name": "王芳",
    "id_number": "341202199005040021",
    "phone": "13800138000",
    "previous_address": "杭州市西湖区文三路100号1幢",
    "current_address": "杭州市西湖区翠苑路8号3幢201室",
    "community_code": "C0302",
    "moved_on": "2026-11-02",
    "received_on": "2026-11-10",
}
CHECK = {"lives_at_new_address": True, "visit_date": "2026-11-12", "observations": "入户核查，已在新址居住"}


@pytest.fixture(scope="module")
def bundle():
    return bundle_from("rp_change_address", *load_sources("rp_change_address"))


def start(bundle, **overrides) -> Run:
    run = Run.__new__(Run)
    run.bundle = bundle
    workflow, reached = engine.start(bundle, {**BASE, **overrides})
    run.reached, run.state = list(reached), engine.serialize(workflow)
    return run


def test_confirmed_move_changes_the_address(bundle):
    run = start(bundle)
    assert run.milestones("letter") == ["rc_receipt"] and run.ready() == ["check_new_address"]
    assert (run.data["report_deadline"], run.data["late_report"], run.data["timeliness"]) == (
        "2026-11-12",
        False,
        "on_time",
    )
    run.complete("check_new_address", CHECK)
    assert run.milestones("status") == ["in_review", "approved"]
    assert run.milestones("action") == ["change_address"] and run.milestones("letter") == [
        "rc_receipt",
        "rc_certificate",
    ]


def test_not_living_there_is_refused(bundle):
    run = start(bundle)
    run.complete(
        "check_new_address", {**CHECK, "lives_at_new_address": False, "observations": "新址无人居住，房东称未出租"}
    )
    assert run.milestones("status") == ["in_review", "refused"]
    assert run.milestones("action") == [] and run.milestones("letter") == ["rc_receipt", "rc_refusal"]


def test_late_report_is_still_registered_and_marked_late(bundle):
    run = start(bundle, moved_on="2026-10-20")  # ten days end Fri 2026-10-30
    assert (run.data["report_deadline"], run.data["late_report"], run.data["timeliness"]) == (
        "2026-10-30",
        True,
        "late",
    )
    run.complete("check_new_address", CHECK)
    assert run.milestones("action") == ["change_address"]


def test_the_ten_days_end_on_a_working_day(bundle):
    # Moved 2026-09-21: the tenth day is Thu 2026-10-01, National Day (Oct 1–7 off) → Thu 2026-10-08.
    run = start(bundle, moved_on="2026-09-21", received_on="2026-10-08")
    assert (run.data["report_deadline"], run.data["timeliness"]) == ("2026-10-08", "on_time")
