"""Running an allocation round (统一派位) over the children waiting for a place, and re-running a recorded one.

ONE transaction: lock the waiting cases (id order, as every step does), then the capacity rows of the grade
and year, rank and place with `allocation.allocate`, record the round, and complete each placed child's
`assign_school` task through the ordinary step machinery — so every offer letter, status move and timeline
event is exactly what a caseworker's assignment would have produced. A second round started at the same moment
waits for the locks and then finds nobody waiting.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, select

from app.accounts.models import User
from app.cases import service as cases
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case
from app.core.clock import today
from app.core.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import HumanTask, TaskState
from app.permits.queries import holder_permit_facts
from app.points.service import points_total
from app.schools import allocation
from app.schools.models import PlacementRound, School, SchoolCapacity, SchoolKind
from app.schools.permissions import can_manage
from app.schools.service import catchment_school, places_taken, placing_by_round, target_grade

SERVICE = "school_placement"
TASK = "assign_school"


def _waiting_condition():
    return and_(
        HumanTask.task_name == TASK,
        HumanTask.state == TaskState.OPEN,
        HumanTask.case_id.in_(select(Case.id).where(Case.service == SERVICE)),
    )


def waiting(school_year: int, grade: int) -> list[tuple[Case, HumanTask]]:
    """The children waiting for a place in `grade` of `school_year` (no lock: for pages and counts)."""
    rows = db.session.execute(
        select(Case, HumanTask).join(HumanTask, HumanTask.case_id == Case.id).where(_waiting_condition())
    ).all()
    return [(c, t) for c, t in rows if _wants(c, school_year, grade)]


def waiting_counts() -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for case, _task in db.session.execute(
        select(Case, HumanTask).join(HumanTask, HumanTask.case_id == Case.id).where(_waiting_condition())
    ).all():
        application = case.data.get("application", {})
        key = (int(application.get("school_year")), target_grade(application))
        counts[key] = counts.get(key, 0) + 1
    return counts


def _wants(case: Case, school_year: int, grade: int) -> bool:
    application = case.data.get("application", {})
    return int(application.get("school_year") or 0) == school_year and target_grade(application) == grade


def verified_insurance_months(case: Case) -> int:
    """The months the bureau verified (after a supplement, the corrected figure), else what was declared."""
    for step in ("record_supplement", "check_materials"):
        months = case.data.get(step, {}).get("insurance_months")
        if months is not None:
            return int(months)
    return int(case.data.get("application", {}).get("insurance_months") or 0)


def run_round(
    *, school_year: int, grade: int, report_date: date, seed: str | None, actor: User, locale: str
) -> PlacementRound:
    if not can_manage(actor):
        raise PermissionDenied(_("Only the education bureau's supervisors may run an allocation round."))
    if report_date <= today():
        raise ValidationFailed({"report_date": [_("Day to report: choose a day after today.")]})
    seed = (seed or "").strip() or allocation.new_seed()
    if len(seed) > 40:
        raise ValidationFailed({"seed": [_("Lottery seed: at most 40 characters.")]})
    locked_cases, tasks = inbox.lock_cases_of(_waiting_condition())
    chosen = [(locked_cases[t.case_id], t) for t in tasks if _wants(locked_cases[t.case_id], school_year, grade)]
    if not chosen:
        raise ValidationFailed({"grade": [_("No child is waiting for a place in this grade and year.")]})
    capacities = db.session.scalars(
        select(SchoolCapacity)
        .join(School, School.id == SchoolCapacity.school_id)
        .where(SchoolCapacity.school_year == school_year, SchoolCapacity.grade == grade, School.active.is_(True))
        .order_by(SchoolCapacity.id)
        .with_for_update()
    ).all()
    on = today()
    inputs = {
        "school_year": school_year,
        "grade": grade,
        "applicants": [_applicant(case, on) for case, _task in chosen],
        "schools": _schools(capacities, school_year, grade),
    }
    results = allocation.allocate(inputs["applicants"], inputs["schools"], seed)
    placement_round = PlacementRound(
        school_year=school_year,
        grade=grade,
        seed=seed,
        report_date=report_date,
        inputs=inputs,
        results=results,
        digest=allocation.digest(inputs, seed, results),
        run_by_id=actor.id,
    )
    db.session.add(placement_round)
    db.session.flush()
    by_number = {case.number: (case, task) for case, task in chosen}
    placed = {by_number[r["case_number"]][0].id: {"round_id": placement_round.id, "rank": r["rank"]} for r in results}
    with placing_by_round(placed):
        for result in results:
            case, task = by_number[result["case_number"]]
            record(
                case,
                EventKind.PLACEMENT_ROUND,
                actor=actor,
                unit_id=task.unit_id,
                round_id=placement_round.id,
                rank=result["rank"],
                lot=result["lot"],
                school_code=result["school_code"],
                result=result["kind"],
            )
            if result["school_code"] is None:
                continue  # no place left anywhere: the task stays open for the bureau to assign by hand
            if task.assignee_id not in (None, actor.id):
                inbox.assign_task(task, case=case, to=actor, actor=actor, reason="placement_round")
            cases.complete_task(
                task_id=task.id,
                actor=actor,
                form={
                    "school_code": result["school_code"],
                    "report_date": report_date.isoformat(),
                    "note": f"统一派位第{placement_round.id}轮，排序第{result['rank']}位",
                },
                locale=locale,
            )
    return placement_round


def _applicant(case: Case, on: date) -> dict[str, Any]:
    catchment = catchment_school(case.community_id)
    return {
        "case_number": case.number,
        "catchment": catchment.code if catchment is not None else None,
        "street": case.community.parent.code if case.community.parent is not None else None,
        # Ranked on today's records: points assessed or residence gained since applying count (D-SC-2).
        "points": points_total(case.applicant_id_number, on),
        "permit_months": holder_permit_facts(case.applicant_id_number, on)["permit_months"],
        "insurance_months": verified_insurance_months(case),
    }


def _schools(capacities: list[SchoolCapacity], school_year: int, grade: int) -> list[dict[str, Any]]:
    rows = [
        {
            "code": c.school.code,
            "kind": str(c.school.kind),
            "street": c.school.street.code,
            "places": max(c.places - places_taken(c.school_id, school_year, grade), 0),
        }
        for c in capacities
    ]
    # The district's order: public schools first, then the subsidised private ones, each by code.
    return sorted(rows, key=lambda s: (s["kind"] != str(SchoolKind.PUBLIC), s["code"]))


def get_round(round_id: int) -> PlacementRound:
    placement_round = db.session.get(PlacementRound, round_id)
    if placement_round is None:
        raise NotFound(_("This allocation round does not exist."))
    return placement_round


def replay_round(round_id: int) -> bool:
    """Runs a recorded round again from its inputs and seed (anyone may check the lottery): same places?"""
    placement_round = get_round(round_id)
    return allocation.replay(placement_round.inputs, placement_round.seed, placement_round.results)
