"""What a case produces at its milestones: permit records and letters. Letters get plain facts, never ORM objects."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from app.accounts.models import OrgUnit, User
from app.cases import routing
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case
from app.core import jobs
from app.core.clock import today
from app.extensions import db
from app.forms.validation import applicable_materials, missing_materials
from app.processes import specs

INELIGIBLE_REASONS = {
    "residence_under_six_months": (
        "申请人在本市居住登记未满半年，不符合申领居住证的居住时间条件",
        "《居住证暂行条例》第二条",
    ),
    "no_qualifying_condition": (
        "申请人不具有合法稳定就业、合法稳定住所、连续就读三项条件中的任何一项",
        "《居住证暂行条例》第二条",
    ),
    "local_policy_not_issued": ("依照本区居住证发放范围规定，申请人所属情形不予发放居住证", "本区居住证发放范围规定"),
}


def issue_permit_for(case: Case, data: dict[str, Any], *, actor: User | None) -> None:
    from app.permits.service import issue_permit

    agency = routing.issuing_agency("police_station", case)
    permit = issue_permit(
        case_id=case.id,
        holder_name=case.applicant_name,
        holder_id_number=case.applicant_id_number,
        community_id=case.community_id,
        issuing_unit_id=agency.id,
        district_code=current_app.config["DISTRICT_CODE"],
        issued_on=date.fromisoformat(data["issue_date"]),
        valid_until=date.fromisoformat(data["valid_until"]),
        endorsement_window_start=date.fromisoformat(data["endorsement_window_start"]),
    )
    case.data = {
        **case.data,
        "permit": {
            "number": permit.number,
            "issue_date": data["issue_date"],
            "valid_until": data["valid_until"],
            "endorsement_window_start": data["endorsement_window_start"],
        },
    }
    record(case, EventKind.PERMIT_ISSUED, actor=actor, number=permit.number, valid_until=data["valid_until"])


def issue_letter_for(
    case: Case, kind: str, data: dict[str, Any], *, lane: str | None, actor: User | None, access_code: str | None
) -> None:
    from app.letters.service import issue_letter

    agency = routing.issuing_agency(lane, case)
    if kind in ("rp_approval", "rp_refusal"):
        agency = routing.issuing_agency("police_station", case)
    facts = letter_facts(case, kind, data, agency, access_code)
    if kind == "rp_approval":  # the card is collected where it was decided: the station serving the community
        station = db.session.get(OrgUnit, routing.unit_for_lane("police_station", case))
        facts["agency"]["collection_place"] = (station.letter_details or {}).get("collection_place") or station.name_zh
    letter = issue_letter(
        case_id=case.id,
        kind=kind,
        facts=facts,
        agency_unit_id=agency.id,
        doc_code=agency.doc_code or agency.code,
        actor_id=actor.id if actor else None,
    )
    record(
        case,
        EventKind.LETTER_ISSUED,
        actor=actor,
        unit_id=agency.id,
        letter_kind=kind,
        number=letter.number,
        letter_id=letter.id,
    )
    jobs.enqueue("letters.render", letter_id=letter.id)  # the PDF is rendered and stored after the commit


def letter_facts(case: Case, kind: str, data: dict[str, Any], agency: OrgUnit, access_code: str | None) -> dict:
    application = case.data.get("application", {})
    facts: dict[str, Any] = {
        "kind": kind,
        "case": {
            "number": case.number,
            "received_on": data.get("received_on"),
            # Accepted once the materials check found them complete (行政许可法 Art. 32).
            "accepted_on": None if kind == "rp_receipt" else _accepted_on(case, data),
        },
        "applicant": {
            "name": case.applicant_name,
            "id_number": case.applicant_id_number,
            "phone": case.applicant_phone,
            "hukou_address": application.get("hukou_address"),
            "current_address": application.get("current_address"),
            "community_name": case.community.name_zh,
        },
        "agent": (
            {
                "name": application.get("agent_name"),
                "id_number": application.get("agent_id_number"),
                "relationship": application.get("agent_relationship"),
            }
            if application.get("agent_name")
            else None
        ),
        "agency": {
            "name": agency.name_zh,
            "doc_code": agency.doc_code or agency.code,
            "address": agency.address,
            "phone": agency.phone,
            **(agency.letter_details or {}),
        },
        "decision": _decision(case, kind, data),
        "issued_on": today().isoformat(),
    }
    if access_code:
        facts["access_code"] = access_code
    return facts


def _decision(case: Case, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    version = specs.version_info(case.process_version_id)
    materials_form = specs.form_for(version, "rp_materials")
    if kind == "rp_receipt":
        # The receipt acknowledges what the applicant handed in: the materials that apply to this application.
        received = [
            {"code": m["code"], "label_zh": m["label"]["zh"], "verdict": "ok"}
            for m, _applies in applicable_materials(materials_form, "materials", {}, case.data["application"])
            if not m.get("allow_not_applicable")
        ]
        return {"materials": received, "due_on": case.statutory_due_on.isoformat() if case.statutory_due_on else None}
    if kind in ("rp_supplement", "rp_not_accepted"):
        check = case.data.get("check_materials", {})
        materials = [
            {"code": m["code"], "label_zh": m["label"], "verdict": "missing", "note": m["note"]}
            for m in missing_materials(materials_form, check, locale="zh")
        ]
        return {"materials": materials, "supplement_deadline": check.get("supplement_deadline")}
    if kind == "rp_approval":
        permit = case.data.get("permit", {})
        return {
            "permit_number": permit.get("number"),
            "issue_date": permit.get("issue_date"),
            "valid_until": permit.get("valid_until"),
            "endorsement_window_start": permit.get("endorsement_window_start"),
            "verification_findings": case.data.get("verify_residence", {}).get("observations"),
        }
    if kind == "rp_refusal":
        reasons = []
        if not data.get("eligible", True) or data.get("issue_policy") == "not_issued":
            code = data.get("ineligible_reason") or "local_policy_not_issued"
            text, basis = INELIGIBLE_REASONS[code]
            reasons.append({"code": code, "text_zh": text, "basis": basis})
        return {
            "ineligible_reasons": reasons,
            "refusal_reasons": case.data.get("approve", {}).get("refusal_reasons"),
            "verification_findings": case.data.get("verify_residence", {}).get("observations"),
        }
    return {}


def _accepted_on(case: Case, data: dict[str, Any]) -> str | None:
    """The day the case went into review (materials complete), else the day it was received."""
    return case.data.get("accepted_on") or data.get("received_on")
