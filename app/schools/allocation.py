"""The allocation round (统一派位) as a pure function: same inputs and seed → same places, on any machine.

rules.md §4.4 D-SC-2 and D-SC-3:
1. Each public school first takes the children of its own catchment (相对就近). When they are more than its
   places, they are ranked by points (descending), then by the tie-breakers — months of residence on the
   residence permit, then months of social insurance — and finally by lot.
2. The children left over, in the same ranking across the district, are offered the nearest public school that
   still has a place: schools in the child's own street first, then the others in the district's order (统筹).
3. Then a government-subsidised place in a private school (政府购买学位), in the same order.
4. A child for whom nothing is left stays waiting (the bureau assigns one by hand when places come free).

The lot is drawn with `random.Random(seed)` over the applicants in case-number order, so it does not depend on
the order the database returned them in; the round stores the seed, inputs and results (models.PlacementRound)
and `replay` runs it again.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from typing import Any

LOT_RANGE = 1_000_000  # lots are whole numbers, printed on the round's page


def new_seed() -> str:
    return secrets.token_hex(8)


def allocate(applicants: list[dict[str, Any]], schools: list[dict[str, Any]], seed: str) -> list[dict[str, Any]]:
    """applicants: {case_number, catchment (school code or None), street, points, permit_months,
    insurance_months}; schools: {code, kind ("public"/"private"), street, places (still free)}, in the district's
    order. Returns one result per applicant in ranking order: {case_number, rank, lot, school_code, kind}."""
    rng = random.Random(seed)
    lots = {a["case_number"]: rng.randrange(LOT_RANGE) for a in sorted(applicants, key=lambda a: a["case_number"])}

    def ranking(a: dict[str, Any]) -> tuple:
        return (-a["points"], -a["permit_months"], -a["insurance_months"], lots[a["case_number"]], a["case_number"])

    ranked = sorted(applicants, key=ranking)
    rank = {a["case_number"]: index for index, a in enumerate(ranked, start=1)}
    free = {s["code"]: s["places"] for s in schools}
    placed: dict[str, tuple[str, str]] = {}
    for school in schools:
        if school["kind"] != "public":
            continue
        for a in ranked:
            if a["catchment"] == school["code"] and free[school["code"]] > 0:
                placed[a["case_number"]] = (school["code"], "catchment")
                free[school["code"]] -= 1
    order = {s["code"]: index for index, s in enumerate(schools)}
    for a in ranked:
        if a["case_number"] in placed:
            continue
        for kind, wanted in (("other_public", "public"), ("private_subsidised", "private")):
            candidates = [s for s in schools if s["kind"] == wanted and free[s["code"]] > 0]
            if candidates:
                best = min(candidates, key=lambda s: (s["street"] != a["street"], order[s["code"]]))
                placed[a["case_number"]] = (best["code"], kind)
                free[best["code"]] -= 1
                break
    return [
        {
            "case_number": a["case_number"],
            "rank": rank[a["case_number"]],
            "lot": lots[a["case_number"]],
            "school_code": placed.get(a["case_number"], (None, None))[0],
            "kind": placed.get(a["case_number"], (None, "waiting"))[1],
        }
        for a in ranked
    ]


def digest(inputs: dict[str, Any], seed: str, results: list[dict[str, Any]]) -> str:
    """sha256 over what the round was given and what it decided: printed on the round page for the record."""
    blob = json.dumps({"inputs": inputs, "seed": seed, "results": results}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def replay(inputs: dict[str, Any], seed: str, results: list[dict[str, Any]]) -> bool:
    """Runs a recorded round again from its inputs and seed: True when it gives exactly the recorded places."""
    return allocate(inputs["applicants"], inputs["schools"], seed) == results
