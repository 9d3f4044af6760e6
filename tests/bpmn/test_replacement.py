"""Every gateway branch and decision row of the replacement process (rp_replacement), through the real engine."""

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
    "current_address": "杭州市西湖区文三路100号1幢",
    "community_code": "C0201",
    "reason": "lost",
    "old_card_returned": False,
    "loss_statement": "2026年11月在公交车上遗失",
    "received_on": "2026-11-20",
}
PRODUCED = {"identity_checked": True, "card_ready_on": "2026-11-27"}


@pytest.fixture(scope="module")
def bundle():
    return bundle_from("rp_replacement", *load_sources("rp_replacement"))


def start(bundle, **overrides) -> Run:
    run = Run.__new__(Run)
    run.bundle = bundle
    workflow, reached = engine.start(bundle, {**BASE, **overrides})
    run.reached, run.state = list(reached), engine.serialize(workflow)
    return run


def test_lost_card_is_reissued_without_waiting(bundle):
    run = start(bundle)
    assert run.milestones("letter") == ["rr_receipt"] and run.milestones("status") == ["in_review"]
    assert (run.data["replacement_kind"], run.data["await_old_card"]) == ("reissue", False)
    assert run.ready() == ["produce_card"]
    run.complete("produce_card", PRODUCED)
    assert run.milestones("action") == ["replace_card"] and run.milestones("letter") == ["rr_receipt", "rr_certificate"]
    assert run.milestones("status") == ["in_review", "approved"]


def test_damaged_card_handed_back_is_exchanged(bundle):
    run = start(bundle, reason="damaged", old_card_returned=True, loss_statement=None)
    assert (run.data["replacement_kind"], run.data["await_old_card"]) == ("exchange", False)
    assert run.ready() == ["produce_card"]


@pytest.mark.parametrize("outcome", ["returned", "declared_lost"])
def test_damaged_card_not_handed_back_waits_for_it(bundle, outcome):
    run = start(bundle, reason="damaged", old_card_returned=False, loss_statement=None)
    assert (run.data["replacement_kind"], run.data["await_old_card"]) == ("exchange", True)
    assert run.ready() == ["receive_old_card"]
    run.complete("receive_old_card", {"outcome": outcome, "received_on": "2026-11-21"})
    assert run.ready() == ["produce_card"]
    run.complete("produce_card", PRODUCED)
    assert run.milestones("action") == ["replace_card"]
