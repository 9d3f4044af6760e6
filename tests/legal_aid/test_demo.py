"""The legal-aid demo: cases in every state and at every open step, made through the real services, none in the
future, every letter kind issued — seen from a pinned moment (Friday 2026-11-20 10:00 China time)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import select

from app.cases.models import Case, CaseEvent, CaseStatus
from app.core import clock
from app.inbox.models import HumanTask, TaskState
from app.legal_aid import demo
from app.legal_aid.letters import CENTRE_KINDS
from app.letters.models import Letter
from app.processes import specs

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=clock.CHINA_TZ)


def test_demo_cases_cover_every_state_step_and_letter(db, world):
    demo.make_cases(world.units, world.users, random.Random("legal_aid"), now=NOW)
    db.session.commit()
    cases = list(db.session.scalars(select(Case).where(Case.service == "legal_aid")))
    assert len(cases) == len(demo.scenarios(random.Random(0)))
    assert {c.status for c in cases} == {
        CaseStatus.RECEIVED,
        CaseStatus.AWAITING_APPLICANT,
        CaseStatus.WITHDRAWN,
        CaseStatus.IN_REVIEW,
        CaseStatus.APPROVED,
        CaseStatus.REFUSED,
        CaseStatus.TERMINATED,
        CaseStatus.CLOSED,
    }
    open_steps = set(
        db.session.scalars(
            select(HumanTask.task_name).where(HumanTask.service == "legal_aid", HumanTask.state == TaskState.OPEN)
        )
    )
    bundle = specs.bundle_for(specs.latest_version_info("legal_aid"))
    user_tasks = {name for name, meta in bundle.tasks.items() if meta.kind == "userTask"}
    assert open_steps == user_tasks  # somebody has something to do at every step of the process
    issued = set(db.session.scalars(select(Letter.kind).join(Case).where(Case.service == "legal_aid")))
    assert issued == {*CENTRE_KINDS, "la_objection_decision"}
    green = [c for c in cases if c.data.get("green_channel")]
    assert len(green) >= 5 and all(c.data["priority"] == 1 for c in green)
    online = [c for c in cases if c.data["channel"] == "online"]
    assert len(online) == 1 and online[0].opened_by_id is None
    # The objection outcomes: upheld (refused, finished), corrected (back in review), termination restored.
    decided = {c.number: c for c in cases if any(x.kind == "la_objection_decision" for x in _letters(db, c))}.values()
    assert {(c.status, c.closed_at is not None) for c in decided} >= {
        (CaseStatus.REFUSED, True),
        (CaseStatus.IN_REVIEW, False),
        (CaseStatus.APPROVED, False),
    }
    latest = db.session.scalar(
        select(CaseEvent.at).join(Case).where(Case.service == "legal_aid").order_by(CaseEvent.at.desc()).limit(1)
    )
    assert latest.replace(tzinfo=latest.tzinfo or UTC) <= NOW  # nothing happens after "now"


def _letters(db, case) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.case_id == case.id)))
