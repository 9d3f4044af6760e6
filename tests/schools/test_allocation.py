"""The allocation round as a pure function: catchment first by points and tie-breakers, then the nearest public
school, then a subsidised private place; the same seed and inputs always give the same places."""

from __future__ import annotations

import random

from app.schools import allocation


def applicant(number, catchment, street="S01", points=0, months=12, insurance=12):
    return {
        "case_number": number,
        "catchment": catchment,
        "street": street,
        "points": points,
        "permit_months": months,
        "insurance_months": insurance,
    }


SCHOOLS = [
    {"code": "A", "kind": "public", "street": "S01", "places": 2},
    {"code": "B", "kind": "public", "street": "S02", "places": 1},
    {"code": "C", "kind": "public", "street": "S01", "places": 1},
    {"code": "P", "kind": "private", "street": "S03", "places": 1},
]


def places(results):
    return {r["case_number"]: (r["school_code"], r["kind"]) for r in results}


def test_points_then_residence_then_insurance_rank_the_catchment():
    applicants = [
        applicant("SC-1", "A", points=0, months=30),
        applicant("SC-2", "A", points=60),
        applicant("SC-3", "A", points=0, months=30, insurance=40),
        applicant("SC-4", "A", points=0, months=12),
    ]
    result = allocation.allocate(applicants, SCHOOLS, "seed")
    assert [r["case_number"] for r in result] == ["SC-2", "SC-3", "SC-1", "SC-4"]
    got = places(result)
    assert got["SC-2"] == ("A", "catchment") and got["SC-3"] == ("A", "catchment")
    # The rest go to a public school in their own street first (C, street S01), then elsewhere (B).
    assert got["SC-1"] == ("C", "other_public") and got["SC-4"] == ("B", "other_public")


def test_when_public_places_run_out_a_subsidised_private_place_then_waiting():
    applicants = [applicant(f"SC-{i}", "A") for i in range(7)]
    got = places(allocation.allocate(applicants, SCHOOLS, "x"))
    kinds = sorted(kind for _school, kind in got.values())
    assert kinds == [
        "catchment",
        "catchment",
        "other_public",
        "other_public",
        "private_subsidised",
        "waiting",
        "waiting",
    ]
    assert sum(1 for school, _kind in got.values() if school is None) == 2


def test_own_catchment_children_come_before_overflow_from_elsewhere():
    applicants = [
        applicant("SC-1", "A", points=90),
        applicant("SC-2", "A", points=80),
        applicant("SC-3", "A", points=70),
    ]
    applicants.append(applicant("SC-9", "B", street="S02", points=0))
    got = places(allocation.allocate(applicants, SCHOOLS, "s"))
    assert got["SC-9"] == ("B", "catchment")  # B's own child keeps B, although SC-3 has more points
    assert got["SC-3"] == ("C", "other_public")


def test_ties_are_broken_by_lot_and_the_same_seed_gives_the_same_result_in_any_input_order():
    applicants = [applicant(f"SC-{i:02d}", "A") for i in range(12)]
    first = allocation.allocate(applicants, SCHOOLS, "20261129")
    shuffled = applicants[:]
    random.Random(1).shuffle(shuffled)
    assert allocation.allocate(shuffled, SCHOOLS, "20261129") == first
    other = allocation.allocate(applicants, SCHOOLS, "another seed")
    assert [r["case_number"] for r in other] != [r["case_number"] for r in first]
    assert allocation.replay({"applicants": applicants, "schools": SCHOOLS}, "20261129", first)
    tampered = [dict(r) for r in first]
    tampered[0]["school_code"], tampered[-1]["school_code"] = tampered[-1]["school_code"], tampered[0]["school_code"]
    assert not allocation.replay({"applicants": applicants, "schools": SCHOOLS}, "20261129", tampered)


def test_digest_changes_with_anything_recorded():
    inputs = {"applicants": [applicant("SC-1", "A")], "schools": SCHOOLS}
    results = allocation.allocate(inputs["applicants"], SCHOOLS, "a")
    assert allocation.digest(inputs, "a", results) != allocation.digest(inputs, "b", results)
