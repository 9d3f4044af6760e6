"""Residence permit application (居住证申领, rules.md §1): the service's letters' facts and the permit it issues."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from app.accounts.models import OrgUnit, User
from app.cases import routing
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case
from app.cases.outcomes import missing_material_facts
from app.extensions import db
from app.forms.validation import applicable_materials
from app.permits.service import issue_permit
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


def issue_permit_for(case: Case, data: dict[str, Any], actor: User | None) -> None:

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
        address=case.data.get("application", {}).get("current_address"),
        holder_phone=case.applicant_phone or None,
        actor=actor,
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


def decision_facts(case: Case, kind: str, data: dict[str, Any]) -> dict[str, Any]:
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
        return missing_material_facts(case)
    if kind == "rp_approval":
        permit = case.data.get("permit", {})
        # The card is collected where it was decided: the station serving the applicant's community.
        station = db.session.get(OrgUnit, routing.unit_for_lane("police_station", case))
        return {
            "collection_place": (station.letter_details or {}).get("collection_place") or station.name_zh,
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
