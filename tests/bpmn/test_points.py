"""Every branch of the points assessment and every band of the points table, through the real engine."""

from __future__ import annotations

import pytest

from app.processes import engine
from tests.bpmn.conftest import bundle_from, load_sources

DECLARED = {
    "applicant_name": "赵磊",
    "id_number": "341202199003150315",
    "received_on": "2026-11-20",
    "permit_valid": True,
    "permit_number": "330106-2024-000123",
    "residence_years": 3,
    "education": "bachelor",
    "skill": "none",
    "insurance_months": 30,
    "volunteer_hours": 120,
    "award_level": "none",
    "penalty": "none",
}
VERIFIED = {
    "materials": {"id_card": {"verdict": "provided"}},
    "education": "associate",  # the certificate shows a lower degree than declared
    "skill": "none",
    "insurance_months": 30,
    "volunteer_hours": 120,
    "award_level": "none",
    "penalty": "none",
}


@pytest.fixture(scope="module")
def points_bundle():
    return bundle_from("points_assessment", *load_sources("points_assessment"))


def run(bundle, start: dict, verified: dict | None = None):
    workflow, reached = engine.start(bundle, start)
    state = engine.serialize(workflow)
    if verified is not None:
        workflow = engine.deserialize(state, bundle)
        (task,) = engine.ready_user_tasks(workflow, bundle)
        assert task.name == "verify_items"
        reached += engine.complete_user_task(workflow, bundle, task.id, verified)
    return workflow, reached


def milestones(reached, key):
    return [r.properties[key] for r in reached if key in r.properties]


def test_a_holder_is_scored_on_the_verified_values_with_every_item(points_bundle):
    workflow, reached = run(points_bundle, DECLARED, VERIFIED)
    data = engine.workflow_data(workflow)
    assert engine.is_completed(workflow)
    items = dict(zip(data["pt_item"], data["pt_points"], strict=True))
    # 3 years × 2; 30 months → 2 full years × 3; associate 10 (not the declared bachelor 20); 120 h → 2.
    assert items == {
        "residence": 6,
        "insurance": 6,
        "education": 10,
        "skill": 0,
        "volunteer": 2,
        "awards": 0,
        "penalty": 0,
    }
    assert data["points_total"] == 24 and data["points_count"] == 7
    assert milestones(reached, "letter") == ["pt_receipt", "pt_result"]
    assert milestones(reached, "action") == ["record_points"] and milestones(reached, "status")[-1] == "approved"


def test_without_a_valid_permit_points_are_refused(points_bundle):
    workflow, reached = run(points_bundle, {**DECLARED, "permit_valid": False, "permit_number": None})
    assert engine.is_completed(workflow)
    assert milestones(reached, "status") == ["received", "refused"]
    assert milestones(reached, "letter") == ["pt_receipt", "pt_refusal"]


@pytest.mark.parametrize(
    ("change", "item", "points"),
    [
        ({"residence_years": 0}, "residence", 0),
        ({"residence_years": 14}, "residence", 20),  # capped
        ({"insurance_months": 11}, "insurance", 0),
        ({"insurance_months": 200}, "insurance", 30),
        ({"education": "none"}, "education", 0),
        ({"education": "senior_secondary"}, "education", 5),
        ({"education": "master"}, "education", 25),
        ({"education": "doctorate"}, "education", 30),
        ({"skill": "junior_worker"}, "skill", 5),
        ({"skill": "intermediate_worker"}, "skill", 10),
        ({"skill": "senior_worker"}, "skill", 15),
        ({"skill": "technician"}, "skill", 20),
        ({"skill": "senior_technician"}, "skill", 30),
        ({"volunteer_hours": 49}, "volunteer", 0),
        ({"volunteer_hours": 1000}, "volunteer", 5),
        ({"award_level": "district"}, "awards", 2),
        ({"award_level": "city"}, "awards", 5),
        ({"award_level": "provincial"}, "awards", 10),
        ({"award_level": "national"}, "awards", 20),
        ({"penalty": "dishonest"}, "penalty", -10),
        ({"penalty": "detention"}, "penalty", -20),
        ({"penalty": "criminal"}, "penalty", -50),
    ],
)
def test_every_band_of_the_points_table(points_bundle, change, item, points):
    verified = {**VERIFIED, **{k: v for k, v in change.items() if k != "residence_years"}}
    start = {**DECLARED, **({"residence_years": change["residence_years"]} if "residence_years" in change else {})}
    workflow, _reached = run(points_bundle, start, verified)
    data = engine.workflow_data(workflow)
    assert data["pt_item"].count(item) == 1  # one row per item: the bands do not overlap
    assert dict(zip(data["pt_item"], data["pt_points"], strict=True))[item] == points
    assert data["points_total"] == sum(data["pt_points"])
