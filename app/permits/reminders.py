"""Telling the holder about their permit (Hangzhou Art. 25 requires a reminder service): the ONE place where the
permit lifecycle talks to the applicant outbox.

The message goes through the applicant outbox (`app.notifications.outbox.queue_message`: written in the same
transaction, sent after commit by the worker) and is recorded on the permit's history, so the obligation to
remind is visible even for a holder without a phone. Kinds: "endorsement_due", "permit_suspended".
"""

from __future__ import annotations

from app.cases.models import Case
from app.notifications import outbox
from app.permits.models import PermitEventKind, ResidencePermit

KINDS = frozenset({"endorsement_due", "permit_suspended"})


def remind_holder(permit: ResidencePermit, kind: str, *, case: Case | None = None) -> str:
    """Queues the reminder of `kind` for the holder; returns how it went ("outbox" or "recorded")."""
    from app.permits import lifecycle

    if kind not in KINDS:
        raise ValueError(f"unknown permit reminder {kind!r}")
    context = {
        "permit_number": permit.number,
        "holder_name": permit.holder_name,
        "anniversary": permit.anniversary.isoformat(),
        "valid_until": permit.valid_until.isoformat(),
        "window_start": permit.endorsement_window_start.isoformat(),
        "case_number": case.number if case else None,
    }
    if case is not None:  # on the channel the holder chose, if they have an applicant account (portal.accounts)
        queued = outbox.on_case_milestone(case, kind, event=kind, phone=permit.holder_phone or None, **context)
    else:
        outbox.queue_message(kind=kind, case=None, to_phone=permit.holder_phone or None, to_email=None, context=context)
        queued = 1 if permit.holder_phone else 0
    channel = "outbox" if queued else "recorded"
    lifecycle.log(permit, PermitEventKind.REMINDED, actor=None, reminder=kind, channel=channel, **context)
    return channel
