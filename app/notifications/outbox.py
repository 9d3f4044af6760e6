"""The outbox of e-mails and SMS to applicants (docs/notifications.md).

`queue_message` writes a row in the CURRENT transaction — the one that records the event — and asks for the
send job; the job runs only after the commit (app/core/jobs.py: Celery when configured, inline otherwise), so
a rolled-back event never sends a message, and a committed one is never lost. The job sends what is due and
retries failures with exponential backoff.

Never two messages for one event: each row has a dedupe key (an HMAC of kind, case, channel, recipient and
the event's context); queueing the same event again is a no-op, and a sent row is never sent again.

Case milestones are hooked once, generically, in app/cases/steps.py (`on_case_steps`): case opened →
"case_received"; a supplement letter or the move to awaiting_applicant → "supplement_needed"; a move to a
decided status → "decision_issued"; a BPMN throw event with the property `notify="<kind>"` → that kind (how a
process says "endorsement due" or "permit suspended" without code). Other code calls `queue_message` or
`on_case_milestone` directly.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable

from app.core import jobs, pending_rows
from app.core.clock import utcnow
from app.core.masking import mask_phone
from app.extensions import db
from app.notifications import transports
from app.notifications.models import OutboxMessage, OutboxStatus

if TYPE_CHECKING:
    from app.cases.models import Case
    from app.processes.engine import Reached

log = logging.getLogger("anju.outbox")

KINDS = (
    "case_received",
    "supplement_needed",
    "decision_issued",
    "endorsement_due",
    "permit_suspended",
    "verification_code",
)
# Bodies that must not stay in the database once sent (a verification code is a secret).
SECRET_KINDS = frozenset({"verification_code"})
SEND_JOB = "outbox.send"
_DECIDED = ("approved", "refused", "not_accepted", "withdrawn", "referred", "terminated")


def queue_message(*, kind: str, case: Case | None, to_phone: str | None, to_email: str | None, context: dict) -> None:
    """Queues one SMS (to_phone) and/or one e-mail (to_email) of `kind` in the current transaction.

    `context` fills the template `notifications/messages/<kind>.<locale>.txt` (locale: context["locale"],
    default zh); an "event" entry distinguishes two events of the same kind on one case. Flushes nothing."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox message kind {kind!r}; known: {', '.join(KINDS)}")
    locale = "en" if context.get("locale") == "en" else "zh"
    full = {**_case_context(case, locale), **context, "locale": locale}
    subject, body = _render(kind, locale, full)
    queued = False
    for channel, recipient in (("sms", to_phone), ("email", to_email)):
        recipient = (recipient or "").strip()
        if not recipient:
            continue
        key = _dedupe_key(kind, case, channel, recipient, context)
        if any(row["dedupe_key"] == key for row in pending_rows.queued(db.session, _insert_messages)):
            continue  # the same event twice in one transaction; one already written is skipped by the INSERT
        pending_rows.queue(
            db.session,
            _insert_messages,
            {
                "dedupe_key": key,
                "kind": kind,
                "channel": channel,
                "recipient": recipient,
                "locale": locale,
                "case_id": case.id if case is not None else None,
                "subject": subject[:200],
                "body": body if channel == "email" else _sms_text(subject, body, locale),
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "created_at": utcnow(),
                "next_attempt_at": utcnow(),
            },
        )
        queued = True
    if queued and (SEND_JOB, {}) not in db.session.info.get("jobs_pending", []):
        jobs.enqueue(SEND_JOB)


def on_case_milestone(case: Case, kind: str, *, event: str, phone: str | None = None, **context: Any) -> int:
    """Tells the case's applicant about a milestone, on the channel they chose (portal.accounts); without an
    account, by SMS to `phone` or the phone on the form. Returns how many recipients it was queued for."""
    from app.portal import accounts  # the applicant side knows who wants what; imported late (no cycle)

    recipients = accounts.recipients_for(case, phone=phone)
    for recipient in recipients:
        queue_message(
            kind=kind,
            case=case,
            to_phone=recipient.phone,
            to_email=recipient.email,
            context={**context, "event": event, "locale": recipient.locale},
        )
    return len(recipients)


