"""Out-of-office delegations: who may record one, when tasks move, and the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.accounts.models import AuditEntry
from app.cases.models import CaseEvent
from app.core import clock
from app.core.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.inbox.models import HumanTask
from app.inbox.service import reassign_tasks
from app.supervision import queries, service
from tests.conftest import csrf_from, login
from tests.supervision.conftest import local


@pytest.fixture()
def held(build):
    """Two tasks held by 文三社区 何丽 (community_c0201), one by 求是社区 (community_c0202)."""
    case = build.case("C0201")
    tasks = [
        build.task(case, unit="C0201", assignee="community_c0201"),
        build.task(build.case("C0201"), unit="C0201", assignee="community_c0201"),
        build.task(build.case("C0202"), unit="C0202", assignee="community_c0202"),
    ]
    db.session.commit()
    return tasks


def _holder(task) -> int | None:
    return db.session.get(HumanTask, task.id).assignee_id


def test_a_delegation_starting_today_moves_the_tasks_at_once(world, held):
    lead, absent, substitute = world.users["xixi_lead"], world.users["community_c0201"], world.users["xixi_lead"]
    service.create_delegation(
        user_id=absent.id,
        substitute_id=substitute.id,
        starts_on=date(2026, 11, 20),
        ends_on=date(2026, 11, 27),
        reason="年休假",
        actor=lead,
    )
    db.session.commit()
    assert [_holder(t) for t in held] == [substitute.id, substitute.id, world.users["community_c0202"].id]
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "task_reassigned")).all()
    assert len(events) == 2 and all(
        e.actor_id is None
        and e.payload["from_name"] == absent.display_name
        and e.payload["reason"] == "年休假"
        and e.payload["delegation"]
        for e in events
    )
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["delegation_created", "delegation_applied"]
    # applied once: a task the absent person takes back themselves stays with them
    db.session.get(HumanTask, held[0].id).assignee_id = absent.id
    assert service.apply_delegations() == 0


def test_a_future_delegation_moves_the_tasks_when_it_starts(world, held):
    absent, substitute = world.users["community_c0201"], world.users["xixi_lead"]
    service.create_delegation(
        user_id=absent.id,
        substitute_id=substitute.id,
        starts_on=date(2026, 11, 23),
        ends_on=date(2026, 11, 24),
        reason=None,
        actor=absent,
    )  # the person themselves
    db.session.commit()
    assert _holder(held[0]) == absent.id
    assert service.apply_delegations() == 0
    clock.freeze(local("2026-11-23", 8))
    assert service.apply_delegations() == 2
    db.session.commit()
    assert _holder(held[0]) == substitute.id
    away = {r.person.username: r.away for r in queries.workload(world.users["xixi_lead"])["rows"]}
    assert away["community_c0201"].substitute_id == substitute.id and away["community_c0202"] is None


def test_tasks_handed_to_an_absent_person_go_to_the_substitute(world, held, build):
    absent, substitute = world.users["community_c0202"], world.users["xixi_lead"]
    service.create_delegation(
        user_id=absent.id,
        substitute_id=substitute.id,
        starts_on=date(2026, 11, 20),
        ends_on=date(2026, 11, 21),
        reason=None,
        actor=world.users["xixi_lead"],
    )
    task = build.task(build.case("C0202"), unit="C0202")
    result = reassign_tasks(task_ids=[task.id], to_user_id=absent.id, actor=world.users["district_lead"], reason="")
    assert result.to.id == substitute.id and result.away.id == absent.id
    assert _holder(task) == substitute.id


def test_who_may_record_an_absence_and_with_whom(world, held):
    users = world.users
    with pytest.raises(PermissionDenied):  # a caseworker, for someone else
        service.create_delegation(
            user_id=users["community_c0202"].id,
            substitute_id=users["xixi_lead"].id,
            starts_on=date(2026, 11, 20),
            ends_on=date(2026, 11, 21),
            reason=None,
            actor=users["community_c0201"],
        )
    with pytest.raises(PermissionDenied):  # a supervisor, for someone outside their units
        service.create_delegation(
            user_id=users["window1"].id,
            substitute_id=users["window2"].id,
            starts_on=date(2026, 11, 20),
            ends_on=date(2026, 11, 21),
            reason=None,
            actor=users["xixi_lead"],
        )
    for substitute, field in (
        (users["community_c0202"], "substitute_id"),  # cannot work on 文三's tasks
        (users["community_c0201"], "substitute_id"),
    ):  # themselves
        with pytest.raises(ValidationFailed) as refused:
            service.create_delegation(
                user_id=users["community_c0201"].id,
                substitute_id=substitute.id,
                starts_on=date(2026, 11, 20),
                ends_on=date(2026, 11, 21),
                reason=None,
                actor=users["xixi_lead"],
            )
        assert field in refused.value.errors
    with pytest.raises(ValidationFailed) as backwards:
        service.create_delegation(
            user_id=users["window1"].id,
            substitute_id=users["window2"].id,
            starts_on=date(2026, 11, 25),
            ends_on=date(2026, 11, 24),
            reason=None,
            actor=users["window1"],
        )
    assert "ends_on" in backwards.value.errors
    service.create_delegation(
        user_id=users["window1"].id,
        substitute_id=users["window2"].id,
        starts_on=date(2026, 11, 23),
        ends_on=date(2026, 11, 27),
        reason=None,
        actor=users["window1"],
    )
    with pytest.raises(ValidationFailed) as overlap:
        service.create_delegation(
            user_id=users["window1"].id,
            substitute_id=users["window_lead"].id,
            starts_on=date(2026, 11, 27),
            ends_on=date(2026, 11, 30),
            reason=None,
            actor=users["window_lead"],
        )
    assert "starts_on" in overlap.value.errors


def test_absences_over_http(client, world, held):
    login(client, "community_c0201")
    page = client.get("/supervision/delegations").get_data(as_text=True)
    assert "文三社区 何丽" in page
    response = client.post(
        "/supervision/delegations",
        data={
            "csrf_token": csrf_from(page),
            "user_id": world.users["community_c0202"].id,  # ignored: not theirs
            "substitute_id": world.users["xixi_lead"].id,
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-22",
        },
    )
    assert response.status_code == 403
    response = client.post(
        "/supervision/delegations",
        data={
            "csrf_token": csrf_from(page),
            "substitute_id": world.users["xixi_lead"].id,
            "starts_on": "2026-11-20",
            "ends_on": "not a date",
        },
    )
    assert response.status_code == 422
    response = client.post(
        "/supervision/delegations",
        data={
            "csrf_token": csrf_from(page),
            "substitute_id": world.users["xixi_lead"].id,
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-22",
            "reason": "病假",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert _holder(held[0]) == world.users["xixi_lead"].id
    (delegation,) = queries.delegations_for(world.users["community_c0201"], today=date(2026, 11, 20))
    listing = client.get("/supervision/delegations").get_data(as_text=True)
    ended = client.post(f"/supervision/delegations/{delegation.id}/cancel", data={"csrf_token": csrf_from(listing)})
    assert ended.status_code == 302
    db.session.expire_all()
    assert queries.delegations_for(world.users["community_c0201"], today=date(2026, 11, 20)) == []
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("delegation_%"))).all() == [
        "delegation_created",
        "delegation_applied",
        "delegation_cancelled",
    ]
