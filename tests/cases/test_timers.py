"""Due timers fired through the service layer (cases.timers.fire_due): escalation, the supplement deadline,
exactly once, failures and retries, late timers, the statutory clock pause. SQLite and PostgreSQL.

The world's clock starts on Friday 2026-11-20 10:00 (China); 11-23 is the next working day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.cases import service, statutory, timers
from app.cases.models import Case, CaseEvent, CaseStatus
from app.core import clock
from app.inbox.models import HumanTask, TaskState
from app.letters.models import Letter
from app.notifications.models import Notification
from app.supervision import service as supervision
from tests.factories import materials, permit_form

VERIFIED = {"lives_at_address": "true", "visit_date": "2026-11-20", "observations": "经入户核查，申请人居住属实"}


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00").replace(tzinfo=clock.CHINA_TZ)


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def open_permit(db, world, community: str = "C0201", seed: int = 7) -> Case:
    case, _ = service.open_case(
        service="residence_permit", form=permit_form(community, seed=seed), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    return case


def open_task(db, case_id: int) -> HumanTask:
    return db.session.scalars(
        select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == TaskState.OPEN)
    ).one()


def complete(db, case_id: int, user, form: dict) -> None:
    service.complete_task(task_id=open_task(db, case_id).id, actor=user, form=form, locale="zh")
    db.session.commit()


def events(db, case_id: int, kind: str) -> list[CaseEvent]:
    return list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind).order_by(CaseEvent.id)
        )
    )


def fire_at(when: datetime) -> int:
    clock.freeze(when)
    return timers.fire_due()


def test_an_open_case_knows_when_its_first_timer_fires(db, world):
    case = open_permit(db, world)
    # check_materials is due in 1 working day: the close of Monday 11-23, China time.
    assert utc(case.next_timer_at) == at("2026-11-23", 23, 59).astimezone(UTC) + timedelta(seconds=59)
    assert open_task(db, case.id).due_at is not None
    assert utc(open_task(db, case.id).due_at) == utc(case.next_timer_at)  # the inbox and the timer agree


def test_overdue_task_gets_priority_and_the_supervisor_is_told_once(db, world):
    case = open_permit(db, world)
    assert fire_at(at("2026-11-23", 23)) == 0  # due at the close of the day, not before
    assert fire_at(at("2026-11-24", 9)) == 1
    db.session.expire_all()
    task = open_task(db, case.id)
    assert task.task_name == "check_materials" and task.priority == 1 and task.assignee_id is None
    (fired,) = events(db, case.id, "timer_fired")
    assert fired.payload["element"] == "b_overdue_check_materials" and fired.actor_id is None
    (overdue,) = events(db, case.id, "task_overdue")
    assert overdue.payload["notified"] == [world.users["window_lead"].id] and overdue.payload["due"] == "2026-11-23"
    (note,) = db.session.scalars(select(Notification)).all()
    assert note.user_id == world.users["window_lead"].id and note.case_id == case.id and case.number in note.message_zh
    assert case.number in note.message_en and note.read_at is None
    assert db.session.get(Case, case.id).next_timer_at is None  # nothing else pending
    assert fire_at(at("2026-12-24")) == 0
    assert len(events(db, case.id, "timer_fired")) == 1 and db.session.scalar(select(func.count(Notification.id))) == 1


def test_overdue_task_goes_to_the_supervisor_when_the_service_says_so(db, world):
    supervision.update_setting(
        service="residence_permit", reassign_overdue_to_supervisor=True, actor=world.users["window_lead"]
    )
    case = open_permit(db, world)
    assert fire_at(at("2026-11-24")) == 1
    db.session.expire_all()
    task = open_task(db, case.id)
    assert task.assignee_id == world.users["window_lead"].id and task.priority == 1
    (moved,) = events(db, case.id, "task_reassigned")
    assert moved.payload["to"] == world.users["window_lead"].id and moved.payload["reason"] == "overdue"


@pytest.mark.parametrize(
    ("steps", "overdue_from", "supervisor"),
    [
        (1, "2026-11-28", "xixi_lead"),  # verification at 文三社区: its street's supervisor, not the district's
        (2, "2026-11-26", "police_lead"),  # approval at 西溪派出所: the sub-bureau's supervisor
    ],
)
def test_escalation_reaches_the_nearest_supervisor_above_the_unit(db, world, steps, overdue_from, supervisor):
    case = open_permit(db, world)
    complete(db, case.id, world.users["window1"], materials())
    if steps == 2:
        complete(db, case.id, world.users["community_c0201"], VERIFIED)
    assert fire_at(at(overdue_from)) == 1
    notes = db.session.scalars(select(Notification)).all()
    assert [n.user_id for n in notes] == [world.users[supervisor].id]


def test_completing_in_time_moves_the_next_timer_to_the_next_task(db, world):
    case = open_permit(db, world)
    complete(db, case.id, world.users["window1"], materials())
    # verify_residence: 5 working days from Friday 11-20 → Friday 11-27.
    assert (
        utc(db.session.get(Case, case.id).next_timer_at).astimezone(clock.CHINA_TZ).date().isoformat() == "2026-11-27"
    )
    assert fire_at(at("2026-11-24")) == 0 and events(db, case.id, "timer_fired") == []


def test_supplement_deadline_closes_the_case_as_not_accepted_with_its_letter(db, world):
    case = open_permit(db, world)
    complete(db, case.id, world.users["window1"], materials("proof_of_address", deadline="2026-12-04"))
    assert db.session.get(Case, case.id).status == CaseStatus.AWAITING_APPLICANT
    assert fire_at(at("2026-12-04", 22)) == 0
    assert fire_at(at("2026-12-05", 8)) == 1
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == CaseStatus.NOT_ACCEPTED and case.closed_at is not None and case.next_timer_at is None
    letter = db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "rp_not_accepted")).one()
    assert "proof_of_address" in str(letter.context)
    row = db.session.scalars(
        select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.task_name == "record_supplement")
    ).one()
    assert row.state == TaskState.CANCELLED
    kinds = [e.kind for e in case.events]
    assert kinds.index("timer_fired") < kinds.index("clock_resumed") < kinds.index("case_closed")
    assert case.data["statutory"]["pauses"] == [["2026-11-20", "2026-12-05"]]


def test_a_failing_case_is_retried_later_and_does_not_block_the_others(db, world, monkeypatch):
    bad, good = open_permit(db, world, seed=1), open_permit(db, world, seed=2)
    real = supervision.escalate
    calls: list[int] = []

    def flaky(case, **kwargs):
        calls.append(case.id)
        if case.id == bad.id and calls.count(bad.id) == 1:
            raise RuntimeError("printer on fire")
        return real(case, **kwargs)

    monkeypatch.setattr(supervision, "escalate", flaky)
    now = at("2026-11-24")
    assert fire_at(now) == 1  # the good one
    db.session.expire_all()
    failed = db.session.get(Case, bad.id)
    assert failed.timer_failures == 1 and utc(failed.next_timer_at) == now.astimezone(UTC) + timedelta(seconds=30)
    (event,) = events(db, bad.id, "timer_failed")
    assert "printer on fire" in event.payload["error"] and events(db, bad.id, "timer_fired") == []
    assert len(events(db, good.id, "timer_fired")) == 1
    assert fire_at(now + timedelta(seconds=29)) == 0  # backoff
    assert fire_at(now + timedelta(seconds=31)) == 1
    db.session.expire_all()
    assert db.session.get(Case, bad.id).timer_failures == 0 and len(events(db, bad.id, "timer_fired")) == 1


class Killed(BaseException):
    """What a worker dying mid-job looks like to the code: not an Exception, nothing handles it."""


@pytest.mark.parametrize("path", ["engine", "without engine"])
def test_a_worker_killed_after_firing_but_before_commit_loses_no_timer(db, world, monkeypatch, path):
    case = open_permit(db, world)
    due = utc(db.session.get(Case, case.id).next_timer_at)
    if path == "engine":  # a case saved before the timer list existed: the engine fires its escalation
        db.session.get(Case, case.id).timers = None
        db.session.commit()
    owner, name = (timers.steps, "advance") if path == "engine" else (timers, "_fire_escalations")
    real = getattr(owner, name)

    def fire_then_die(*args, **kwargs):
        real(*args, **kwargs)  # the timer has fired in memory, its effects in the session …
        raise Killed()  # … and the worker dies before COMMIT

    monkeypatch.setattr(owner, name, fire_then_die)
    with pytest.raises(Killed):
        fire_at(at("2026-11-24"))
    db.session.rollback()  # what the database does with the connection of a dead worker
    db.session.expire_all()
    assert utc(db.session.get(Case, case.id).next_timer_at) == due
    assert events(db, case.id, "timer_fired") == [] and db.session.scalars(select(Notification)).all() == []
    assert open_task(db, case.id).priority == 0
    monkeypatch.undo()
    assert fire_at(at("2026-11-24", 11)) == 1  # the next scan fires it, once
    assert len(events(db, case.id, "timer_fired")) == 1 and len(db.session.scalars(select(Notification)).all()) == 1


def test_timers_due_while_no_worker_ran_fire_on_the_next_scan(db, world):
    first = open_permit(db, world, seed=1)
    clock.freeze(at("2026-11-23"))
    second = open_permit(db, world, seed=2)
    assert fire_at(at("2027-01-11")) == 2  # workers were down for seven weeks
    due = [e.payload["due"] for e in events(db, first.id, "timer_fired") + events(db, second.id, "timer_fired")]
    assert due == ["2026-11-23T15:59:59+00:00", "2026-11-24T15:59:59+00:00"]  # each says when it was due


def test_flask_anju_fire_timers_for_cron(app, db, world):
    open_permit(db, world)
    clock.freeze(at("2026-11-24"))
    result = app.test_cli_runner().invoke(args=["anju", "fire-timers"])
    assert result.exit_code == 0 and "fired 1 timers" in result.output


# ---------------------------------------------------------------- the statutory clock


def test_statutory_clock_pauses_while_waiting_for_the_applicant(db, world):
    case = open_permit(db, world)
    # 15 calendar days from 2026-11-20 end on Saturday 12-05 → Monday 12-07.
    assert str(case.statutory_due_on) == "2026-12-07" and not statutory.is_paused(case)
    clock.freeze(at("2026-11-23"))
    complete(db, case.id, world.users["window1"], materials("proof_of_address", deadline="2026-12-04"))
    case = db.session.get(Case, case.id)
    assert statutory.is_paused(case) and case.data["statutory"]["pauses"] == [["2026-11-23", None]]
    clock.freeze(at("2026-11-27"))
    complete(db, case.id, world.users["window1"], {"supplied": "supplied", "supplied_on": "2026-11-27"})
    case = db.session.get(Case, case.id)
    # Clock stood still 11-24 … 11-27 (4 days): the last day moves from Sat 12-05 to Wed 12-09, a working day.
    assert str(case.statutory_due_on) == "2026-12-09" and not statutory.is_paused(case)
    assert case.data["statutory"]["pauses"] == [["2026-11-23", "2026-11-27"]]
    assert case.data["statutory"]["provisional"] is False
    (resumed,) = events(db, case.id, "clock_resumed")
    assert resumed.payload["statutory_due_on"] == "2026-12-09" and len(events(db, case.id, "clock_paused")) == 1


def test_a_pause_that_pushes_the_deadline_onto_a_rest_day_rolls_it_on(db, world):
    case = open_permit(db, world)
    complete(db, case.id, world.users["window1"], materials("proof_of_address", deadline="2026-12-04"))  # Fri 11-20
    clock.freeze(at("2026-11-21"))
    complete(db, case.id, world.users["window1"], {"supplied": "supplied", "supplied_on": "2026-11-21"})
    # One day of pause: Sat 12-05 + 1 = Sun 12-06 → rolled to Monday 12-07.
    assert str(db.session.get(Case, case.id).statutory_due_on) == "2026-12-07"
