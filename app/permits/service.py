"""Permit records: issuing one at the application's approval milestone, the validity arithmetic of endorsement,
and starting the lifecycle cases (endorsement, change of address, replacement) that act on a permit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts import service as accounts
from app.accounts.models import OrgUnit, User
from app.cases import service as cases
from app.cases.models import Case
from app.core.errors import Conflict, NotFound
from app.core.sequences import next_value
from app.extensions import db
from app.forms.validation import parse_form_submission, validate_form_data
from app.permits import lifecycle
from app.permits.models import PermitEventKind, PermitStatus, ResidencePermit
from app.processes.scripting import add_months, add_years


def issue_permit(
    *,
    case_id: int,
    holder_name: str,
    holder_id_number: str,
    community_id: int,
    issuing_unit_id: int,
    district_code: str,
    issued_on: date,
    valid_until: date,
    endorsement_window_start: date,
    address: str | None = None,
    holder_phone: str | None = None,
    actor: User | None = None,
) -> ResidencePermit:
    """Permit number: district code + year + 7-digit sequence per district and year, e.g. 3301062026000015."""
    serial = next_value(f"permit:{district_code}:{issued_on.year}")
    permit = ResidencePermit(
        number=f"{district_code}{issued_on.year}{serial:07d}",
        case_id=case_id,
        holder_name=holder_name,
        holder_id_number=holder_id_number,
        community_id=community_id,
        issuing_unit_id=issuing_unit_id,
        issued_on=issued_on,
        valid_until=valid_until,
        endorsement_window_start=endorsement_window_start,
        status=PermitStatus.ACTIVE,
        residence_years_from=issued_on,
        address=address,
        holder_phone=holder_phone,
        card_serial=1,
    )
    db.session.add(permit)
    case = db.session.get(Case, case_id)
    lifecycle.log(permit, PermitEventKind.ISSUED, actor=actor, to_status=PermitStatus.ACTIVE, valid_until=valid_until)
    if case is not None:
        lifecycle.link_case(permit, case, "application", actor=actor)
    return permit


def year_from(anniversary: date) -> tuple[date, date]:
    """(valid_until, endorsement_window_start) of the year that starts on `anniversary` (Decree 663 Art. 10)."""
    next_anniversary = date.fromisoformat(add_years(anniversary, 1))
    return next_anniversary - timedelta(days=1), date.fromisoformat(add_months(next_anniversary, -1))


# ---------------------------------------------------------------- lifecycle cases

PURPOSES = {"endorsement": "rp_endorsement", "change_address": "rp_change_address", "replacement": "rp_replacement"}


def origin_application(permit: ResidencePermit) -> dict[str, Any]:
    case = db.session.get(Case, permit.case_id)
    return (case.data or {}).get("application", {}) if case else {}


def holder_data(permit: ResidencePermit) -> dict[str, Any]:
    """The intake fields every lifecycle case takes from the permit record (never retyped at a window)."""
    application = origin_application(permit)
    community = db.session.get(OrgUnit, permit.community_id)
    return {
        "permit_number": permit.number,
        "applicant_name": permit.holder_name,
        "id_number": permit.holder_id_number,
        "phone": permit.holder_phone or application.get("phone"),
        "current_address": permit.address or application.get("current_address"),
        "community_code": community.code,
    }


def start_case_for(
    permit: ResidencePermit,
    purpose: str,
    *,
    actor: User | None,
    form: Any = None,
    fixed: dict[str, Any] | None = None,
    typed: tuple[str, ...] = (),
    locale: str = "zh",
    channel: str = "window",
) -> Case:
    """Validates the intake form and starts the case, linked to the permit. The holder's details come from the
    record, whatever was typed, except a new phone number and the fields named in `typed`; `fixed` are further
    values from the record. At most one case per purpose runs at a time."""
    service = PURPOSES[purpose]
    if permit.status == PermitStatus.TERMINATED:
        raise Conflict(_("This residence permit has been terminated; nothing more can be done with it."))
    running = lifecycle.open_case_of(permit, purpose)
    if running is not None:
        raise Conflict(_("Case %(number)s for this permit is still open.", number=running.number))
    _version, definition = cases.intake_form(service)
    submitted = parse_form_submission(definition, form) if form is not None else {}
    record = {k: v for k, v in holder_data(permit).items() if not (k in (*typed, "phone") and k in submitted)}
    if typed:  # the form must supply these itself: an empty field is an error, not the old value
        record = {k: v for k, v in record.items() if k not in typed}
    data = validate_form_data(
        definition,
        {**submitted, **record, **(fixed or {})},
        locale=locale,
        options={"community_code": cases.community_options()},
    )
    station = accounts.police_station_for(permit.community_id)
    case, _code = cases.start_case(
        service=service,
        data=data,
        actor=actor,
        channel=channel,
        # The system opens endorsement cases at the station that serves the holder (Decree 663 Art. 10).
        intake_unit_id=None if actor is not None else (station.id if station else None),
        extra={
            "permit_id": permit.id,
            "permit_status": str(permit.status),
            "anniversary": permit.anniversary.isoformat(),
        },
    )
    lifecycle.link_case(permit, case, purpose, actor=actor)
    return case


def get_permit(permit_id: int) -> ResidencePermit:
    permit = db.session.get(ResidencePermit, permit_id)
    if permit is None:
        raise NotFound(_("This residence permit does not exist or is not in your units."))
    return permit


def lock_permit(permit_id: int) -> ResidencePermit:
    """The permit row, locked for the rest of the transaction (the scan may be moving it at the same moment)."""
    permit = db.session.scalar(
        select(ResidencePermit)
        .where(ResidencePermit.id == permit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if permit is None:
        raise NotFound(_("This residence permit does not exist or is not in your units."))
    return permit


def check_start_allowed(permit: ResidencePermit, purpose: str, today: date) -> None:
    """Endorsement is done in the month before the anniversary or later (a late one restores a suspended
    permit); changes and replacements need a permit that is in use or only lapsed."""
    if purpose == "endorsement" and permit.status == PermitStatus.ACTIVE and today < permit.endorsement_window_start:
        raise Conflict(
            _(
                "The endorsement can be done from %(start)s (one month before the anniversary).",
                start=permit.endorsement_window_start.isoformat(),
            )
        )
