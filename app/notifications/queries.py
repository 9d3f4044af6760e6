"""Reads of in-app notifications."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.notifications.models import Notification, OutboxMessage, OutboxStatus

PAGE_SIZE = 50


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def latest(user: User, *, limit: int = PAGE_SIZE) -> list[Notification]:
    """Unread first, then newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def outbox_messages(*, status: str = "", limit: int = PAGE_SIZE * 4) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query))


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {str(status): count for status, count in rows}
