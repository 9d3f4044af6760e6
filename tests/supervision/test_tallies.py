"""The open-task tallies (kept by database triggers) agree with a direct count of the task rows after every kind
of change: steps through the service layer, claims and releases (Core UPDATEs), reassignment, escalation by a
timer, the clock pausing for the applicant, closing; folding them changes nothing; a rebuild recounts them."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.cases import service, timers
from app.cases.models import Case
from app.core import clock
from app.extensions import db
from app.inbox import service as inbox
from app.inbox import tallies
from app.inbox.models import HumanTask, OpenTaskTally, TaskState
from app.supervision import queries
from app.supervision.measures import at_risk_clause
from tests.factories import materials, permit_form

VERIFY = {"lives_at_address": "true", "visit_date": "2026-11-20", "observations": "经入户核查，申请人居住属实"}


def _agree(world, now: datetime) -> queries.Dashboard:
    """The dashboard's counts (from the tallies) equal a direct count of the open task rows."""
    user = world.users["district_lead"]
    bounds = queries.scope_for(user, now).bounds
    rows = db.session.execute(
        select(
            HumanTask.unit_id,
            HumanTask.assignee_id,
            HumanTask.due_at,
            at_risk_clause(queries.cached_forecast(now), now),
        )
        .join(Case, Case.id == HumanTask.case_id)
        .where(HumanTask.state == TaskState.OPEN)
    ).all()
    by_unit, by_person, overdue, at_risk = Counter(), Counter(), 0, 0
    for unit_id, assignee_id, due_at, risky in rows:
        by_unit[unit_id] += 1
        by_person[assignee_id] += 1
        due = due_at.replace(tzinfo=UTC) if due_at is not None and due_at.tzinfo is None else due_at  # SQLite: naive
        overdue += due is not None and due < bounds.now
        at_risk += bool(risky)
    board = queries.dashboard(user, now=now)
    assert {u.id: c.open for u, c in board.by_unit} == dict(by_unit)
    assert {(p.id if p else None): c.open for p, c in board.by_person} == dict(by_person)
    assert (board.total.open, board.total.overdue, board.total.at_risk) == (len(rows), overdue, at_risk)
    return board


def _open_case(world, seed: int) -> Case:
    case, _code = service.open_case(
        service="residence_permit", form=permit_form("C0201", seed=seed), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    return case


def _complete(world, case: Case, username: str, form: dict) -> None:
    task_id = db.session.scalar(
        select(HumanTask.id).where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN)
    )
    service.complete_task(task_id=task_id, actor=world.users[username], form=form, locale="zh")
    db.session.commit()


def test_tallies_follow_every_kind_of_change(db, world):
    now = clock.utcnow()
    cases = [_open_case(world, seed) for seed in range(1, 6)]
    _agree(world, now)
    _complete(world, cases[0], "window2", materials())  # to the community, into review
    _complete(world, cases[0], "community_c0201", VERIFY)  # to the police station
    _complete(world, cases[1], "window2", materials("proof_of_address"))  # supplement: the clock pauses
    _agree(world, now)
    task = db.session.scalar(select(HumanTask).where(HumanTask.case_id == cases[2].id))
    inbox.claim_task(task_id=task.id, actor=world.users["window2"])  # a Core UPDATE of the assignee
    db.session.commit()
    _agree(world, now)
    inbox.release_task(task_id=task.id, actor=world.users["window2"])
    db.session.commit()
    inbox.reassign_tasks(
        task_ids=[task.id], to_user_id=world.users["window1"].id, actor=world.users["window_lead"], reason=""
    )
    db.session.commit()
    _agree(world, now)
    clock.freeze(datetime.fromisoformat("2026-11-24T10:00:00+08:00"))  # a working day later: escalation timers fire
    assert timers.fire_due() >= 3
    later = clock.utcnow()
    _agree(world, later)
    _complete(world, cases[0], "police_p02", {"decision": "approve", "issue_date": "2026-11-24"})  # closes the case
    _agree(world, later)
    # Past the statutory deadlines: the running cases are at risk, the one waiting for the applicant is not.
    board = _agree(world, datetime.fromisoformat("2027-01-11T10:00:00+08:00"))
    assert board.total.open == 4 and board.total.at_risk == 3


def test_folding_and_rebuilding_keep_the_counts(db, world):
    now = clock.utcnow()
    cases = [_open_case(world, seed) for seed in range(1, 4)]
    _complete(world, cases[0], "window2", materials())
    before = queries.dashboard(world.users["district_lead"], now=now)
    rows_before = tallies.size()
    folded = tallies.compact()
    db.session.commit()
    assert folded == rows_before and tallies.size() < rows_before
    assert queries.dashboard(world.users["district_lead"], now=now) == before
    tallies.rebuild()
    db.session.commit()
    assert queries.dashboard(world.users["district_lead"], now=now) == before
    assert db.session.scalar(select(func.sum(OpenTaskTally.n)).where(OpenTaskTally.kind == "due")) == 3
