"""Two people acting on the same task at the same moment, with real concurrent database connections.

On PostgreSQL each thread has its own connection and transaction; exactly one wins, the other is told, and
nothing is duplicated. (On in-memory SQLite there is only one connection, so these run on PostgreSQL only.)
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.cases import service
from app.cases.models import CaseEvent
from app.core.errors import Conflict
from app.extensions import db as _db
from app.inbox import service as inbox
from app.inbox.models import HumanTask
from tests.conftest import database_url
from tests.factories import materials, permit_form

pytestmark = pytest.mark.skipif(not database_url().startswith("postgresql"), reason="needs PostgreSQL")


def race(app, action, usernames):
    """Runs action(actor) in one thread per user, released together; returns 'ok' or the Conflict message."""
    barrier = threading.Barrier(len(usernames))
    results: dict[str, str] = {}

    def run(username):
        with app.app_context():
            actor = _db.session.scalars(select(User).where(User.username == username)).one()
            barrier.wait()
            try:
                action(actor)
                _db.session.commit()
                results[username] = "ok"
            except Conflict as exc:
                _db.session.rollback()
                results[username] = exc.message
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(u,)) for u in usernames]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def first_task(db, case_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id).order_by(HumanTask.id)).first()


def test_two_completions_at_once_one_wins(app, db, world):
    case, _ = service.open_case(
        service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    task_id, case_id = first_task(db, case.id).id, case.id
    results = race(
        app,
        lambda actor: service.complete_task(task_id=task_id, actor=actor, form=materials(), locale="zh"),
        ["window1", "window2"],
    )
    assert list(results.values()).count("ok") == 1, results  # the loser's message may be Chinese: don't sort
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.case_id == case_id)) == 2
    completed = (
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == case_id, CaseEvent.kind == "task_completed")
    )
    assert db.session.scalar(completed) == 1


def test_two_claims_at_once_one_wins(app, db, world):
    case, _ = service.open_case(
        service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    task_id = first_task(db, case.id).id
    results = race(app, lambda actor: inbox.claim_task(task_id=task_id, actor=actor), ["window1", "window2"])
    assert list(results.values()).count("ok") == 1, results
    loser = next(v for v in results.values() if v != "ok")
    assert "认领" in loser or "claimed" in loser


def test_many_cases_opened_at_once_get_distinct_numbers(app, db, world):
    results = race(
        app,
        lambda actor: service.open_case(service="residence_permit", form=permit_form(), actor=actor, locale="zh"),
        ["window1", "window2", "window_lead"],
    )
    assert list(results.values()) == ["ok"] * 3
    from app.cases.models import Case

    numbers = db.session.scalars(select(Case.number)).all()
    assert len(set(numbers)) == 3
