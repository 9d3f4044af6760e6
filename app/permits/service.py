"""Issuing a residence permit record when the approval milestone is reached."""

from __future__ import annotations

from datetime import date

from app.core.sequences import next_value
from app.extensions import db
from app.permits.models import ResidencePermit


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
    )
    db.session.add(permit)
    return permit
