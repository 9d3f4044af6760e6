"""Settings supervisors keep per service (escalation of overdue tasks); saved inbox views; out-of-office delegations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.clock import utcnow
from app.core.db import JSONType
from app.extensions import db


class ServiceSetting(db.Model):
    """One row per service (process id). A missing row means the defaults below."""

    __tablename__ = "service_settings"

    service: Mapped[str] = mapped_column(String(40), primary_key=True)
    # When a task passes its due date: also hand it to the unit's supervisor (besides raising its priority and
    # telling the supervisor, which always happens).
    reassign_overdue_to_supervisor: Mapped[bool] = mapped_column(default=False)


class SavedView(db.Model):
    """A named set of inbox filters (inbox.queries.InboxFilters), personal or shared with the owner's unit."""

    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # NULL: only the owner sees it. Set: everyone whose own unit this is sees it (the owner's unit when saved).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    filters: Mapped[dict] = mapped_column(JSONType, default=dict)  # {"view": "unit", "service": …, "due": …}
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    owner: Mapped[User] = relationship()


class Delegation(db.Model):
    """Out of office: from `starts_on` to `ends_on` (local dates, both included) `substitute` works for `user`.

    When it starts (supervision.service.apply_delegations, run on creation and by the supervisor pages) the
    absent person's open claimed tasks move to the substitute, once (`applied_at`); tasks reassigned to the
    absent person while it runs go to the substitute instead (inbox.service.reassign_tasks). docs/supervision.md.
    """

    __tablename__ = "delegations"
    __table_args__ = (Index("ix_delegations_user_ends", "user_id", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the tasks were moved
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    substitute: Mapped[User] = relationship(foreign_keys=[substitute_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
