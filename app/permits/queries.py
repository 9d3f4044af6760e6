"""Which permits a member of staff may see, the permits list and the permit page.

Jurisdiction: a permit belongs to the holder's community. Community staff see their community's permits, police
station staff the permits of the communities their station serves, supervisors everything below their unit
(the bureau: every station's), admins all. The migrant service centre's window is district-wide — it takes
applications for every community — so its staff see every permit (docs/permits.md).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import UnitKind, User, station_communities
from app.accounts.service import visible_unit_ids
from app.cases.models import Case
from app.core.errors import NotFound
from app.extensions import db
from app.permits.models import PermitCase, PermitEvent, PermitStatus, ResidencePermit

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
