"""Wage-arrears fixtures: complaint forms (the demo's builder, seeded) and helpers to work a case's tasks."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from sqlalchemy import select

from app.cases import service
from app.cases import timers as case_timers
from app.core import clock
from app.inbox.models import HumanTask, TaskState
from app.wage_arrears.demo import ACCEPT, bureau_contacts, complaint_form, findings


def wa_form(community: str = "C0201", *, seed: int = 3, **overrides) -> dict:
    return complaint_form(random.Random(seed), community, **overrides)


def open_tasks(db, case_id: int) -> list[HumanTask]:
    return list(
        db.session.scalars(
            select(HumanTask)
            .where(HumanTask.case_id == case_id, HumanTask.state == TaskState.OPEN)
            .order_by(HumanTask.id)
        )
    )


def do(db, case, user, form: dict, name: str | None = None) -> HumanTask:
    task = next(t for t in open_tasks(db, case.id) if name in (None, t.task_name))
    return service.complete_task(task_id=task.id, actor=user, form=form, locale="zh")


def at(day: str) -> None:
    """Moves Anju's clock to 10:00 China time on `day`."""
    clock.freeze(datetime.fromisoformat(f"{day}T10:00:00+08:00"))


def fire_timers(db, day: str) -> int:
    at(day)
    fired = case_timers.fire_due(now=clock.utcnow())
    db.session.expire_all()
    return fired


@pytest.fixture()
def labour(db, world):
    bureau_contacts(world.units)  # the signing bureau's address and phone, as the demo sets them
    db.session.commit()
    return world.users["labour1"]


@pytest.fixture()
def opened(db, world, labour):
    """An individual complaint opened at the labour inspection window on 2026-11-20."""
    case, _code = service.open_case(service="wage_arrears", form=wa_form(), actor=labour, locale="zh")
    db.session.commit()
    return case


def to_order(db, case, user, form: dict, deadline: str = "2026-12-10") -> None:
    do(db, case, user, ACCEPT)
    do(db, case, user, findings(form, at_least=15000))
    do(db, case, user, {"defence_made": "waived"})
    do(db, case, user, {"payment_deadline": deadline, "service_method": "direct"})
    db.session.commit()


__all__ = ["ACCEPT", "at", "do", "findings", "fire_timers", "open_tasks", "to_order", "wa_form"]
