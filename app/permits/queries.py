"""Which permits a member of staff may see, the permits list and the permit page.

Jurisdiction: a permit belongs to the holder's community. Community staff see their community's permits, police
station staff the permits of the communities their station serves, supervisors everything below their unit
(the bureau: every station's), admins all. The migrant service centre's window is district-wide — it takes
applications for every community — so its staff see every permit (docs/permits.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import UnitKind, User, station_communities
from app.accounts.service import visible_unit_ids
from app.cases.models import Case
from app.core.errors import NotFound
from app.extensions import db
from app.permits.models import PermitCase, PermitEvent, PermitStatus, ResidencePermit
from app.processes.scripting import months_between

PAGE_SIZE = 50


def _units_clause(user: User) -> ColumnElement[bool] | None:
    """None: every permit. Otherwise the condition on ResidencePermit for `user`'s jurisdiction."""
    units = visible_unit_ids(user)
    if units is None or user.unit.kind == UnitKind.SERVICE_CENTRE:
        return None
    if not units:
        return false()
    served = select(station_communities.c.community_id).where(station_communities.c.station_id.in_(units))
    return or_(
        ResidencePermit.community_id.in_(units),
        ResidencePermit.community_id.in_(served),
        ResidencePermit.issuing_unit_id.in_(units),
    )


def can_view_permit(user: User, permit: ResidencePermit) -> bool:
    clause = _units_clause(user)
    if clause is None:
        return True
    return bool(db.session.scalar(select(func.count()).where(ResidencePermit.id == permit.id, clause)))


def get_permit_for(user: User, permit_id: int) -> ResidencePermit:
    permit = db.session.get(ResidencePermit, permit_id)
    if permit is None or not can_view_permit(user, permit):
        from flask_babel import gettext as _

        raise NotFound(_("This residence permit does not exist or is not in your units."))
    return permit


def permit_list(user: User, *, q: str = "", status: str = "", page: int = 1) -> dict[str, Any]:
    query = select(ResidencePermit).options(joinedload(ResidencePermit.community))
    clause = _units_clause(user)
    if clause is not None:
        query = query.where(clause)
    if status in {s.value for s in PermitStatus}:
        query = query.where(ResidencePermit.status == PermitStatus(status))
    q = q.strip()
    if q:
        # A full number only (permit or ID number): a partial ID number would let anyone enumerate residents.
        query = query.where(
            or_(
                ResidencePermit.number == q,
                ResidencePermit.holder_id_number == q.upper(),
                ResidencePermit.holder_name == q,
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, page)
    rows = db.session.scalars(
        query.order_by(ResidencePermit.valid_until, ResidencePermit.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return {"permits": rows, "total": total, "page": page, "pages": max(1, -(-total // PAGE_SIZE))}


def permit_page(user: User, permit_id: int) -> dict[str, Any]:
    from app.cases.permissions import can_view_case

    permit = get_permit_for(user, permit_id)
    links = db.session.execute(
        select(PermitCase.purpose, Case)
        .join(Case, Case.id == PermitCase.case_id)
        .where(PermitCase.permit_id == permit.id)
        .order_by(Case.opened_at.desc(), Case.id.desc())
    ).all()
    events = db.session.scalars(
        select(PermitEvent)
        .where(PermitEvent.permit_id == permit.id)
        .options(joinedload(PermitEvent.actor), joinedload(PermitEvent.case))
        .order_by(PermitEvent.id.desc())
    ).all()
    return {
        "permit": permit,
        "cases": [{"purpose": purpose, "case": case, "visible": can_view_case(user, case)} for purpose, case in links],
        "events": events,
    }


# Statuses in which a permit still gives its holder the public services (Decree 663 Arts. 12–13): active, or
# in its endorsement month. A suspended permit's use is stopped until it is endorsed again (Art. 10).
_IN_FORCE = (PermitStatus.ACTIVE, PermitStatus.ENDORSEMENT_DUE)


def holder_permit_facts(id_number: str, on: date) -> dict[str, Any]:
    """What other services need to know of a person's residence permit, from Anju's own records (never re-typed):
    the newest permit for the ID number, whether it is in force on `on`, and the months of continuous residence
    it proves (counted from the residence-years start date: a late endorsement restarts it, 杭州 Art. 20)."""
    permit = db.session.scalar(
        select(ResidencePermit)
        .where(ResidencePermit.holder_id_number == id_number)
        .order_by(ResidencePermit.issued_on.desc(), ResidencePermit.id.desc())
        .limit(1)
    )
    if permit is None:
        return {"permit_number": None, "permit_status": None, "permit_valid": False, "permit_months": 0}
    since = permit.residence_since
    if since == permit.issued_on:
        # Never restarted by a late endorsement: residence counts from the residence registration recorded on
        # the application (浙江条例 Art. 16(2)), which is at least half a year before the permit.
        registered = _origin_registration(permit)
        since = min(since, registered) if registered else since
    return {
        "permit_number": permit.number,
        "permit_status": str(permit.status),
        "permit_valid_until": permit.valid_until.isoformat(),
        "permit_valid": permit.status in _IN_FORCE and permit.valid_until >= on,
        "residence_since": since.isoformat(),
        "permit_months": months_between(since, on),
    }


def _origin_registration(permit: ResidencePermit) -> date | None:
    data = db.session.scalar(select(Case.data).where(Case.id == permit.case_id)) or {}
    registered = (data.get("application") or {}).get("residence_registered_on")
    return date.fromisoformat(registered) if registered else None
