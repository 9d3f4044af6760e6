"""In-app notifications for staff (overdue tasks, escalations), and the outbox of e-mails and SMS to applicants."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.cases.models import Case
from app.core.clock import utcnow
from app.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    # The header asks "how many unread for me" on every page: (user_id, read_at) answers it from the index.
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # task_overdue, …
    # Both languages are written when the notification is made: the reader's language is not known then.
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
    case: Mapped[Case | None] = relationship()

    def message(self, locale: str) -> str:
        return self.message_en if locale == "en" else self.message_zh


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting to be sent (or to be tried again at next_attempt_at)
    SENT = "sent"
    FAILED = "failed"  # gave up after OUTBOX_MAX_ATTEMPTS; shown on the outbox page


class OutboxMessage(db.Model):
    """An e-mail or SMS to an applicant, written in the same transaction as the event it tells about and sent
    after the commit by a job (notifications.outbox). One row per recipient and channel."""

    __tablename__ = "outbox_messages"
    # The sender asks "what is due now": pending rows by next attempt time.
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Same event, same recipient → same key: a second queue_message for it is a no-op (never two messages).
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # case_received, supplement_needed, …
    channel: Mapped[str] = mapped_column(String(10))  # sms | email
    recipient: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(5), default="zh")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case | None] = relationship()
