"""Change of address (变更登记, 浙江条例 Art. 13: within 10 days) and replacement cards (补领/换领, Decree 663
Art. 11): starting the cases from a permit, their outcomes on the permit, their letters' facts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import OrgUnit, User
from app.cases import routing
from app.cases.models import Case
from app.core.clock import today
from app.extensions import db
from app.permits import lifecycle, service
from app.permits.models import PermitEventKind, ResidencePermit


def start_change_address(permit: ResidencePermit, *, actor: User, form: Any, locale: str) -> Case:
    """The holder reports a move; the new community (chosen on the form) checks it."""
    return service.start_case_for(
        permit,
        "change_address",
        actor=actor,
        form=form,
        typed=("current_address", "community_code"),  # what the form is for: the new address and its community
        fixed={"previous_address": service.holder_data(permit)["current_address"]},
        locale=locale,
    )


def start_replacement(permit: ResidencePermit, *, actor: User, form: Any, locale: str) -> Case:
    return service.start_case_for(permit, "replacement", actor=actor, form=form, locale=locale)


def change_address(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """BPMN action `change_address`: the permit moves to the new address and community (and so to the police
    station serving it: later endorsements are routed there)."""
    permit = lifecycle.permit_of_case(case)
    community = db.session.scalar(select(OrgUnit).where(OrgUnit.code == data["community_code"]))
    before = {"address": permit.address, "community": permit.community.code if permit.community else None}
    permit.address = data["current_address"]
    permit.community_id = community.id
    if data.get("phone"):
        permit.holder_phone = data["phone"]
    lifecycle.log(
        permit,
        PermitEventKind.ADDRESS_CHANGED,
        actor=actor,
        case=case,
        previous_address=before["address"] or data.get("previous_address"),
        previous_community=before["community"],
        address=permit.address,
        community=community.code,
        moved_on=data.get("moved_on"),
        late_report=bool(data.get("late_report")),
    )


def replace_card(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """BPMN action `replace_card`: a new card with the next serial; every earlier card is void."""
    permit = lifecycle.permit_of_case(case)
    previous = permit.card_serial or 1
    permit.card_serial = previous + 1
    if data.get("phone"):
        permit.holder_phone = data["phone"]
    kind = "reissue" if data.get("replacement_kind") == "reissue" or _declared_lost(case) else "exchange"
    lifecycle.log(
        permit,
        PermitEventKind.REPLACED,
        actor=actor,
        case=case,
        replacement=kind,
        void_card_serial=previous,
        card_serial=permit.card_serial,
        replaced_on=today(),
    )
    case.data = {
        **case.data,
        "replacement": {"kind": kind, "void_card_serial": previous, "card_serial": permit.card_serial},
    }


def _declared_lost(case: Case) -> bool:
    return case.data.get("receive_old_card", {}).get("outcome") == "declared_lost"


def change_facts(case: Case, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    application = case.data.get("application", {})
    community = db.session.get(OrgUnit, case.community_id)
    facts = {
        "permit_number": application.get("permit_number"),
        "previous_address": application.get("previous_address"),
        "new_address": application.get("current_address"),
        "new_community": community.name_zh,
        "moved_on": application.get("moved_on"),
        "report_deadline": data.get("report_deadline"),
        "late_report": bool(data.get("late_report")),
    }
    if kind == "rc_receipt":
        facts["due_on"] = None
    if kind == "rc_refusal":
        facts["verification_findings"] = case.data.get("check_new_address", {}).get("observations")
    return facts


def replacement_facts(case: Case, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    application = case.data.get("application", {})
    done = case.data.get("replacement", {})
    facts = {
        "permit_number": application.get("permit_number"),
        "reason": application.get("reason"),
        "replacement_kind": done.get("kind") or data.get("replacement_kind"),
        "old_card_returned": bool(application.get("old_card_returned")),
        "await_old_card": bool(data.get("await_old_card")),
    }
    if kind == "rr_certificate":
        # The card is collected where it was made: the station serving the holder's community.
        station = db.session.get(OrgUnit, routing.unit_for_lane("police_station", case))
        facts.update(
            collection_place=(station.letter_details or {}).get("collection_place") or station.name_zh,
            card_serial=done.get("card_serial"),
            void_card_serial=done.get("void_card_serial"),
            card_ready_on=case.data.get("produce_card", {}).get("card_ready_on"),
        )
    return facts
