"""Permit status moves and the permit's history: every change is a PermitEvent, and where a case is involved
an event on that case's timeline too, in the same transaction (the caller commits)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from app.accounts.models import User
from app.cases.lifecycle import EventKind, record
from app.cases.models import FINAL_STATUSES, Case
from app.core import pending_rows
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.permits.models import PermitCase, PermitEvent, PermitEventKind, PermitStatus, ResidencePermit

# The moves D-RP-4 allows (rules.md §1.3 steps 6–10). Terminated is final.
TRANSITIONS: dict[PermitStatus, frozenset[PermitStatus]] = {
    PermitStatus.ACTIVE: frozenset({PermitStatus.ENDORSEMENT_DUE, PermitStatus.SUSPENDED, PermitStatus.TERMINATED}),
    PermitStatus.ENDORSEMENT_DUE: frozenset({PermitStatus.ACTIVE, PermitStatus.SUSPENDED, PermitStatus.TERMINATED}),
    PermitStatus.SUSPENDED: frozenset({PermitStatus.ACTIVE, PermitStatus.TERMINATED}),
    PermitStatus.TERMINATED: frozenset(),
}
STATUS_ZH = {
    PermitStatus.ACTIVE: "有效",
    PermitStatus.ENDORSEMENT_DUE: "待签注",
    PermitStatus.SUSPENDED: "使用功能中止",
    PermitStatus.TERMINATED: "使用功能终止",
}


def log(
    permit: ResidencePermit,
    kind: PermitEventKind,
    *,
    actor: User | None,
    case: Case | None = None,
    from_status: PermitStatus | None = None,
    to_status: PermitStatus | None = None,
    timeline: bool = True,
    **payload: Any,
) -> None:
    """Appends to the permit's history and, where a case is involved, to the case's timeline (unless the case's
    own events already say it: `timeline=False`)."""
    pending_rows.queue(  # with the step's other history rows, after its flush (app/core/pending_rows.py)
        db.session,
        _INSERT_EVENTS,
        {
            "permit_id": lambda: permit.id,  # a permit issued in this step has no id until the step's one flush
            "at": utcnow(),
            "kind": str(kind),
            "from_status": str(from_status) if from_status else None,
            "to_status": str(to_status) if to_status else None,
            "actor_id": actor.id if actor else None,
            "case_id": case.id if case else None,
            "payload": _plain(payload),
        },
    )
    if case is not None and timeline:
        title = f"居住证{permit.number}"
        if to_status and from_status != to_status:
            before = STATUS_ZH[PermitStatus(from_status)] if from_status else ""
            title += f"：{before} → {STATUS_ZH[PermitStatus(to_status)]}"
        record(
            case,
            EventKind.PERMIT_STATUS_CHANGED,
            actor=actor,
            permit=permit.number,
            change=str(kind),
            title=title,
            **{"from": str(from_status) if from_status else None, "to": str(to_status) if to_status else None},
        )


_INSERT_EVENTS = insert(PermitEvent).returning(PermitEvent.id)  # one multi-row INSERT (see cases.lifecycle)


def move(
    permit: ResidencePermit,
    target: PermitStatus,
    kind: PermitEventKind,
    *,
    actor: User | None,
    case: Case | None = None,
    **payload: Any,
) -> None:
    """Moves the permit along an allowed transition and records it; anything else is a modelling error."""
    previous = PermitStatus(permit.status)
    if previous != target and target not in TRANSITIONS[previous]:
        raise DomainError(f"permit {permit.number}: {previous} → {target} is not an allowed move")
    permit.status = target
    log(permit, kind, actor=actor, case=case, from_status=previous, to_status=target, **payload)


def link_case(permit: ResidencePermit, case: Case, purpose: str, *, actor: User | None) -> None:
    db.session.add(PermitCase(permit=permit, case_id=case.id, purpose=purpose))
    # The case's own timeline opens with case_opened; the permit's history gets the link.
    log(
        permit, PermitEventKind.CASE_OPENED, actor=actor, case=case, timeline=False, purpose=purpose, number=case.number
    )


def open_case_of(permit: ResidencePermit, purpose: str) -> Case | None:
    """The permit's case of this purpose that is still running, if any (at most one at a time)."""
    return db.session.scalar(
        select(Case)
        .join(PermitCase, PermitCase.case_id == Case.id)
        .where(
            PermitCase.permit_id == permit.id,
            PermitCase.purpose == purpose,
            Case.status.not_in([s.value for s in FINAL_STATUSES]),
        )
        .order_by(Case.id.desc())
        .limit(1)
    )


def permit_of_case(case: Case) -> ResidencePermit:
    """The permit a lifecycle case acts on, locked for the step (a scan may be looking at it too)."""
    permit = db.session.scalar(
        select(ResidencePermit)
        .join(PermitCase, PermitCase.permit_id == ResidencePermit.id)
        .where(PermitCase.case_id == case.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if permit is None:
        raise DomainError(f"case {case.number} is linked to no residence permit")
    return permit


def _plain(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in payload.items()}
