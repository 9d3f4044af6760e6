"""Test data builders: valid inputs by default, override what a test is about."""

from __future__ import annotations

import itertools
import random
from datetime import date

from app.demo_cases import application

# Each form is a different person unless a test asks for one (two open cases of one person are a duplicate).
_seeds = itertools.count(1000)


def permit_form(
    community: str = "C0201",
    *,
    today: date = date(2026, 11, 20),
    minor: bool = False,
    short_residence: bool = False,
    seed: int | None = None,
    **overrides,
) -> dict:
    seed = next(_seeds) if seed is None else seed
    form = application(random.Random(seed), community, today=today, short_residence=short_residence, minor=minor)
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def materials(*missing: str, deadline: str = "2026-12-04") -> dict:
    form = {
        f"materials.{code}.verdict": "provided"
        for code in (
            "id_card",
            "proof_of_address",
            "proof_of_employment",
            "proof_of_study",
            "agent_id_card",
            "guardianship_proof",
        )
    }
    form["materials.photo.verdict"] = "not_applicable"
    for code in missing:
        form[f"materials.{code}.verdict"] = "missing"
    if missing:
        form["supplement_deadline"] = deadline
    return form
