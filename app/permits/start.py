"""Starting a lifecycle case from the permit page: who may, on which permit, and the one service call per view."""

from __future__ import annotations

import copy
from typing import Any

from flask_babel import gettext as _

from app.accounts.models import UnitKind, User
from app.cases import service as cases
from app.cases.models import Case
from app.core.errors import NotFound, PermissionDenied
from app.permits import changes, endorsement, queries, service

# Endorsements, changes and replacements are taken in where applications are (Decree 663 Arts. 9–11): the
# migrant service centre, police stations and the community bodies they entrust.
WINDOW_UNIT_KINDS = frozenset({UnitKind.SERVICE_CENTRE, UnitKind.POLICE_STATION, UnitKind.COMMUNITY})
# Fields each intake form takes from the permit record: shown, never typed.
RECORD_FIELDS = {
    "endorsement": ("permit_number", "applicant_name", "id_number", "current_address", "community_code"),
    "change_address": ("permit_number", "applicant_name", "id_number", "previous_address"),
    "replacement": ("permit_number", "applicant_name", "id_number", "current_address", "community_code"),
}
_STARTERS = {
    "endorsement": lambda permit, actor, form, locale: endorsement.start_endorsement(
        permit, actor=actor, form=form, locale=locale
    ),
    "change_address": changes.start_change_address,
    "replacement": changes.start_replacement,
}


def may_start(user: User) -> bool:
    return str(user.role) in ("caseworker", "supervisor") and user.unit.kind in WINDOW_UNIT_KINDS


def start_from_permit(*, actor: User, permit_id: int, purpose: str, form: Any, locale: str) -> Case:
    """Validates and opens the case of `purpose` on the permit (locked meanwhile: the scan may be moving it)."""
    if purpose not in _STARTERS:
        raise NotFound(_("This page does not exist."))
    if not may_start(actor):
        raise PermissionDenied("only window staff start cases on a permit")
    queries.get_permit_for(actor, permit_id)  # jurisdiction first: "absent" and "not yours" look the same
    permit = service.lock_permit(permit_id)
    return _STARTERS[purpose](permit, actor=actor, form=form, locale=locale)


def intake_page(user: User, permit_id: int, purpose: str) -> dict[str, Any]:
    """The intake form for `purpose`, with the record's fields shown read-only and filled from the permit."""
    if purpose not in _STARTERS:
        raise NotFound(_("This page does not exist."))
    permit = queries.get_permit_for(user, permit_id)
    _version, definition = cases.intake_form(service.PURPOSES[purpose])
    shown = copy.deepcopy(definition)  # shared, cached definitions are never changed in place
    for name in RECORD_FIELDS[purpose]:
        shown["ui"]["fields"][name] = {**shown["ui"]["fields"][name], "widget": "readonly"}
    record = service.holder_data(permit)
    record["previous_address"] = record["current_address"]
    defaults = {name: record.get(name) for name in RECORD_FIELDS[purpose]}
    if purpose == "endorsement":
        basis = service.origin_application(permit).get("basis")
        defaults["basis"] = basis
    return {"permit": permit, "definition": shown, "defaults": defaults, "purpose": purpose}
