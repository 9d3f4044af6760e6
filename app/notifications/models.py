"""In-app notifications for staff (overdue tasks, escalations). The e-mail/SMS outbox for applicants is separate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
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
