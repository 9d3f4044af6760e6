"""Applicant accounts: register with a phone or e-mail and a password, prove it with a 6-digit code sent through
the outbox, log in, choose how to be told about cases. Services flush; the view commits.

Applicants are not staff. Their session is `session["applicant"] = {"id", "tag"}` — never Flask-Login's
`_user_id` — so `current_user` is always a staff User or anonymous, and no staff route can see an applicant.
The tag is an HMAC over the account id and its password hash: a forged id, or a session from before a
password change, is no session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.cases.models import Case
from app.core.clock import utcnow
from app.core.errors import ValidationFailed
from app.extensions import db
from app.forms.formats import FormatProblem, check_email, check_mobile
from app.notifications import outbox
from app.portal.models import ApplicantAccount, ApplicantCase, VerificationCode

CODE_MINUTES = 10
CODE_ATTEMPTS = 5
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Recipient:
    phone: str | None
    email: str | None
    locale: str


def _hash_code(code: str, bound: str = "") -> str:
    """HMAC of a code; a code sent to a new contact address is bound to that address (it proves only that one)."""
    key = current_app.config["SECRET_KEY"].encode()
    material = f"applicant-code:{bound}:{code}" if bound else f"applicant-code:{code}"
    return hmac.new(key, material.encode(), hashlib.sha256).hexdigest()


def session_entry(account: ApplicantAccount) -> dict[str, Any]:
    key = current_app.config["SECRET_KEY"].encode()
    tag = hmac.new(key, f"applicant:{account.id}:{account.password_hash}".encode(), hashlib.sha256).hexdigest()
    return {"id": account.id, "tag": tag}


def account_from_session(entry: Any) -> ApplicantAccount | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), int) or not isinstance(entry.get("tag"), str):
        return None
    account = db.session.get(ApplicantAccount, entry["id"])
    if account is None or account.verified_at is None:
        return None
    return account if hmac.compare_digest(session_entry(account)["tag"], entry["tag"]) else None


def parse_login_name(value: str) -> tuple[str | None, str | None]:
    """(phone, email) from what the person typed; raises ValidationFailed on the login_name field."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed({"login_name": [_("Enter your mobile phone number or e-mail address")]})
    try:
        # E-mail addresses are kept lower-case: Li@Example.com and li@example.com are one person, one account.
        return (None, check_email(value).lower()) if "@" in value else (check_mobile(value), None)
    except (FormatProblem, ValueError) as exc:
        raise ValidationFailed(
            {"login_name": [_("Enter a mobile number like 13800138000 or an e-mail address like name@example.com")]}
        ) from exc


def find_account(phone: str | None, email: str | None) -> ApplicantAccount | None:
    column = ApplicantAccount.phone if phone else ApplicantAccount.email
    return db.session.scalars(select(ApplicantAccount).where(column == (phone or email))).one_or_none()


def register(*, login_name: str, password: str, locale: str) -> ApplicantAccount:
    """A new unverified account (or the same unverified one again), and a code sent to prove the address."""
    errors: dict[str, list[str]] = {}
    phone = email = None
    try:
        phone, email = parse_login_name(login_name)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = [_("Password: use at least %(n)s characters", n=MIN_PASSWORD)]
    if errors:
        raise ValidationFailed(errors)
    account = find_account(phone, email)
    if account is not None and account.verified_at is not None:
        raise ValidationFailed({"login_name": [_("An account already uses this number or address. Log in instead.")]})
    if account is None:
        account = ApplicantAccount(phone=phone, email=email, channel="email" if email else "sms", created_at=utcnow())
        db.session.add(account)
    account.password_hash = generate_password_hash(password)
    account.locale = locale if locale in ("zh", "en") else "zh"
    db.session.flush()
    send_code(account)
    return account


def send_code(
    account: ApplicantAccount, *, to_phone: str | None = None, to_email: str | None = None, bound: str = ""
) -> None:
    """A fresh code (earlier ones stop working), queued in the outbox in this transaction: to the account's own
    phone or e-mail, or (`bound`) to a new address being added, which only that code can confirm."""
    if not bound:
        to_phone, to_email = account.phone, account.email
    now = utcnow()
    for old in db.session.scalars(
        select(VerificationCode).where(VerificationCode.account_id == account.id, VerificationCode.used_at.is_(None))
    ):
        old.used_at = now
    code = f"{secrets.randbelow(1_000_000):06d}"
    db.session.add(
        VerificationCode(
            account_id=account.id,
            code_hash=_hash_code(code, bound),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
            attempts=0,
        )
    )
    outbox.queue_message(
        kind="verification_code",
        case=None,
        to_phone=to_phone,
        to_email=to_email,
        context={"code": code, "minutes": CODE_MINUTES, "locale": account.locale, "nonce": secrets.token_hex(8)},
    )


def verify(account: ApplicantAccount, code: str) -> None:
    """Marks the account verified if `code` is its current code; each wrong try counts, expired codes fail."""
    _use_code(account, code)
    account.verified_at = account.verified_at or utcnow()


def start_contact(account: ApplicantAccount, *, value: str) -> str:
    """Sends a code to a mobile number or e-mail address the applicant wants to add; returns it as stored.
    Raises ValidationFailed on the `contact` field."""
    try:
        phone, email = parse_login_name(value)
    except ValidationFailed as exc:
        raise ValidationFailed({"contact": exc.errors["login_name"]}) from exc
    if (phone and phone == account.phone) or (email and email == account.email):
        raise ValidationFailed({"contact": [_("This is already on your account.")]})
    other = find_account(phone, email)
    if other is not None and other.id != account.id:
        raise ValidationFailed({"contact": [_("Another account uses this number or address.")]})
    address = phone or email or ""
    send_code(account, to_phone=phone, to_email=email, bound=address)
    return address


