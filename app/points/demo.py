"""Demo points cases, driven through the real services with the clock moved back (app/demo.py).

`assess` is also what the school-placement demo uses to give some parents points before they apply.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from app.accounts.models import OrgUnit, User
from app.cases import service as cases
from app.cases.models import Case
from app.core import clock
from app.demo import moment
from app.demo_cases import _do

DECLARED = {
    "education": "associate",
    "skill": "intermediate_worker",
    "insurance_months": 30,
    "volunteer_hours": 60,
    "award_level": "none",
    "penalty": "none",
}


def points_form(holder: dict[str, Any], **declared: Any) -> dict[str, Any]:
    """The window's points application for a permit holder (their application form's personal fields)."""
    return {
        **{k: holder[k] for k in ("applicant_name", "id_number", "phone", "current_address", "community_code")},
        **DECLARED,
        **{k: str(v) for k, v in declared.items()},
        "insurance_months": str(declared.get("insurance_months", DECLARED["insurance_months"])),
        "volunteer_hours": str(declared.get("volunteer_hours", DECLARED["volunteer_hours"])),
        "declaration": "true",
    }


def assess(users: dict[str, User], form: dict[str, Any], *, days_ago: float, verify: bool = True) -> Case:
    """Opens a points case at the window `days_ago` days back and, if `verify`, checks it the same day."""
    clock.freeze(moment(days_ago))
    case, _code = cases.open_case(service="points_assessment", form=form, actor=users["window1"], locale="zh")
    if verify:
        clock.freeze(moment(days_ago - 0.1))
        verified = {
            k: form[k] for k in ("education", "skill", "insurance_months", "volunteer_hours", "award_level", "penalty")
        }
        verdicts = {"materials.id_card.verdict": "provided", "materials.credit_report.verdict": "provided"}
        for code, key, none in (
            ("education_certificate", "education", "none"),
            ("skill_certificate", "skill", "none"),
            ("insurance_record", "insurance_months", "0"),
            ("volunteer_record", "volunteer_hours", "0"),
            ("award_certificate", "award_level", "none"),
        ):
            if str(form[key]) != none:
                verdicts[f"materials.{code}.verdict"] = "provided"
        _do(case.id, users["window2"], {**verified, **verdicts, "verification_note": "证明材料与申报一致。"})
    return case


def seed(units: dict[str, OrgUnit], users: dict[str, User], rng: random.Random) -> None:
    """Points cases in the states the school demo does not already leave: one waiting to be checked, one
    refused for want of a valid permit. (The school demo assesses the parents it needs points for.)"""
    from app.schools.demo import permit_holder

    clock.freeze(None)
    holder = permit_holder(units, users, rng, community="C0201", issued_on=clock.today() - timedelta(days=120))
    assess(users, points_form(holder, education="bachelor", award_level="district"), days_ago=1, verify=False)
    stranger = {
        "applicant_name": "周敏",
        "id_number": holder["id_number"][:6] + "19920304" + holder["id_number"][14:17],
        "phone": "13957001234",
        "current_address": "杭州市西湖区文一路88号3幢",
        "community_code": "C0202",
    }
    from stdnum.cn import ric

    stranger["id_number"] = stranger["id_number"] + ric.calc_check_digit(stranger["id_number"] + "0")
    assess(users, points_form(stranger), days_ago=3, verify=False)
    clock.freeze(None)
