"""Legal aid (法律援助, rules.md §2): the facts each letter gets, and the milestone actions of the process."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.accounts.models import User
from app.cases import routing, statutory
from app.cases.models import Case
from app.cases.outcomes import missing_material_facts
from app.core.clock import today
from app.extensions import db
from app.letters import kinds

# Letters whose decision the justice bureau reviews on an objection (Art. 49).
OBJECTABLE_KINDS = ("la_refusal", "la_termination")


# The period for objecting to a refusal or termination is not set by national law (rules.md §2.5 step 8, [U]):
# 30 calendar days (Shandong's) unless the installation sets LEGAL_AID_OBJECTION_DAYS. A case keeps the period it
# started with: the BPMN timer b_objection_window and the letters read it from the case's data.
OBJECTION_DAYS = 30


def start_data(_data: dict[str, Any]) -> dict[str, Any]:
    """Workflow data every case starts with: not green-channel unless a referral or the DMN says so; the region
    whose hardship threshold applies (bpmn/la_means_threshold.dmn) is the district's; the objection period."""
    return {
        "green_channel": False,
        "means_region": current_app.config["DISTRICT_CODE"],
        "objection_days": int(current_app.config.get("LEGAL_AID_OBJECTION_DAYS", OBJECTION_DAYS)),
    }


