"""Every timer path of the residence permit process, and timer mechanics, through the real engine (no database).

The clock is Anju's (app.core.clock): the engine's timer module reads it, so moving it moves the timers.
2026-11-20 is a Friday; 11-23 is the next working day; 12-01 and 12-04 are a Tuesday and a Friday.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core import clock
from app.core.errors import ProcessDefinitionError
from app.processes import engine
from tests.bpmn.conftest import bundle_from, load_sources
from tests.bpmn.test_residence_permit import ALL_PROVIDED, ONE_MISSING, Run

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from bpmn_layout import build


def at(day: str, hour: int = 10) -> datetime:
    """A moment in China time."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=clock.CHINA_TZ)


def end_of(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T23:59:59+08:00").astimezone(UTC)


@pytest.fixture(autouse=True)
def friday():
    clock.freeze(at("2026-11-20"))
    yield
    clock.freeze(None)


class TimerRun(Run):
    def fire(self, when: datetime | None = None) -> list[engine.Reached]:
        workflow = self.workflow
        reached = engine.fire_due_timers(workflow, self.bundle, now=when)
        self.reached += reached
        self._save(workflow)
        return reached


def test_the_engine_reads_anjus_clock():
    from SpiffWorkflow.bpmn.specs.event_definitions import timer  # the module engine.py patches

    assert timer.datetime.now(UTC) == at("2026-11-20").astimezone(UTC)


def test_overdue_materials_check_escalates_once_and_the_task_stays(permit_bundle):
    run = TimerRun(permit_bundle)
    assert run.timers() == {"b_overdue_check_materials": end_of("2026-11-23")}  # 1WD, like the inbox due date
    clock.freeze(at("2026-11-23", 23))
    assert run.fire() == []  # not yet: due at the close of the day
    clock.freeze(at("2026-11-24", 9))
    reached = run.fire()
    assert [r.name for r in reached] == ["b_overdue_check_materials", "esc_check_materials"]
    assert reached[0].fired_timer == end_of("2026-11-23").isoformat()
    assert reached[1].properties == {"escalate": "overdue", "escalate_task": "check_materials"}
    assert run.ready() == ["check_materials"] and run.timers() == {}  # non-interrupting; fires once only
    clock.freeze(at("2026-12-24"))
    assert run.fire() == []
    run.complete("check_materials", ALL_PROVIDED)
    assert run.ready() == ["verify_residence"]


def test_the_time_is_fixed_when_the_timer_starts_waiting(permit_bundle):
    run = TimerRun(permit_bundle)
    clock.freeze(at("2026-11-23"))  # a day later 1WD would end on 11-24: the stored time must not move
    assert run.timers() == {"b_overdue_check_materials": end_of("2026-11-23")}


def test_completing_a_task_in_time_cancels_its_timer_and_starts_the_next(permit_bundle):
    run = TimerRun(permit_bundle)
    run.complete("check_materials", ALL_PROVIDED)  # Friday 11-20: 5WD → Friday 11-27
    assert run.timers() == {"b_overdue_verify_residence": end_of("2026-11-27")}
    clock.freeze(at("2026-11-25"))
    run.complete("verify_residence", {"lives_at_address": True, "observations": "住址属实"})
    assert run.timers() == {"b_overdue_approve": end_of("2026-11-30")}  # 3WD from Wednesday 11-25


@pytest.mark.parametrize(
    ("task", "done_before", "due_day"),
    [
        ("verify_residence", [("check_materials", ALL_PROVIDED)], "2026-11-27"),
        (
            "approve",
            [
                ("check_materials", ALL_PROVIDED),
                ("verify_residence", {"lives_at_address": True, "observations": "住址属实"}),
            ],
            "2026-11-25",
        ),
    ],
)
def test_overdue_verification_and_approval_escalate(permit_bundle, task, done_before, due_day):
    run = TimerRun(permit_bundle)
    for name, data in done_before:
        run.complete(name, data)
    assert run.timers() == {f"b_overdue_{task}": end_of(due_day)}
    reached = run.fire(end_of(due_day) + timedelta(seconds=1))  # `now` given: the scan's moment
    assert [r.name for r in reached] == [f"b_overdue_{task}", f"esc_{task}"]
    assert reached[1].properties["escalate_task"] == task and run.ready() == [task]


def test_supplement_deadline_passing_closes_as_not_accepted(permit_bundle):
    run = TimerRun(permit_bundle)
    run.complete("check_materials", ONE_MISSING)  # supplement deadline 2026-12-01
    assert run.timers() == {"b_supplement_deadline": end_of("2026-12-01")}
    clock.freeze(at("2026-12-01", 18))
    assert run.fire() == []
    clock.freeze(at("2026-12-02", 0))
    reached = run.fire()
    assert [r.name for r in reached] == ["b_supplement_deadline", "ev_not_accepted"]
    assert run.milestones("status")[-1] == "not_accepted" and run.milestones("letter")[-1] == "rp_not_accepted"
    assert run.ready() == [] and engine.is_completed(run.workflow) and run.timers() == {}


def test_supplement_recorded_in_time_cancels_the_deadline_timer(permit_bundle):
    run = TimerRun(permit_bundle)
    run.complete("check_materials", ONE_MISSING)
    run.complete("record_supplement", {"supplied": "supplied", "supplied_on": "2026-11-20"})
    assert run.ready() == ["verify_residence"] and set(run.timers()) == {"b_overdue_verify_residence"}
    clock.freeze(at("2026-12-10"))
    assert [r.name for r in run.fire()] == ["b_overdue_verify_residence", "esc_verify_residence"]  # nothing else


def test_late_timer_fires_on_the_first_scan_with_its_original_time(permit_bundle):
    run = TimerRun(permit_bundle)
    clock.freeze(at("2027-03-01"))  # workers were down for months
    reached = run.fire()
    assert reached[0].fired_timer == end_of("2026-11-23").isoformat() and len(reached) == 2


# ---------------------------------------------------------------- ISO durations and definition checks


def small_process(timer: dict | str, *, kind: str = "catch") -> dict[str, str]:
    description = {
        "id": "timer_demo",
        "name": "定时器示例",
        "width": 600,
        "lanes": [{"key": "window", "name": "窗口", "height": 200}],
        "elements": [
            {"id": "start", "kind": "start", "name": "开始", "lane": "window", "x": 60, "y": 80},
            {"id": "wait", "kind": kind, "name": "等待", "lane": "window", "x": 160, "y": 80, "timer": timer},
            {
                "id": "ev_done",
                "kind": "throw",
                "name": "完成",
                "lane": "window",
                "x": 260,
                "y": 80,
                "props": {"status": "closed"},
            },
            {"id": "end", "kind": "end", "name": "结束", "lane": "window", "x": 360, "y": 80},
        ],
        "flows": [
            {"id": "f1", "from": "start", "to": "wait"},
            {"id": "f2", "from": "wait", "to": "ev_done"},
            {"id": "f3", "from": "ev_done", "to": "end"},
        ],
    }
    return {"timer_demo.bpmn": build(description)}


def test_iso_duration_as_quoted_string_keeps_working_on_anjus_clock():
    bundle = bundle_from("timer_demo", small_process('"P3D"'), {})
    workflow, _ = engine.start(bundle, {})
    assert engine.pending_timers(workflow)[0].fire_at == at("2026-11-23").astimezone(UTC)
    clock.freeze(at("2026-11-23", 11))
    assert [r.name for r in engine.fire_due_timers(workflow, bundle)] == ["wait", "ev_done"]
    assert engine.is_completed(workflow)


def test_a_timer_found_due_during_a_persons_step_fires_in_that_step():
    """A timer that came due while nobody scanned fires in the next step anyone takes (here a person's), with its
    milestones, so it is never saved as READY-but-not-run. Work and a one-day wait are on parallel branches."""
    lane = {"lane": "window"}
    description = {
        "id": "parallel_wait",
        "name": "并行等待",
        "width": 700,
        "lanes": [{"key": "window", "name": "窗口", "height": 260}],
        "elements": [
            {"id": "start", "kind": "start", "name": "开始", "x": 60, "y": 80, **lane},
            {"id": "split", "kind": "and", "name": "", "x": 140, "y": 80, **lane},
            {"id": "work", "kind": "user", "name": "办理", "x": 260, "y": 80, "props": {"form": "f"}, **lane},
            {"id": "end_work", "kind": "end", "name": "办结", "x": 380, "y": 80, **lane},
            {"id": "wait", "kind": "catch", "name": "等一天", "x": 260, "y": 180, "timer": '"P1D"', **lane},
            {
                "id": "ev_done",
                "kind": "throw",
                "name": "到期",
                "x": 380,
                "y": 180,
                "props": {"status": "closed"},
                **lane,
            },
            {"id": "end", "kind": "end", "name": "结束", "x": 460, "y": 180, **lane},
        ],
        "flows": [
            {"id": "f1", "from": "start", "to": "split"},
            {"id": "f2", "from": "split", "to": "work"},
            {"id": "f3", "from": "split", "to": "wait", "route": "vh"},
            {"id": "f4", "from": "work", "to": "end_work"},
            {"id": "f5", "from": "wait", "to": "ev_done"},
            {"id": "f6", "from": "ev_done", "to": "end"},
        ],
    }
    bundle = bundle_from("parallel_wait", {"parallel_wait.bpmn": build(description)}, {})
    workflow, _ = engine.start(bundle, {})
    clock.freeze(at("2026-11-22"))  # the wait is over, and nobody scanned
    task = engine.ready_user_tasks(workflow, bundle)[0]
    reached = engine.complete_user_task(workflow, bundle, task.id, {})
    assert [r.name for r in reached] == ["work", "wait", "ev_done"] and reached[1].fired_timer
    assert engine.is_completed(workflow) and engine.pending_timers(workflow) == []


def test_working_day_time_date_on_an_intermediate_timer():
    bundle = bundle_from("timer_demo", small_process({"date": "after_working_days(2)"}), {})
    workflow, _ = engine.start(bundle, {})
    assert engine.pending_timers(workflow)[0].fire_at == end_of("2026-11-24")


@pytest.mark.parametrize(
    ("timer", "reason"),
    [
        ({"date": ""}, "exactly one"),
        ("P3D", "quoted string"),
        ({"date": "open('/etc/passwd')"}, "not allowed"),
        ({"date": "after_working_days(2"}, "timer expression"),
        ('"3 days"', "not a valid ISO 8601"),
        ({"date": '"2026-13-01"'}, "not a valid ISO 8601"),
        ({"date": '"2026-12-01T23:59:59"'}, "not a valid ISO 8601"),  # no offset: would depend on the server
    ],
)
def test_bad_timers_are_refused_at_deploy(timer, reason):
    with pytest.raises(ProcessDefinitionError) as info:
        bundle_from("timer_demo", small_process(timer), {})
    assert info.value.element == "wait" and reason in info.value.reason


def test_escalation_event_must_follow_a_boundary_timer():
    bpmn, dmn = load_sources("residence_permit")
    text = bpmn["residence_permit.bpmn"]
    text = text.replace(
        'sourceRef="b_overdue_approve" targetRef="esc_approve"',
        'sourceRef="b_overdue_approve" targetRef="end_esc_approve"',
    )
    text = text.replace(
        'sourceRef="esc_approve" targetRef="end_esc_approve"', 'sourceRef="esc_approve" targetRef="esc_approve"'
    )
    with pytest.raises(ProcessDefinitionError) as info:
        bundle_from("residence_permit", {"residence_permit.bpmn": text}, dmn)
    assert info.value.element == "esc_approve"


def test_boundary_event_must_be_attached_to_a_task():
    bpmn, dmn = load_sources("residence_permit")
    text = bpmn["residence_permit.bpmn"].replace('attachedToRef="approve"', 'attachedToRef="gw_decision"')
    with pytest.raises(ProcessDefinitionError) as info:
        bundle_from("residence_permit", {"residence_permit.bpmn": text}, dmn)
    assert info.value.element == "b_overdue_approve" and "not attached" in info.value.reason
