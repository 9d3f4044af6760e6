"""School placement (随迁子女入学): what the process reads from Anju's records, the place it records, letter facts.

The process (bpmn/school_placement.bpmn) decides when; this module says what: at intake the parent's residence
permit and points are looked up (never typed), and the milestone `record_placement` gives the child the place
the `assign_school` task named — checked against the school's places for that grade and year under a row lock,
so two caseworkers, or a caseworker and an allocation round, can never give away the same last place.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case
from app.cases.outcomes import missing_material_facts
from app.core.clock import today, utcnow
from app.core.errors import ValidationFailed
from app.extensions import db
from app.forms import sources
from app.permits.queries import holder_permit_facts
from app.points.service import points_total
from app.schools.models import (
    HOLDS_PLACE,
    PlacementKind,
    School,
    SchoolCapacity,
    SchoolCatchment,
    SchoolKind,
    SchoolPlacement,
)

# Set by an allocation round while it completes its cases' tasks: case id → {"round_id", "rank"}.
_ROUND: contextvars.ContextVar[dict[int, dict[str, int]] | None] = contextvars.ContextVar("round", default=None)


def start_data(data: dict[str, Any]) -> dict[str, Any]:
    """Facts the process reads when the case starts: the parent's permit and points, the district's parameters."""
    on = today()
    return {
        **holder_permit_facts(data["id_number"], on),
        "points_total": points_total(data["id_number"], on),
        "district_code": current_app.config["DISTRICT_CODE"],
        "grade": data.get("grade"),
    }


def target_grade(application: dict[str, Any]) -> int:
    return 1 if application.get("entry_type") == "grade1" else int(application.get("grade") or 1)


def school_choices() -> list[dict[str, Any]]:
    """The `schools` options source: every active school, public ones first."""
    schools = sorted(
        db.session.scalars(select(School).where(School.active.is_(True))),
        key=lambda s: (s.kind != SchoolKind.PUBLIC, s.code),
    )
    return [
        {
            "value": s.code,
            "label": {
                "zh": f"{s.name_zh}（{'公办' if s.kind == SchoolKind.PUBLIC else '民办·政府购买学位'}）",
                "en": f"{s.name_en} ({'public' if s.kind == SchoolKind.PUBLIC else 'private, subsidised place'})",
            },
        }
        for s in schools
    ]


sources.register("schools", school_choices)


def catchment_school(community_id: int) -> School | None:
    row = db.session.get(SchoolCatchment, community_id)
    return row.school if row is not None else None


def lock_capacity(school_id: int, school_year: int, grade: int) -> SchoolCapacity | None:
    return db.session.scalar(
        select(SchoolCapacity)
        .where(
            SchoolCapacity.school_id == school_id,
            SchoolCapacity.school_year == school_year,
            SchoolCapacity.grade == grade,
        )
        .with_for_update()
    )


def places_taken(school_id: int, school_year: int, grade: int) -> int:
    return db.session.scalar(
        select(func.count(SchoolPlacement.id)).where(
            SchoolPlacement.school_id == school_id,
            SchoolPlacement.school_year == school_year,
            SchoolPlacement.grade == grade,
            HOLDS_PLACE,
        )
    )


@contextmanager
def placing_by_round(placements: dict[int, dict[str, int]]) -> Iterator[None]:
    """While a round completes its cases' tasks, record_placement notes the round and each child's rank."""
    token = _ROUND.set(placements)
    try:
        yield
    finally:
        _ROUND.reset(token)


def record_placement(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """The milestone `record_placement`: the child gets the school the task named, if it still has a place."""
    application = case.data.get("application", {})
    school_year, grade = int(application["school_year"]), target_grade(application)
    school = db.session.scalar(select(School).where(School.code == data["school_code"], School.active.is_(True)))
    if school is None:
        raise ValidationFailed({"school_code": [_("Choose a school from the list.")]})
    capacity = lock_capacity(school.id, school_year, grade)
    if capacity is None:
        raise ValidationFailed(
            {
                "school_code": [
                    _(
                        "%(school)s offers no places in grade %(grade)s for %(year)s.",
                        school=school.name_zh,
                        grade=grade,
                        year=school_year,
                    )
                ]
            }
        )
    if places_taken(school.id, school_year, grade) >= capacity.places:
        raise ValidationFailed(
            {
                "school_code": [
                    _(
                        "%(school)s has no place left in grade %(grade)s for %(year)s.",
                        school=school.name_zh,
                        grade=grade,
                        year=school_year,
                    )
                ]
            }
        )
    catchment = catchment_school(case.community_id)
    if catchment is not None and catchment.id == school.id:
        kind = PlacementKind.CATCHMENT
    elif school.kind == SchoolKind.PUBLIC:
        kind = PlacementKind.OTHER_PUBLIC
    else:
        kind = PlacementKind.PRIVATE_SUBSIDISED
    by_round = (_ROUND.get() or {}).get(case.id, {})
    db.session.add(
        SchoolPlacement(
            case_id=case.id,
            school_id=school.id,
            school_year=school_year,
            grade=grade,
            kind=kind,
            report_date=date.fromisoformat(data["report_date"]),
            round_id=by_round.get("round_id"),
            rank=by_round.get("rank"),
        )
    )
    case.data = {
        **case.data,
        "placement": {
            "school_code": school.code,
            "school_name": school.name_zh,
            "school_address": school.address,
            "school_phone": school.phone,
            "report_place": school.report_place,
            "report_date": data["report_date"],
            "kind": str(kind),
            "catchment_school": catchment.name_zh if catchment is not None else None,
            "school_year": school_year,
            "grade": grade,
            "round_id": by_round.get("round_id"),
        },
    }


def _placement_of(case: Case) -> SchoolPlacement:
    placement = db.session.scalar(select(SchoolPlacement).where(SchoolPlacement.case_id == case.id))
    if placement is None:  # the process only reaches these milestones after record_placement
        raise ValidationFailed({"enrolment": [_("This case holds no school place.")]})
    return placement


def record_enrolment(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """The milestone `record_enrolment`: the child reported at the school (报到) on the day the task gave."""
    placement = _placement_of(case)
    placement.enrolled_on = date.fromisoformat(data["reported_on"])
    school = placement.school
    record(
        case,
        EventKind.PLACE_CHANGED,
        actor=actor,
        change="enrolled",
        title=school.name_zh,
        title_en=school.name_en,
        on=data["reported_on"],
    )
    case.data = {
        **case.data,
        "placement": {
            **case.data.get("placement", {}),
            "enrolled_on": data["reported_on"],
            "student_number": (data.get("student_number") or "").strip() or None,
        },
    }


def release_placement(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """The milestone `release_placement`: the parent gave the place up, or the child did not report by the
    deadline (the boundary timer; no actor). The place goes back to the school at once: every count of places
    given leaves released rows out, so the next allocation round or caseworker can give it to a waiting child."""
    placement = _placement_of(case)
    reason = "declined" if data.get("enrolment") == "declined" else "not_reported"
    placement.released_at, placement.release_reason = utcnow(), reason
    school = placement.school
    record(case, EventKind.PLACE_CHANGED, actor=actor, change=reason, title=school.name_zh, title_en=school.name_en)
    case.data = {**case.data, "placement": {**case.data.get("placement", {}), "released": reason}}


# ---------------------------------------------------------------- letter facts


def decision_facts(case: Case, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    application = case.data.get("application", {})
    facts: dict[str, Any] = {
        "child": {
            "name": application.get("child_name"),
            "id_number": application.get("child_id_number"),
            "birth_date": application.get("child_birth_date"),
        },
        "relationship": application.get("relationship"),
        "entry_type": application.get("entry_type"),
        "school_year": application.get("school_year"),
        "grade": target_grade(application),
        "permit_number": data.get("permit_number"),
    }
    if kind in ("sc_supplement", "sc_not_accepted"):
        facts.update(missing_material_facts(case))
    elif kind == "sc_refusal":
        facts.update(
            eligibility_result=data.get("eligibility_result"),
            child_age=data.get("child_age"),
            cutoff_date=data.get("cutoff_date"),
            min_age=data.get("min_age"),
            permit_status=data.get("permit_status"),
            permit_months=data.get("permit_months"),
            min_permit_months=data.get("min_permit_months"),
            insurance_months=data.get("insurance_months"),
            currently_paying=data.get("currently_paying"),
            min_insurance_months=data.get("min_insurance_months"),
            points_total=data.get("points_total"),
            points_threshold=data.get("points_threshold"),
            recheck_deadline=data.get("recheck_deadline"),
        )
    elif kind == "sc_recheck_decision":
        request = case.data.get("record_recheck", {})
        facts.update(
            outcome=data.get("outcome"),
            findings=data.get("findings"),
            requested_on=request.get("requested_on"),
            grounds=request.get("grounds"),
        )
    elif kind == "sc_offer":
        facts["placement"] = case.data.get("placement")
    return facts
