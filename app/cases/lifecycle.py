"""Case status moves and timeline events. One function per concern; every move is checked and recorded."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import insert

from app.accounts.models import User
from app.cases.models import TRANSITIONS, Case, CaseEvent, CaseStatus
from app.core import pending_rows
from app.core.clock import local_now, utcnow
from app.core.errors import DomainError
from app.extensions import db


class EventKind(enum.StrEnum):
    CASE_OPENED = "case_opened"
    STATUS_CHANGED = "status_changed"
    TASK_CREATED = "task_created"
    TASK_CLAIMED = "task_claimed"
    TASK_RELEASED = "task_released"
    TASK_REASSIGNED = "task_reassigned"
    TASK_COMPLETED = "task_completed"
    TASK_CANCELLED = "task_cancelled"
    LETTER_ISSUED = "letter_issued"
    LETTER_DOWNLOADED = "letter_downloaded"
    PERMIT_ISSUED = "permit_issued"
    PERSONAL_DATA_VIEWED = "personal_data_viewed"
    PERSON_VIEWED = "person_viewed"  # the person page (all of the applicant's cases) was opened from this case
    DUPLICATE_SUSPECTED = "duplicate_suspected"  # opened while the person had an open case of the same service
    CLOCK_PAUSED = "clock_paused"
    CLOCK_RESUMED = "clock_resumed"
    CASE_CLOSED = "case_closed"
    TIMER_FIRED = "timer_fired"  # a BPMN timer fired (payload: element, title, due)
    TIMER_FAILED = "timer_failed"  # firing a due timer failed; it is retried later (payload: error, retry_at)
    TASK_OVERDUE = "task_overdue"  # a task passed its due date: priority raised, supervisors told
    CASE_LINKED = "case_linked"  # linked to another case (payload: link_kind, direction, case_id, number, …)
    PERMIT_STATUS_CHANGED = "permit_status_changed"  # a residence permit linked to the case changed (app/permits)
    PLACEMENT_ROUND = "placement_round"  # an allocation round ranked the case (payload: round_id, rank, lot, result)
    PLACE_CHANGED = "place_changed"  # the school place: reported (enrolled) or released (payload: change, title, on)


def record(
    case: Case,
    kind: EventKind,
    *,
    actor: User | None,
    unit_id: int | None = None,
    task_name: str | None = None,
    **payload: Any,
) -> None:
    """Appends an event to the case's timeline in the current transaction.

    Queued on the session and written with the step's other events in ONE multi-row INSERT after the next
    flush, or at the commit (app/core/pending_rows.py): a step records 2–5 events, and one round trip beats five
    on PostgreSQL. An event may name a row inserted by that same flush: the case itself, or a payload value given
    as a zero-argument callable (`letter_id=lambda: letter.id`), called when the events are written. So a step
    needs no flush of its own just to learn an id. A rollback discards the queue with everything else.
    """
    pending_rows.queue(
        db.session,
        _INSERT_EVENTS,
        {
            "case_id": lambda: case.id,  # read when written: a case inserted by the same flush has one by then
            "at": utcnow(),
            "kind": str(kind),
            "actor_id": actor.id if actor else None,
            "unit_id": unit_id if unit_id is not None else (actor.unit_id if actor else None),
            "task_name": task_name,
            "payload": lambda: {key: value() if callable(value) else value for key, value in payload.items()},
        },
    )


# An executemany with RETURNING: SQLAlchemy's "insertmanyvalues" sends it as ONE INSERT … VALUES (…), (…) per
# batch, from a statement compiled once. (Without RETURNING, psycopg would run an executemany as one INSERT per
# row; a `.values([...])` multi-row insert is compiled anew every time.) The ids are not used.
_INSERT_EVENTS = insert(CaseEvent).returning(CaseEvent.id)


def move(case: Case, target: CaseStatus, *, actor: User | None, reason: str | None = None) -> None:
    """Moves the case along an allowed transition; anything else is a modelling error and stops the request."""
    if case.status == target:
        return
    if target not in TRANSITIONS[case.status]:
        raise DomainError(f"case {case.number}: {case.status} → {target} is not an allowed move")
    previous = case.status
    case.status = target
    if target == CaseStatus.IN_REVIEW and "accepted_on" not in case.data:
        # Accepted (受理) = the day the materials were found complete; letters and deadlines need it.
        case.data = {**case.data, "accepted_on": local_now().date().isoformat()}
    record(case, EventKind.STATUS_CHANGED, actor=actor, **{"from": str(previous), "to": str(target), "reason": reason})
    if previous == CaseStatus.AWAITING_APPLICANT or target == CaseStatus.AWAITING_APPLICANT:
        from app.cases import statutory  # reads the calendar; lazily, so models-level imports stay light

        if previous == CaseStatus.AWAITING_APPLICANT:
            statutory.resume(case)
            record(case, EventKind.CLOCK_RESUMED, actor=actor, statutory_due_on=_iso(case.statutory_due_on))
        if target == CaseStatus.AWAITING_APPLICANT:
            statutory.pause(case)
            record(case, EventKind.CLOCK_PAUSED, actor=actor)


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None
