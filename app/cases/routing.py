"""Routing by department AND jurisdiction: a BPMN lane names the department; the case's community decides which unit."""

from __future__ import annotations

from app.accounts import service as accounts
from app.accounts.models import OrgUnit, UnitKind
from app.cases.models import Case
from app.core.errors import DomainError
from app.extensions import db

# Lanes whose unit is a district-wide bureau rather than something that depends on the community.
_DISTRICT_WIDE = {
    "legal_aid_centre": UnitKind.LEGAL_AID_CENTRE,
    "justice_bureau": UnitKind.JUSTICE_BUREAU,
    "labour_inspection": UnitKind.LABOUR_INSPECTION,
    "education_bureau": UnitKind.EDUCATION_BUREAU,
    "police_bureau": UnitKind.POLICE_BUREAU,
    "hrss_bureau": UnitKind.HRSS_BUREAU,
}


def unit_for_lane(lane: str | None, case: Case) -> int:
    if lane in (None, "window"):
        return case.intake_unit_id
    if lane == "community":
        return case.community_id
    if lane == "street":  # the street office above the case's community
        community = db.session.get(OrgUnit, case.community_id)
        return community.parent_id
    if lane == "police_station":
        station = accounts.police_station_for(case.community_id)
        if station is None:
            community = db.session.get(OrgUnit, case.community_id)
            raise DomainError(f"no police station serves community {community.name_zh}; ask an admin to set it up")
        return station.id
    if lane in _DISTRICT_WIDE:
        unit = accounts.first_unit_of_kind(_DISTRICT_WIDE[lane])
        if unit is None:
            raise DomainError(f"no unit of kind {lane} is set up")
        return unit.id
    raise DomainError(f"lane {lane!r} has no routing rule")


def issuing_agency(lane: str | None, case: Case) -> OrgUnit:
    """The agency that signs a letter: the unit for the lane, or for police stations the bureau above them
    (a county-level public security organ issues the permit, Decree 663 Art. 8)."""
    unit = db.session.get(OrgUnit, unit_for_lane(lane, case))
    if unit.kind == UnitKind.POLICE_STATION and unit.parent is not None and unit.parent.kind == UnitKind.POLICE_BUREAU:
        return unit.parent
    return unit
