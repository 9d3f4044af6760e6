"""The applicant side's own records: applicant accounts (never staff), their verification codes, drafts of
online applications, the link from an account to its cases, and documents applicants upload."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import Case
from app.core.clock import utcnow
from app.core.db import JSONType
from app.extensions import db


class ApplicantAccount(db.Model):
    """A member of the public. Not a staff User: it has no role, no unit, and never enters Flask-Login."""

    __tablename__ = "applicant_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(10), default="sms")  # how to tell them about their cases
    locale: Mapped[str] = mapped_column(String(5), default="zh")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def login_name(self) -> str:
        return self.phone or self.email or ""


class VerificationCode(db.Model):
    """A 6-digit code sent through the outbox; only its HMAC is kept. Expires, and allows a few attempts."""

    __tablename__ = "applicant_verification_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("applicant_accounts.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApplicantCase(db.Model):
    """A case applied for while logged in (or claimed later with number + access code) belongs to the account."""

    __tablename__ = "applicant_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("applicant_accounts.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[Case] = relationship()


class ApplicationDraft(db.Model):
    """Answers of an online application not yet sent: per account and service, or per browser session
    (token_hash) for someone who continues without an account. Documents are references to stored files."""

    __tablename__ = "application_drafts"
    __table_args__ = (UniqueConstraint("account_id", "service", name="uq_application_drafts_account_service"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("applicant_accounts.id", ondelete="CASCADE"))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    service: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict] = mapped_column(JSONType, default=dict)
    documents: Mapped[dict] = mapped_column(JSONType, default=dict)  # material code → file reference
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class CaseDocument(db.Model):
    """A file an applicant uploaded for a case (with the application, or as a supplement). The bytes live in
    UPLOAD_DIR under their SHA-256, outside the web root; only staff routes that check the case serve them."""

    __tablename__ = "case_documents"
    __table_args__ = (Index("ix_case_documents_case", "case_id", "uploaded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    material_code: Mapped[str] = mapped_column(String(60))
    material_label: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(20))  # application | supplement
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
