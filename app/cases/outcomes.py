"""What a case produces at its milestones: letters and the services' own actions. Letters get plain facts."""

from __future__ import annotations

from typing import Any

from app.accounts.models import OrgUnit, User
from app.cases import routing, services
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case, CaseLink
from app.core import jobs
from app.core.clock import today
from app.core.errors import DomainError
from app.extensions import db


def issue_letter_for(
    case: Case, kind: str, data: dict[str, Any], *, lane: str | None, actor: User | None, access_code: str | None
) -> None:
    from app.letters.service import issue_letter

    service = services.require(case.service)
    agency = routing.issuing_agency(service.letter_lanes.get(kind, lane), case)
    facts = letter_facts(case, kind, data, agency, access_code)
    letter = issue_letter(
        case_id=case.id,
        kind=kind,
        facts=facts,
        agency_unit_id=agency.id,
        doc_code=agency.doc_code or agency.code,
        actor_id=actor.id if actor else None,
        flush=False,  # inserted by the step's one flush; the event and the job read its id after that
    )
    record(
        case,
        EventKind.LETTER_ISSUED,
        actor=actor,
        unit_id=agency.id,
        letter_kind=kind,
        number=letter.number,
        letter_id=lambda: letter.id,
    )
    jobs.enqueue("letters.render", letter_id=lambda: letter.id)  # the PDF is rendered and stored after the commit


def letter_facts(case: Case, kind: str, data: dict[str, Any], agency: OrgUnit, access_code: str | None) -> dict:
    """The facts every letter gets (case, party, agent, agency, date); the service adds its decision facts."""
    service = services.require(case.service)
    application = case.data.get("application", {})
    facts: dict[str, Any] = {
        "kind": kind,
        "case": {
            "number": case.number,
            "received_on": data.get("received_on"),
            # Accepted once the materials check found them complete (行政许可法 Art. 32).
            "accepted_on": None if kind.endswith("_receipt") else accepted_on(case, data),
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
        "decision": service.decision_facts(case, kind, data) if service.decision_facts else {},
        "issued_on": today().isoformat(),
    }
    if access_code:
        facts["access_code"] = access_code
    return facts


def run_action(case: Case, name: str, data: dict[str, Any], *, actor: User | None) -> None:
    """The BPMN property `action` on a throw event: the service's registered function (cases/services.py)."""
    services.action(name, case.service)(case, data, actor)


def accepted_on(case: Case, data: dict[str, Any]) -> str | None:
    """The day the case went into review (materials complete), else the day it was received."""
    return case.data.get("accepted_on") or data.get("received_on")


def deliver_message(
    case: Case, message: str, payload: dict[str, Any], *, element: str, kind: str, actor: User | None
) -> list[Case]:
    """A BPMN message the case's process threw and nothing in it caught: the receiver registered for the name
    (cases.services.register_message) opens its cases in this same transaction; each is linked to this case,
    with an event on both timelines. No receiver: the step stops with a clear error and nothing is saved."""
    try:
        handler = services.message_handler(message)
    except KeyError as exc:
        raise DomainError(
            f"case {case.number}: step {element} sends the message {message!r}, but no service receives it "
            "(is the receiving service installed?); nothing was saved"
        ) from exc
    opened = handler(case, payload, actor)
    for target in opened:
        db.session.add(
            CaseLink(
                source_case_id=case.id,
                target_case_id=target.id,
                kind=kind,
                message=message,
                created_by_id=actor.id if actor else None,
            )
        )
        for here, there, direction in ((case, target, "outgoing"), (target, case, "incoming")):
            record(
                here,
                EventKind.CASE_LINKED,
                actor=actor,
                link_kind=kind,
                direction=direction,
                case_id=there.id,
                number=there.number,
                service=there.service,
                message=message,
            )
    return opened


def missing_material_facts(case: Case) -> dict[str, Any]:
    """The one-time notice's facts: every material the service's materials check marked missing (in the form's
    order, labels from the case's own form version) and the deadline the caseworker set."""
    from app.forms.validation import missing_materials
    from app.processes import specs

    service = services.require(case.service)
    check = case.data.get("check_materials", {})
    form = specs.form_for(specs.version_info(case.process_version_id), service.materials_form)
    return {
        "materials": [
            {"code": m["code"], "label_zh": m["label"], "verdict": "missing", "note": m["note"]}
            for m in missing_materials(form, check, locale="zh")
        ],
        "supplement_deadline": check.get("supplement_deadline"),
    }
