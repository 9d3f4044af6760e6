"""Issued residence permits and their lifecycle (rules.md §1.3 steps 6–10, D-RP-4).

A permit is valid for one year at a time: `valid_until` is the day before the next anniversary, and the
endorsement (签注) is due from `endorsement_window_start` (anniversary − 1 month). Every status change is a
`PermitEvent`; the cases that act on a permit (application, endorsements, changes, replacements) are linked
by `PermitCase`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import Date, DateTime, Enum, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.core.db import JSONType, TimestampMixin
from app.extensions import db


class PermitStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDORSEMENT_DUE = "endorsement_due"
    SUSPENDED = "suspended"  # 使用功能中止: the anniversary passed without an endorsement
    TERMINATED = "terminated"  # 使用功能终止: endorsement refused (no longer eligible)


class ResidencePermit(TimestampMixin, db.Model):
    __tablename__ = "residence_permits"
    __table_args__ = (
        # The endorsement scan's two questions: "active and in its window", "not endorsed and past its anniversary".
        Index("ix_residence_permits_status_window", "status", "endorsement_window_start"),
        Index("ix_residence_permits_status_valid", "status", "valid_until"),
    )

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
    # Continuous residence is counted from here: the issue date, or the date of a late re-endorsement
    # (杭州 Art. 20; Decree 663 Art. 10: the suspended period does not count).
    residence_years_from: Mapped[date | None] = mapped_column(Date)
    last_endorsed_on: Mapped[date | None] = mapped_column(Date)
    # Where the holder lives now (a change of address moves the permit to the new community) and how to
    # reach them (reminders); both start from the application.
    address: Mapped[str | None] = mapped_column(String(200))
    holder_phone: Mapped[str | None] = mapped_column(String(20))
    # 1 for the first card; a replacement (补领/换领) makes the earlier card void.
    card_serial: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    community = relationship("OrgUnit", foreign_keys=[community_id])
    events: Mapped[list[PermitEvent]] = relationship(back_populates="permit", order_by="PermitEvent.id")

    @property
    def anniversary(self) -> date:
        """The day the current year of validity ends: endorsement must be done before it."""
        return self.valid_until + timedelta(days=1)

    @property
    def residence_since(self) -> date:
        return self.residence_years_from or self.issued_on


class PermitEventKind(enum.StrEnum):
    ISSUED = "issued"
    ENDORSEMENT_DUE = "endorsement_due"
    REMINDED = "reminded"  # a reminder to the holder was queued (or, without an outbox, recorded here)
    SUSPENDED = "suspended"
    ENDORSED = "endorsed"
    RESTORED = "restored"  # late endorsement: active again, residence years counted from that day
    TERMINATED = "terminated"
    ADDRESS_CHANGED = "address_changed"
    REPLACED = "replaced"
    CASE_OPENED = "case_opened"


class PermitEvent(db.Model):
    """The permit's own history: every status change and every change of its record, append-only."""

    __tablename__ = "permit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(ForeignKey("residence_permits.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)

    permit: Mapped[ResidencePermit] = relationship(back_populates="events")
    actor = relationship("User")
    case = relationship("Case")


class PermitCase(db.Model):
    """A case acting on a permit: its application, endorsements, changes of address and replacements."""

    __tablename__ = "permit_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(ForeignKey("residence_permits.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))  # application, endorsement, change_address, replacement

    permit: Mapped[ResidencePermit] = relationship()
    case = relationship("Case")
