"""Issued letters (decision documents) and their reference-number counters."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utcnow
from app.core.db import JSONType
from app.extensions import db


class LetterKind(enum.StrEnum):
    RP_RECEIPT = "rp_receipt"  # 受理回执
    RP_SUPPLEMENT = "rp_supplement"  # 一次性补正告知书
    RP_NOT_ACCEPTED = "rp_not_accepted"  # 不予受理决定书
    RP_APPROVAL = "rp_approval"  # 准予核发居住证决定书
    RP_REFUSAL = "rp_refusal"  # 不予核发居住证决定书


class LetterStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"  # withdrawn by the agency (e.g. after reconsideration)
    SUPERSEDED = "superseded"  # replaced by a later letter of the same kind


class Letter(db.Model):
    """One issued letter, rendered from the plain dict in `context`; once stored, the PDF never changes."""

    __tablename__ = "letters"
    __table_args__ = (Index("ix_letters_case_issued", "case_id", "issued_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(60), unique=True)  # 文号, e.g. 西公居准字〔2026〕第15号
    agency_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    template_name: Mapped[str] = mapped_column(String(80))  # e.g. letters/rp_approval.html
    template_version: Mapped[str] = mapped_column(String(64))  # sha256 of the template + shared CSS/macros
    context: Mapped[dict] = mapped_column(JSONType)
    # Deferred: lists of letters never load the PDFs; reading `letter.pdf` loads it.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))  # sha256 hex of `pdf`; set together with it
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verification_code: Mapped[str] = mapped_column(String(10), unique=True)
    status: Mapped[LetterStatus] = mapped_column(
        Enum(LetterStatus, native_enum=False, length=20), default=LetterStatus.VALID
    )

    @property
    def title(self) -> str:
        return str(self.context.get("title", self.kind))

    @property
    def is_rendered(self) -> bool:
        return self.content_hash is not None

    def __repr__(self) -> str:
        return f"<Letter {self.number} {self.kind}>"


class LetterSequence(db.Model):
    """The last 文号 number used per issuing agency, year and series (受, 补, 不受, 准, 不准)."""

    __tablename__ = "letter_sequences"

    agency_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
