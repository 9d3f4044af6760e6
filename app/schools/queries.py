"""Reads for the rounds pages: the rounds so far, who is waiting, and one round's ranking and places."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.cases.models import Case
from app.cases.permissions import can_view_case
from app.extensions import db
from app.schools import rounds
from app.schools.models import PlacementRound, School

KIND_LABELS_ZH = {"catchment": "学区学校", "other_public": "统筹公办", "private_subsidised": "政府购买民办学位"}


def rounds_page() -> dict[str, Any]:
    waiting = rounds.waiting_counts()
    return {
        "rounds": db.session.scalars(select(PlacementRound).order_by(PlacementRound.id.desc())).all(),
        "waiting": sorted(
            ({"school_year": y, "grade": gr, "count": n} for (y, gr), n in waiting.items()),
            key=lambda w: (w["school_year"], w["grade"]),
        ),
    }


def round_page(user: User, round_id: int) -> dict[str, Any]:
    placement_round = rounds.get_round(round_id)
    numbers = [r["case_number"] for r in placement_round.results]
    cases = {c.number: c for c in db.session.scalars(select(Case).where(Case.number.in_(numbers)))}
    schools = {s.code: s for s in db.session.scalars(select(School))}
    applicants = {a["case_number"]: a for a in placement_round.inputs["applicants"]}
    rows = []
    for result in placement_round.results:
        case = cases.get(result["case_number"])
        rows.append(
            {
                **result,
                "input": applicants[result["case_number"]],
                "case": case if case is not None and can_view_case(user, case) else None,
                "school": schools.get(result["school_code"]) if result["school_code"] else None,
                "catchment": schools.get(applicants[result["case_number"]]["catchment"] or ""),
            }
        )
    return {
        "round": placement_round,
        "rows": rows,
        "schools_in": [{**s, "school": schools.get(s["code"])} for s in placement_round.inputs["schools"]],
        "placed": sum(1 for r in placement_round.results if r["school_code"]),
    }
