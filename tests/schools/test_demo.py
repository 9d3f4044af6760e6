"""The school-placement demo: made through the real services, somebody has something to do at every step of
the process, and the places show every way they end — reported at the school, given up, never taken up."""

from __future__ import annotations

import random

from sqlalchemy import select

from app.inbox.models import HumanTask, TaskState
from app.processes import specs
from app.schools import demo
from app.schools.models import SchoolPlacement


def test_demo_cases_reach_every_step_and_every_end_of_a_place(db, world):
    demo.seed(world.units, world.users, random.Random("schools"))
    db.session.commit()
    open_steps = set(
        db.session.scalars(
            select(HumanTask.task_name).where(
                HumanTask.service == "school_placement", HumanTask.state == TaskState.OPEN
            )
        )
    )
    bundle = specs.bundle_for(specs.latest_version_info("school_placement"))
    assert open_steps == {name for name, meta in bundle.tasks.items() if meta.kind == "userTask"}
    placements = list(db.session.scalars(select(SchoolPlacement)))
    assert {p.release_reason for p in placements} == {None, "declined", "not_reported"}
    assert any(p.enrolled_on is not None for p in placements)
    waiting_to_report = [p for p in placements if p.enrolled_on is None and p.released_at is None]
    assert len(waiting_to_report) >= 5  # the grade-1 round's offers: they report next August
