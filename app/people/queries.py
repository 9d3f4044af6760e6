"""A person across services: their cases, permits and points, keyed by the resident ID number.

The page is reached from a case the viewer may see (never from a typed ID number in a URL, which would land
in logs), and opening it is recorded on that case: it tells the viewer which other services the person used.
Cases in units the viewer cannot see are listed by service and status only — no number, no link.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.cases import services
from app.cases.lifecycle import EventKind, record
from app.cases.models import FINAL_STATUSES, Case
from app.cases.permissions import can_view_case
from app.cases.service import get_case_for
from app.core.masking import mask_id_number, mask_phone
from app.extensions import db


def person_page(user: User, case_id: int) -> dict[str, Any]:
    """Everything Anju holds about the applicant of `case_id`, within what `user` may see. Records the view."""
    origin = get_case_for(user, case_id)
    id_number = origin.applicant_id_number
    cases = db.session.scalars(
        select(Case)
        .where(Case.applicant_id_number == id_number)
        .options(joinedload(Case.community))
        .order_by(Case.opened_at.desc(), Case.id.desc())
    ).all()
    rows = []
    for case in cases:
        rows.append(
            {
                "case": case,
                "visible": case.id == origin.id or can_view_case(user, case),
                "service": services.label(case.service),
                "open": case.status not in FINAL_STATUSES,
            }
        )
    record(origin, EventKind.PERSON_VIEWED, actor=user, cases=len(rows))
    return {
        "origin": origin,
        "name": origin.applicant_name,
        "id_number_masked": mask_id_number(id_number),
        "phone_masked": mask_phone(origin.applicant_phone) if origin.applicant_phone else "",
        "cases": rows,
        "open_count": sum(1 for row in rows if row["open"]),
        "permits": _permits(id_number),
        "points": _points(id_number),
    }


def _permits(id_number: str) -> list[Any]:
    from app.permits.models import ResidencePermit

    return list(
        db.session.scalars(
            select(ResidencePermit)
            .where(ResidencePermit.holder_id_number == id_number)
            .order_by(ResidencePermit.issued_on.desc())
        )
    )


def _points(id_number: str) -> Any:
    """The person's latest points assessment, where the points service is installed."""
    try:
        from app.points import service as points
    except ImportError:
        return None
    current = getattr(points, "current_points", None)
    return current(id_number) if current else None


_OPEN_CASES_OF = (  # built once: every opened case asks
    select(Case)
    .where(
        Case.service == bindparam("service"),
        Case.applicant_id_number == bindparam("id_number"),
        Case.status.not_in([s.value for s in FINAL_STATUSES]),
    )
    .order_by(Case.opened_at)
)


def open_cases_of(service: str, id_number: str) -> list[Case]:
    """Open cases of one service for one person: a second one is probably a duplicate application."""
    return list(db.session.scalars(_OPEN_CASES_OF, {"service": service, "id_number": id_number}))