def record_intake_flags(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """Keeps the green channel and urgency on the case itself: inbox priority (cases.steps → inbox.sync_tasks
    reads case.data["priority"]), the case page and lists read them without the engine."""
    case.data = {
        **case.data,
        "green_channel": bool(data.get("green_channel")),
        "priority": int(data.get("priority") or 0),
        # What the priority tag says beside every task of the case (cases.views.case_flag → decision_labels).
        "priority_reason": "green_channel" if data.get("green_channel") else None,
        # Not "early_aid": case.data[<task name>] holds each task's form data, and the task "early_aid" records
        # when aid was given first (decision_facts reads it).
        "early_aid_needed": bool(data.get("early_aid")),
        "early_aid_reason": data.get("early_aid_reason") or None,
    }


# The statutory clock follows the stage the law times (rules.md §2.6): the decision (7 days from receipt, started
# with the case), then the appointment (3 days from the grant, Art. 43), then the bureau's decision on an
# objection (5 days, Art. 49). Between them nothing statutory runs: a case with its lawyer for months, or a refusal
# waiting for an objection, is not "overdue" on the supervisor's desk. A corrected refusal is decided again within
# a new 7 days from the bureau's decision ([U], docs/legal-aid.md).
APPOINTMENT_RULE, OBJECTION_RULE, REDECISION_RULE = "3CAL", "5CAL", "7CAL"


def record_grant(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """The day aid was granted: the grant letter, the appointment notice and any later termination cite it."""
    case.data = {**case.data, "decided_on": today().isoformat()}
    statutory.start(case, APPOINTMENT_RULE, today())


def record_appointment(case: Case, data: dict[str, Any], actor: User | None) -> None:
    case.data = {**case.data, "lawyer": _appointed(data)}
    statutory.stop(case)


def decision_made(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """A refusal, a termination or restored aid: the centre has decided; no statutory period runs meanwhile."""
    statutory.stop(case)


def objection_received(case: Case, data: dict[str, Any], actor: User | None) -> None:
    statutory.start(case, OBJECTION_RULE, date.fromisoformat(data["objection_received_on"]))


def review_reopened(case: Case, data: dict[str, Any], actor: User | None) -> None:
    statutory.start(case, REDECISION_RULE, today())


def record_lawyer_change(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """The current aid lawyer is the new one; the one replaced is kept for the change notice."""
    previous = case.data.get("lawyer") or _appointed(data)
    current = {key: data.get(f"new_{key}") for key in ("law_firm", "lawyer_name", "lawyer_licence", "lawyer_phone")}
    case.data = {**case.data, "lawyer_previous": previous, "lawyer": current}


def _appointed(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data.get(key) for key in ("law_firm", "lawyer_name", "lawyer_licence", "lawyer_phone")}


def decision_facts(case: Case, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    application = case.data.get("application", {})
    facts: dict[str, Any] = {
        "matter_type": application.get("matter_type"),
        "opponent_name": application.get("opponent_name"),
        "applicant_status": application.get("applicant_status"),
        "channel": case.data.get("channel"),
        "green_channel": bool(data.get("green_channel")),
        "early_aid": bool(data.get("early_aid")),
        "early_aid_reason": data.get("early_aid_reason"),
        "early_aid_on": (case.data.get("early_aid") or {}).get("early_aid_on"),
        "justice_bureau": routing.issuing_agency("justice_bureau", case).name_zh,
        "objection_days": data.get("objection_days"),
        "centre_name": routing.issuing_agency("legal_aid_centre", case).name_zh,
    }
    if kind == "la_receipt":
        facts["due_on"] = case.statutory_due_on.isoformat() if case.statutory_due_on else None
    elif kind in ("la_supplement", "la_withdrawn"):
        facts.update(_materials_facts(case, kind))
    elif kind in ("la_grant", "la_appointment", "la_termination", "la_change_lawyer"):
        facts.update(_grant_facts(case, data))
        if kind == "la_termination":
            facts.update(
                termination_ground=data.get("termination_ground"), termination_facts=data.get("termination_facts")
            )
        if kind == "la_change_lawyer":
            previous = case.data.get("lawyer_previous") or {}
            facts.update({f"previous_{k}": v for k, v in previous.items()})
            facts.update({f"new_{k}": v for k, v in (case.data.get("lawyer") or {}).items()})
            facts["change_reason"] = data.get("change_reason")
    elif kind == "la_refusal":
        facts.update(_refusal_facts(case, data))
    elif kind == "la_objection_decision":
        facts.update(_objection_facts(case, data))
    return facts


def _materials_facts(case: Case, kind: str) -> dict[str, Any]:
    facts = missing_material_facts(case)
    if kind == "la_withdrawn":
        notice = _latest_letter(case, ("la_supplement",))
        if notice is not None:
            facts.update(supplement_notice_on=notice.context.get("issued_on"), supplement_notice_number=notice.number)
    return facts


def _grant_facts(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    lawyer = case.data.get("lawyer") or _appointed(data)
    return {
        "decided_on": case.data.get("decided_on"),
        "aid_form": data.get("aid_form"),
        "aid_scope": data.get("aid_scope"),
        "appointed_on": data.get("appointed_on"),
        "means_reason": data.get("means_reason"),
        "per_capita_income": data.get("per_capita_income"),
        "hardship_threshold": data.get("hardship_threshold"),
        **lawyer,
    }


def _refusal_facts(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """Refused by the decision tables (out of scope, over the threshold) or by the centre's decision."""
    if data.get("decision") == "refuse":  # the centre's own decision (also a new one after an objection)
        ground, reasons = data.get("refusal_ground"), data.get("refusal_reasons")
    elif not data.get("in_scope", True):
        ground, reasons = "not_in_scope", None
    else:  # the means test: household income per head over the threshold (la_means_threshold)
        ground, reasons = "no_hardship", None
    return {
        "refusal_ground": ground,
        "refusal_reasons": reasons,
        "per_capita_income": data.get("per_capita_income") if ground == "no_hardship" else None,
        "hardship_threshold": data.get("hardship_threshold") if ground == "no_hardship" else None,
    }


def _objection_facts(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    original = _latest_letter(case, OBJECTABLE_KINDS)
    return {
        "original_kind": original.kind if original else None,
        "original_title": kinds.KINDS[original.kind].title if original else None,
        "original_number": original.number if original else None,
        "original_on": original.context.get("issued_on") if original else None,
        "objection_outcome": data.get("objection_outcome"),
        "objection_received_on": data.get("objection_received_on"),
        "objection_grounds": data.get("objection_grounds"),
        "objection_reasons": data.get("objection_reasons"),
    }


def _latest_letter(case: Case, letter_kinds: tuple[str, ...]):
    from app.letters.models import Letter

    return db.session.scalar(
        select(Letter)
        .where(Letter.case_id == case.id, Letter.kind.in_(letter_kinds))
        .order_by(Letter.id.desc())
        .limit(1)
    )
