"""What follows every engine step of a case, whoever caused it (a person completing a task, a timer firing):
status moves, permits, letters, escalations, inbox rows, timeline events, the saved state and the next timer.

One function, `advance`, used by opening a case, completing a task and firing timers, so the three can never
disagree about what a milestone means. It only changes the session; the caller commits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from app.accounts.models import User
from app.cases import deadlines, routing
from app.cases.lifecycle import EventKind, move, record
from app.cases.models import Case, CaseStatus
from app.core.clock import today, utcnow
from app.core.templating import step_names
from app.inbox import service as inbox
from app.processes import engine, specs


def advance(
    case: Case,
    version: specs.VersionInfo,
    workflow: Any,
    reached: list[engine.Reached],
    *,
    actor: User | None,
    access_code: str | None = None,
) -> None:
    """Everything that follows an engine step: milestones, permits, letters, inbox rows, saved state."""
    from app.cases import outcomes  # letters and permits; imported here to keep this module's imports light

    data = engine.workflow_data(workflow)
    escalations = []
    for step in reached:
        props = step.properties
        if step.fired_timer:
            record_timer_fired(case, step.name, step, due=step.fired_timer)
        if "status" in props:
            move(case, CaseStatus(props["status"]), actor=actor, reason=step.title)
        if "action" in props:  # the service's own milestone work (issue a permit, open a linked case, …)
            outcomes.run_action(case, props["action"], data, actor=actor)
        if "letter" in props:
            outcomes.issue_letter_for(
                case, props["letter"], data, lane=lane_of(version, step.name), actor=actor, access_code=access_code
            )
        if step.message:  # a BPMN message leaving the process: its receiver opens and links a case
            outcomes.deliver_message(
                case,
                step.message,
                step.payload or {},
                element=step.name,
                kind=props.get("link_kind", "referral"),
                actor=actor,
            )
        if props.get("escalate"):
            escalations.append(step)
    from app.notifications import outbox  # the applicant is told of milestones (e-mail/SMS after the commit)

    outbox.on_case_steps(case, reached, opened=access_code is not None)
    bundle = specs.bundle_for(version)
    ready = engine.ready_user_tasks(workflow, bundle)
    inbox.sync_tasks(
        case,
        ready,
        unit_for=lambda lane: routing.unit_for_lane(lane, case),
        due_for=lambda t: due_at(t, data),
        actor=actor,
        priority=int((case.data or {}).get("priority") or 0),  # a case flagged priority (legal-aid green channel)
    )
    for step in escalations:
        escalate(case, step.properties)
    case.current_step = "、".join(t.title for t in ready) or None
    case.workflow_state = engine.serialize(workflow)
    case.serializer_version = engine.SERIALIZER_VERSION
    timers = engine.pending_timers(workflow)
    case.next_timer_at = timers[0].fire_at if timers else None
    # Kept beside the state so the scan can fire an escalation-only timer without loading it (cases.timers);
    # the state is caught up here (load_workflow), so nothing is left "fired but not in the state".
    case.timers = {"pending": [[t.element_id, t.fire_at.isoformat()] for t in timers]} if timers else None
    case.timer_failures = 0
    if engine.is_completed(workflow) and case.closed_at is None:
        case.closed_at = utcnow()
        record(case, EventKind.CASE_CLOSED, actor=actor, outcome=str(case.status))


def record_timer_fired(case: Case, element: str, names: Any, *, due: str) -> None:
    """The timeline's `timer_fired`, for a timer the engine fired and one the scan fired without it alike.
    A timer acts on its own: no person is the actor, whoever's step noticed it was due."""
    record(case, EventKind.TIMER_FIRED, actor=None, element=element, **step_names(names), due=due)


def escalate(case: Case, properties: dict[str, str]) -> None:
    """An escalation event was reached (`escalate`, `escalate_task`): its task is overdue (supervision.escalate)."""
    from app.supervision import service as supervision

    supervision.escalate(case, task_name=properties["escalate_task"], reason=properties["escalate"])


def load_workflow(case: Case, bundle: engine.ProcessBundle) -> Any:
    """The case's workflow as the engine must see it: the saved state, caught up with the escalation timers the
    scan fired without loading it (`case.timers["fired"]`, docs/timers.md). Every engine step and every page
    that reads the state loads it through here, so none sees a timer as pending that has already fired."""
    workflow = engine.deserialize(case.workflow_state, bundle)
    fired = (case.timers or {}).get("fired")
    if fired:
        engine.catch_up_timers(workflow, bundle, [(element, datetime.fromisoformat(at)) for element, at in fired])
    return workflow


def statutory_rule(bundle: engine.ProcessBundle) -> str | None:
    for meta in bundle.tasks.values():
        if meta.kind == "startEvent" and meta.properties.get("statutory"):
            return meta.properties["statutory"]
    return None


def lane_of(version: specs.VersionInfo, element: str) -> str | None:
    meta = specs.bundle_for(version).tasks.get(element)
    return meta.lane if meta else None


def due_at(task: engine.ReadyTask, data: dict) -> datetime | None:
    """The inbox row's due time. The overdue boundary timers of the BPMN use the same rule (after_working_days),
    counted from the same day, so a task turns overdue in the inbox when its escalation fires.

    In UTC, like every stored time: SQLite keeps a datetime's wall-clock digits and drops the zone, so 23:59:59
    China time would come back as 23:59:59 UTC — eight hours late, and a day late on the page."""
    if task.properties.get("due_from") and data.get(task.properties["due_from"]):
        return deadlines.end_of_day(date.fromisoformat(data[task.properties["due_from"]])).astimezone(UTC)
    if task.properties.get("due"):
        due, _provisional = deadlines.due_date(today(), task.properties["due"])
        return deadlines.end_of_day(due).astimezone(UTC)
    return None
