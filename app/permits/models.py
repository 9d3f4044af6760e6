"""Issued residence permits: records with holder, number, validity and status (lifecycle grows in issue 4)."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import TimestampMixin
from app.extensions import db


class PermitStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDORSEMENT_DUE = "endorsement_due"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class ResidencePermit(TimestampMixin, db.Model):
    __tablename__ = "residence_permits"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    holder_name: Mapped[str] = mapped_column(String(80))
    holder_id_number: Mapped[str] = mapped_column(String(18), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    endorsement_window_start: Mapped[date] = mapped_column(Date)
    status: Mapped[PermitStatus] = mapped_column(
        Enum(PermitStatus, native_enum=False, length=20), default=PermitStatus.ACTIVE
    )