def confirm_contact(account: ApplicantAccount, *, address: str, code: str) -> str:
    """Adds the address once the code sent to it is given back; returns "sms" or "email" (what was added)."""
    _use_code(account, code, bound=address)
    if "@" in address:
        account.email = address
        return "email"
    account.phone = address
    return "sms"


def _use_code(account: ApplicantAccount, code: str, *, bound: str = "") -> None:
    current = db.session.scalars(
        select(VerificationCode)
        .where(VerificationCode.account_id == account.id, VerificationCode.used_at.is_(None))
        .order_by(VerificationCode.id.desc())
    ).first()
    code = "".join((code or "").split())
    if current is None or current.attempts >= CODE_ATTEMPTS:
        raise ValidationFailed({"code": [_("This code can no longer be used. Ask for a new code.")]})
    if _aware(current.expires_at) < utcnow():
        raise ValidationFailed({"code": [_("The code has expired. Ask for a new code.")]})
    current.attempts += 1
    if not (len(code) == 6 and code.isdigit() and hmac.compare_digest(_hash_code(code, bound), current.code_hash)):
        left = CODE_ATTEMPTS - current.attempts
        raise ValidationFailed({"code": [_("The code is not right. You can try %(n)s more times.", n=left)]})
    current.used_at = utcnow()


def authenticate(*, login_name: str, password: str) -> ApplicantAccount | None:
    """The account if the password is right (verified or not); None otherwise, saying nothing about which."""
    try:
        phone, email = parse_login_name(login_name)
    except ValidationFailed:
        return None
    account = find_account(phone, email)
    if account is None:
        check_password_hash(generate_password_hash("x"), password or "")  # the same work for unknown names
        return None
    if not check_password_hash(account.password_hash, password or ""):
        account.failed_logins += 1
        return None
    account.failed_logins, account.last_login_at = 0, utcnow()
    return account


def set_preferences(account: ApplicantAccount, *, channel: str, locale: str) -> None:
    if channel not in ("sms", "email") or (channel == "sms" and not account.phone):
        raise ValidationFailed({"channel": [_("Choose how we contact you: the options are the ones on your account")]})
    if channel == "email" and not account.email:
        raise ValidationFailed({"channel": [_("Choose how we contact you: the options are the ones on your account")]})
    account.channel = channel
    account.locale = locale if locale in ("zh", "en") else account.locale


def link_case(account: ApplicantAccount, case: Case) -> bool:
    """The case now belongs to the account; False if it already belongs to another account (left alone)."""
    owner = db.session.scalar(select(ApplicantCase.account_id).where(ApplicantCase.case_id == case.id))
    if owner is None:
        db.session.add(ApplicantCase(account_id=account.id, case_id=case.id, linked_at=utcnow()))
        return True
    return owner == account.id


def cases_of(account: ApplicantAccount) -> list[Case]:
    return list(
        db.session.scalars(
            select(Case)
            .join(ApplicantCase, ApplicantCase.case_id == Case.id)
            .where(ApplicantCase.account_id == account.id)
            .order_by(Case.opened_at.desc(), Case.id.desc())
        )
    )


def owns_case(account: ApplicantAccount, case_id: int) -> Case | None:
    return db.session.scalars(
        select(Case)
        .join(ApplicantCase, ApplicantCase.case_id == Case.id)
        .where(ApplicantCase.account_id == account.id, Case.id == case_id)
    ).one_or_none()


# Built once: building this select and its cache key cost four times its round trip on every milestone. A case
# without an ID number compares NULL, which matches nothing, so one statement serves both.
_HOLDER_OF_CASE_OR_PERSON = (
    select(ApplicantCase.account_id)
    .join(Case, Case.id == ApplicantCase.case_id)
    .where(or_(Case.id == bindparam("case_id"), Case.applicant_id_number == bindparam("id_number")))
    .order_by((Case.id == bindparam("case_id")).desc(), ApplicantCase.linked_at.desc())
    .limit(1)
)


def recipients_for(case: Case, *, phone: str | None = None) -> list[Recipient]:
    """Who hears about `case`: the account that holds it — or, failing that, one holding another case of the
    same person (an endorsement the system opened, a window case not yet claimed) — on the channel they chose;
    else SMS to `phone` or the phone given on the form. An application being sent by a logged-in applicant
    names its account before the case row is linked."""
    account_id = db.session.info.get("applicant_applying")
    if account_id is None:
        with db.session.no_autoflush:
            account_id = db.session.scalar(
                _HOLDER_OF_CASE_OR_PERSON, {"case_id": case.id, "id_number": case.applicant_id_number or None}
            )
    account = db.session.get(ApplicantAccount, account_id) if account_id else None
    fallback = phone or case.applicant_phone or None
    if account is not None:
        if account.channel == "email" and account.email:
            return [Recipient(None, account.email, account.locale)]
        return [Recipient(account.phone or fallback, None, account.locale)]
    return [Recipient(fallback, None, "zh")] if fallback else []


def _aware(moment):
    """SQLite gives back naive datetimes (stored in UTC)."""
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
