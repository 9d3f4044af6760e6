"""School-placement fixtures: schools with places, parents who hold permits issued through the real process."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.cases import service
from app.core import clock
from app.inbox.models import HumanTask, TaskState
from app.schools.demo import materials_check, permit_holder, school_form, seed_schools


def at(day: str) -> None:
    clock.freeze(datetime.fromisoformat(f"{day}T10:00:00+08:00"))


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


@pytest.fixture()
def schools(db, world):
    seed_schools(world.units, 2027)  # the demo's five schools: XH-P01 has 3 grade-1 places for C0101 + C0102
    db.session.commit()
    return world


@pytest.fixture()
def apply(db, schools):
    """apply(community, **form overrides) → (case, form): a parent with a permit applies on 2026-11-20;
    apply.access_codes[case.id] is the access code the parent got."""
    rng = random.Random(7)

    def _apply(community: str = "C0101", *, issued_on: str = "2026-06-01", registered: int = 8, **overrides):
        holder = permit_holder(
            schools.units,
            schools.users,
            rng,
            community=community,
            issued_on=date.fromisoformat(issued_on),
            registered_months_before=registered,
        )
        at("2026-11-20")
        form = school_form(holder, rng, 2027, **overrides)
        case, code = service.open_case(
            service="school_placement", form=form, actor=schools.users["education1"], locale="zh"
        )
        db.session.commit()
        _apply.access_codes[case.id] = code
        return case, form

    _apply.access_codes = {}  # case id → the applicant access code printed on the receipt
    return _apply


def check(db, case, form, user, **kwargs) -> None:
    do(db, case, user, materials_check(form, **kwargs))
    db.session.commit()