def on_case_steps(case: Case, reached: list[Reached], *, opened: bool) -> None:
    """The milestones of one engine step, found from the BPMN properties of what it reached (steps.advance)."""
    from app.letters import kinds as letter_kinds

    tag = f"v{case.lock_version or 0}"  # one save of the case: a later pass through the same element is new
    if opened:
        on_case_milestone(case, "case_received", event="opened")
    for step in reached:
        props = step.properties
        letter = letter_kinds.get(props.get("letter", ""))
        event = f"{step.name}@{tag}"
        if props.get("notify") in KINDS:
            on_case_milestone(case, props["notify"], event=event)
        if props.get("status") == "awaiting_applicant" or (letter is not None and letter.role == "supplement"):
            deadline = (case.data.get("check_materials") or {}).get("supplement_deadline")
            on_case_milestone(case, "supplement_needed", event=event, deadline=deadline)
        elif props.get("status") in _DECIDED:
            on_case_milestone(case, "decision_issued", event=event, outcome=props["status"])


# -- sending (the job) ----------------------------------------------------------------------------------------


def send_pending(limit: int = 200) -> int:
    """Sends due messages, each in its own transaction; returns how many were sent. Idempotent: only pending
    rows are taken, each row is claimed under a lock (SKIP LOCKED on PostgreSQL), and a sent row stays sent."""
    sent = 0
    for _ in range(limit):
        message = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if message is None:
            break
        sent += _send_one(message)
        db.session.commit()
    return sent


def _send_one(message: OutboxMessage) -> int:
    message.attempts += 1
    try:
        if message.channel == "email":
            transports.send_email(message.recipient, message.subject, message.body)
        else:
            transports.send_sms(message.recipient, message.body)
    except Exception as exc:  # any failure of a transport is retried; the row records why
        config = current_app.config
        message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        if message.attempts >= int(config.get("OUTBOX_MAX_ATTEMPTS", 6)):
            message.status = OutboxStatus.FAILED
        else:
            delay = float(config.get("OUTBOX_RETRY_SECONDS", 60)) * 2 ** (message.attempts - 1)
            message.next_attempt_at = utcnow() + timedelta(seconds=delay)
        log.warning("outbox %s (%s) attempt %s failed: %s", message.id, message.kind, message.attempts, exc)
        return 0
    message.status, message.sent_at, message.last_error = OutboxStatus.SENT, utcnow(), None
    if message.kind in SECRET_KINDS:
        message.body = "—"
    return 1


# -- helpers ---------------------------------------------------------------------------------------------------


def mask_recipient(recipient: str) -> str:
    if "@" in recipient:
        name, _, domain = recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask_phone(recipient)


def _case_context(case: Case | None, locale: str) -> dict[str, Any]:
    if case is None:
        return {}
    from app.cases import services

    with force_locale(locale):
        service = services.label(case.service)
    base = current_app.config.get("ANJU_PUBLIC_URL", "").rstrip("/")
    return {"case_number": case.number, "service": service, "track_url": f"{base}/track"}


def _render(kind: str, locale: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject (first line) and body (after the blank line) from the kind's template in the given language."""
    with force_locale(locale):
        text = render_template(f"notifications/messages/{kind}.{locale}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip()


def _sms_text(subject: str, body: str, locale: str) -> str:
    sign = "【安居】" if locale == "zh" else "[Anju] "
    return f"{sign}{body}"


def _dedupe_key(kind: str, case: Case | None, channel: str, recipient: str, context: dict) -> str:
    material = json.dumps(
        [kind, case.id if case is not None else None, channel, recipient, context],
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    key = current_app.config["SECRET_KEY"].encode()  # keyed: a key must not reveal a code it was made from
    return hmac.new(key, material.encode(), hashlib.sha256).hexdigest()


@functools.cache
def _insert_messages(dialect: str) -> Executable:
    """Queued messages are written after the flush (app/core/pending_rows.py); a key already in the table — the
    same event queued by an earlier transaction — is skipped by the database, in the same statement."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(OutboxMessage).on_conflict_do_nothing(index_elements=[OutboxMessage.dedupe_key])


def retry_now(message_id: int) -> None:
    """An admin asks for a failed or waiting message to be tried again at once (the send job is queued)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status == OutboxStatus.SENT:
        return
    message.status, message.next_attempt_at = OutboxStatus.PENDING, utcnow()
    jobs.enqueue(SEND_JOB)
