"""Writes of in-app notifications. Services flush; the request or job commits."""

from __future__ import annotations

from sqlalchemy import update

from app.accounts.models import User
from app.cases.models import Case
from app.core.clock import utcnow
from app.extensions import db
from app.notifications.models import Notification


def notify(*, user_id: int, case: Case | None, kind: str, message_zh: str, message_en: str) -> Notification:
    note = Notification(
        user_id=user_id,
        case_id=case.id if case else None,
        kind=kind,
        message_zh=message_zh,
        message_en=message_en,
        created_at=utcnow(),
    )
    db.session.add(note)
    return note


def mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Marks one (or, with no id, every) unread notification of `user` as read; another user's id changes
    nothing. Returns how many were marked."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    result = db.session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0))  # a CursorResult for an UPDATE
