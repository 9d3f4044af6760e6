"""Reassigning one or many tasks: who may, to whom, the timeline, and tasks completed meanwhile."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import AuditEntry
from app.cases.models import CaseEvent
from app.core.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.inbox.models import HumanTask, TaskState
from app.inbox.service import reassign_tasks
from tests.conftest import csrf_from, login
from tests.supervision.conftest import end_of


@pytest.fixture()
def open_tasks(build):
    case = build.case("C0201")
    other = build.case("C0202")
    tasks = {
        "a": build.task(case, unit="C0201", assignee="community_c0201", due=end_of("2026-11-19")),
        "b": build.task(other, unit="C0202", due=end_of("2026-11-19")),
        "police": build.task(case, "approve", unit="P02", assignee="police_p02"),
    }
    db.session.commit()
    return tasks


def _events(task: HumanTask) -> list[CaseEvent]:
    return list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == task.case_id, CaseEvent.kind == "task_reassigned")
        )
    )


def test_reassign_one_task_records_from_to_and_reason(world, open_tasks):
    lead, task = world.users["xixi_lead"], open_tasks["a"]
    result = reassign_tasks(task_ids=[task.id], to_user_id=world.users["xixi_lead"].id, actor=lead, reason="同事病假")
    db.session.commit()
    assert [t.id for t in result.moved] == [task.id] and not result.skipped
    assert db.session.get(HumanTask, task.id).assignee_id == lead.id
    (event,) = _events(task)
    assert event.actor_id == lead.id
    assert event.payload["from"] == world.users["community_c0201"].id and event.payload["to"] == lead.id
    assert event.payload["from_name"] == "文三社区 何丽" and event.payload["reason"] == "同事病假"
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "tasks_reassigned")).one()
    assert audit.user_id == lead.id


def test_reassign_many_at_once(world, open_tasks):
    lead = world.users["district_lead"]
    ids = [open_tasks["a"].id, open_tasks["b"].id]
    result = reassign_tasks(task_ids=ids, to_user_id=world.users["xixi_lead"].id, actor=lead, reason=None)
    assert sorted(t.id for t in result.moved) == sorted(ids)
    assert all(db.session.get(HumanTask, i).assignee_id == world.users["xixi_lead"].id for i in ids)


def test_only_to_people_who_may_work_on_the_task(world, open_tasks):
    with pytest.raises(ValidationFailed) as refused:  # a community officer cannot take another community's task
        reassign_tasks(
            task_ids=[open_tasks["b"].id],
            to_user_id=world.users["community_c0201"].id,
            actor=world.users["xixi_lead"],
            reason=None,
        )
    assert "to_user_id" in refused.value.errors
    with pytest.raises(ValidationFailed):  # someone outside the supervisor's units
        reassign_tasks(
            task_ids=[open_tasks["a"].id],
            to_user_id=world.users["window1"].id,
            actor=world.users["xixi_lead"],
            reason=None,
        )
    db.session.rollback()
    assert db.session.get(HumanTask, open_tasks["b"].id).assignee_id is None


def test_a_supervisor_cannot_reassign_tasks_outside_their_units(world, open_tasks):
    with pytest.raises(NotFound):  # the police station is not under 西溪街道
        reassign_tasks(
            task_ids=[open_tasks["a"].id, open_tasks["police"].id],
            to_user_id=world.users["xixi_lead"].id,
            actor=world.users["xixi_lead"],
            reason=None,
        )
    db.session.rollback()
    assert db.session.get(HumanTask, open_tasks["a"].id).assignee_id == world.users["community_c0201"].id
    with pytest.raises(PermissionDenied):
        reassign_tasks(
            task_ids=[open_tasks["a"].id],
            to_user_id=world.users["community_c0201"].id,
            actor=world.users["community_c0202"],
            reason=None,
        )


def test_a_task_completed_meanwhile_is_skipped_not_overwritten(world, open_tasks, build):
    done = open_tasks["a"]
    db.session.execute(
        HumanTask.__table__.update()
        .where(HumanTask.id == done.id)
        .values(state=TaskState.COMPLETED.name, completed_by_id=world.users["community_c0201"].id)
    )
    db.session.commit()  # another request completed it after the supervisor loaded the list
    result = reassign_tasks(
        task_ids=[done.id, open_tasks["b"].id],
        to_user_id=world.users["xixi_lead"].id,
        actor=world.users["xixi_lead"],
        reason=None,
    )
    assert [t.id for t in result.skipped] == [done.id] and [t.id for t in result.moved] == [open_tasks["b"].id]
    assert db.session.get(HumanTask, done.id).assignee_id == world.users["community_c0201"].id
    assert _events(done) == []


def test_reassign_over_http(client, world, open_tasks):
    login(client, "xixi_lead")
    page = client.get("/supervision/tasks?bucket=overdue").get_data(as_text=True)
    assert f'value="{open_tasks["a"].id}"' in page and f'value="{open_tasks["police"].id}"' not in page
    response = client.post(
        "/supervision/tasks/reassign",
        data={
            "csrf_token": csrf_from(page),
            "task_ids": [open_tasks["a"].id, open_tasks["b"].id],
            "to_user_id": world.users["xixi_lead"].id,
            "reason": "集中督办",
            "bucket": "overdue",
        },
    )
    assert response.status_code == 302 and response.location.endswith("/supervision/tasks?bucket=overdue")
    db.session.expire_all()
    assert db.session.get(HumanTask, open_tasks["b"].id).assignee_id == world.users["xixi_lead"].id
    # outside their units: refused whole, nothing changed
    refused = client.post(
        "/supervision/tasks/reassign",
        data={
            "csrf_token": csrf_from(page),
            "task_ids": [open_tasks["police"].id],
            "to_user_id": world.users["xixi_lead"].id,
        },
    )
    assert refused.status_code == 404


def test_caseworkers_cannot_reassign(client, world, open_tasks):
    login(client, "community_c0201")
    token = csrf_from(client.get("/inbox/").get_data(as_text=True))
    response = client.post(
        "/supervision/tasks/reassign",
        data={"csrf_token": token, "task_ids": [open_tasks["a"].id], "to_user_id": world.users["community_c0201"].id},
    )
    assert response.status_code == 403
