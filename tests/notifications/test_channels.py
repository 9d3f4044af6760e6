"""Applicants choose their channel: every kind of message about a person — acceptance, supplement, decision,
endorsement due, permit suspended — goes the way their account says, and by SMS to the phone otherwise."""

from __future__ import annotations

from sqlalchemy import select

from app.core.clock import utcnow
from app.notifications.models import OutboxMessage
from app.permits import scan
from app.portal.models import ApplicantAccount, ApplicantCase
from tests.permits.conftest import issue_through_process, on


def _messages(db, kind: str) -> list[tuple[str, str, str]]:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))
    return [(m.channel, m.recipient, m.locale) for m in rows]


def test_permit_reminders_follow_the_holders_choice(db, world):
    chose_email = issue_through_process(db, world, seed=501)
    no_account = issue_through_process(db, world, seed=502)
    account = ApplicantAccount(
        phone=None, email="holder@example.com", password_hash="-", verified_at=utcnow(), channel="email", locale="en"
    )
    db.session.add(account)
    db.session.flush()
    db.session.add(ApplicantCase(account_id=account.id, case_id=chose_email.case_id, linked_at=utcnow()))
    db.session.commit()

    on("2027-10-20")
    assert scan.scan_endorsements() == 2
    assert sorted(_messages(db, "endorsement_due")) == sorted(
        [("email", "holder@example.com", "en"), ("sms", no_account.holder_phone, "zh")]
    )
    english = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "endorsement_due", OutboxMessage.channel == "email")
    ).one()
    assert chose_email.number in english.body or str(chose_email.valid_until) in english.body

    on("2027-11-21")
    assert scan.scan_endorsements() == 2
    assert sorted(_messages(db, "permit_suspended")) == sorted(
        [("email", "holder@example.com", "en"), ("sms", no_account.holder_phone, "zh")]
    )
    assert scan.scan_endorsements() == 0 and len(_messages(db, "permit_suspended")) == 2  # never twice
