"""Reassigning while someone completes the same task, with real concurrent connections (PostgreSQL only)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.cases import service as cases
from app.cases.models import CaseEvent
from app.extensions import db as _db
from app.inbox.models import HumanTask, TaskState
from app.inbox.service import reassign_tasks
from tests.conftest import database_url
from tests.factories import materials, permit_form

pytestmark = pytest.mark.skipif(not database_url().startswith("postgresql"), reason="needs PostgreSQL")


def test_a_reassignment_waits_for_a_completion_in_progress_and_skips_the_task(app, db, world):
    case, _code = cases.open_case(
        service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    task_id = db.session.scalars(select(HumanTask.id).where(HumanTask.case_id == case.id)).first()
    completing = threading.Event()
    outcome: dict = {}

    def user(name: str) -> User:
        return _db.session.scalars(select(User).where(User.username == name)).one()

    def complete():
        with app.app_context():
            cases.complete_task(task_id=task_id, actor=user("window1"), form=materials(), locale="zh")
            completing.set()  # the case row is locked until the commit below
            time.sleep(0.5)
            _db.session.commit()
            _db.session.remove()

    def reassign():
        with app.app_context():
            completing.wait(10)
            result = reassign_tasks(
                task_ids=[task_id], to_user_id=user("window2").id, actor=user("window_lead"), reason="race"
            )
            _db.session.commit()
            outcome["moved"], outcome["skipped"] = len(result.moved), [t.id for t in result.skipped]
            _db.session.remove()

    threads = [threading.Thread(target=complete), threading.Thread(target=reassign)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome == {"moved": 0, "skipped": [task_id]}
    db.session.expire_all()
    task = db.session.get(HumanTask, task_id)
    assert task.state == TaskState.COMPLETED and task.assignee_id == world.users["window1"].id
    events = select(CaseEvent.kind).where(CaseEvent.case_id == case.id, CaseEvent.kind == "task_reassigned")
    assert db.session.scalars(events).all() == []
