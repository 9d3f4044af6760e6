"""Legal-aid fixtures: applications (the demo's builder, seeded) and helpers to work a case's tasks.

The world's clock stands at Friday 2026-11-20 10:00 China time; 11-21/22 are the weekend.
"""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from sqlalchemy import select

from app.cases import service
from app.cases import timers as case_timers
from app.core import clock
from app.inbox.models import HumanTask, TaskState
from app.legal_aid.demo import application
from app.letters.models import Letter

OK = {
    f"materials.{code}.verdict": "provided"
    for code in (
        "id_proof",
        "application_form",
        "hardship_statement",
        "status_proof",
        "case_materials",
        "wage_evidence",
    )
}
GRANT = {"decision": "grant", "aid_form": "arbitration", "aid_scope": "劳动争议仲裁代理至裁决作出"}
REFUSE = {"decision": "refuse", "refusal_ground": "no_basis", "refusal_reasons": "申请人主张的事实与证据明显不符。"}
APPOINT = {
    "law_firm": "浙江西湖律师事务所",
    "lawyer_name": "郑明",
    "lawyer_licence": "13301201810123456",
    "lawyer_phone": "13812345678",
    "appointed_on": "2026-11-20",
}
OBJECTION = {
    "objected": "objected",
    "objection_received_on": "2026-11-20",
    "objection_grounds": "申请人有证据证明其主张",
}


def la_form(applicant: str = "wage", community: str = "C0201", *, seed: int = 5, **overrides) -> dict:
    """A complete application: "wage" (migrant worker's wage claim, green channel), "support" (means-tested),
    "pension" (exempt, Art. 42(1)), "violence" (Art. 32), "other" (out of scope)."""
    form = application(random.Random(seed), applicant, community)
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


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
    done = service.complete_task(task_id=task.id, actor=user, form=form, locale="zh")
    db.session.commit()
    return done


def letters(db, case) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)))


def letter(db, case, kind: str) -> Letter:
    return next(x for x in reversed(letters(db, case)) if x.kind == kind)


def text(letter_row: Letter) -> str:
    """Every sentence the letter says (the stored context holds them all), run together."""

    def walk(value):
        if isinstance(value, dict):
            return "".join(walk(v) for v in value.values())
        if isinstance(value, list):
            return "".join(walk(v) for v in value)
        return str(value) if isinstance(value, str) else ""

    return walk(letter_row.context)


def fire_timers(db, day: str, hour: int = 10) -> int:
    clock.freeze(datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00"))
    fired = case_timers.fire_due(now=clock.utcnow())
    db.session.expire_all()
    return fired


@pytest.fixture()
def centre(world):
    return world.users["legal_aid1"]


@pytest.fixture()
def green(db, world, centre):
    """A migrant worker's wage claim taken in at the legal-aid centre's window on Friday 2026-11-20."""
    case, _code = service.open_case(service="legal_aid", form=la_form(), actor=centre, locale="zh")
    db.session.commit()
    return case


__all__ = ["APPOINT", "GRANT", "OBJECTION", "OK", "REFUSE", "do", "fire_timers", "la_form", "letter", "open_tasks"]
