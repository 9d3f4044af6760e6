"""Inbox reads: plain SQL over human_tasks, never the engine. Indexed on (unit_id, state, due_at)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.accounts import service as accounts
from app.accounts.models import User
from app.extensions import db
from app.inbox.models import HumanTask, TaskState

PAGE_SIZE = 50


@dataclass
class InboxPage:
    tasks: list[HumanTask]
    total: int
    page: int
    pages: int


def inbox(user: User, *, view: str = "mine", service: str | None = None, page: int = 1) -> InboxPage:
    """view: 'mine' = open tasks I claimed; 'unit' = open, unclaimed tasks of my units. Most urgent first."""
    query = select(HumanTask).where(HumanTask.state == TaskState.OPEN)
    if view == "mine":
        query = query.where(HumanTask.assignee_id == user.id)
    else:
        query = query.where(HumanTask.assignee_id.is_(None))
        units = accounts.visible_unit_ids(user)
        if units is not None:
            query = query.where(HumanTask.unit_id.in_(units))
    if service:
        query = query.where(HumanTask.service == service)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(page, 1)
    rows = db.session.scalars(
        query.options(joinedload(HumanTask.case), joinedload(HumanTask.unit), joinedload(HumanTask.assignee))
        .order_by(HumanTask.priority.desc(), HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return InboxPage(list(rows), total, page, max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1))


def counts(user: User) -> dict[str, int]:
    units = accounts.visible_unit_ids(user)
    mine = select(func.count()).where(HumanTask.state == TaskState.OPEN, HumanTask.assignee_id == user.id)
    unit = select(func.count()).where(HumanTask.state == TaskState.OPEN, HumanTask.assignee_id.is_(None))
    if units is not None:
        unit = unit.where(HumanTask.unit_id.in_(units))
    return {"mine": db.session.scalar(mine) or 0, "unit": db.session.scalar(unit) or 0}
