"""The one door to SpiffWorkflow: nothing outside this package imports it.

Design (see docs/architecture.md):
- A deployed process version is parsed once per process into a `ProcessBundle` (spec, subprocess specs and
  Anju's metadata per task) and cached by content hash.
- A case's saved state is the serialized workflow WITHOUT its spec (engine.workflow): the spec is about half of
  the bytes and would otherwise be rebuilt on every load (measured-facts.md). On load the cached spec objects
  are re-attached. The workflow class is SpiffWorkflow's with its hot tree walks made cheap (engine.workflow).
- Scripts, gateway conditions and DMN cells run in a sandbox (processes.scripting): AST allow-list, minimal
  builtins, allow-listed functions only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent, ThrowingEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.core import clock
from app.core.errors import ProcessDefinitionError
from app.processes import scripting
from app.processes.engine.workflow import SERIALIZER, AnjuWorkflow, state_dict, state_json, tasks_in_state
from app.processes.validation import check_process_xml

SERIALIZER_VERSION = "anju-1/spiff-" + SERIALIZER.VERSION


class EngineError(Exception):
    """The engine refused a step (task not ready, script failed). Message is for logs and admins."""


class TaskNotReady(EngineError):
    pass


# ---------------------------------------------------------------- timers on Anju's clock

# Overrides the engine's "now" for one fire_due_timers call (the scan's `now`); a ContextVar, because the
# background scanner and request threads run engine steps at the same time.
_engine_now: ContextVar[datetime | None] = ContextVar("anju_engine_now", default=None)


class _ClockDatetime(datetime):
    """SpiffWorkflow's timer module asks `datetime.now(timezone.utc)` when a timer starts waiting (to turn a
    duration into a time) and whenever timers are refreshed (to decide whether one is due). Anju's clock
    (app.core.clock) is what tests and demo data freeze and move, so the engine must read the same clock, or a
    test that moves time past a due date would never see the timer fire. Only that module's `datetime` name is
    replaced (below); everything else, including the values it returns, is an ordinary datetime."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]  # same signature as datetime.now
        at = _engine_now.get() or clock.utcnow()
        return at.astimezone(tz) if tz is not None else at.astimezone().replace(tzinfo=None)


_spiff_timer.datetime = _ClockDatetime  # type: ignore[attr-defined]


# ---------------------------------------------------------------- sandboxed scripting


class _SandboxEnvironment(BasePythonScriptEngineEnvironment):
    def evaluate(self, expression, context, external_context=None):
        namespace = {**context, **scripting.script_globals(), **(external_context or {})}
        return eval(scripting.compile_checked(expression, "eval"), namespace)

    def execute(self, script, context, external_context=None):
        reserved = {**scripting.script_globals(), **(external_context or {})}
        clash = set(reserved).intersection(context)
        if clash:
            raise scripting.ScriptNotAllowed(f"task data overwrites allowed function names: {sorted(clash)}")
        namespace = {**context, **reserved}
        exec(scripting.compile_checked(script, "exec"), namespace)
        for key, value in namespace.items():
            if key not in reserved and not callable(value):
                context[key] = value
        for key in [k for k in context if k not in namespace]:
            del context[key]
        return True

    def call_service(self, context, **kwargs):
        raise scripting.ScriptNotAllowed("service tasks are not available in Anju processes")


class _ScriptEngine(PythonScriptEngine):
    """Caches syntax checks: the DMN engine re-parses every cell on every evaluation to see if it needs '=='."""

    _checked: dict[str, tuple | None] = {}  # expression → its SyntaxError's args, or None: it parses

    def validate(self, expression):
        if expression not in self._checked:
            try:
                super().validate(expression)
                self._checked[expression] = None
            except SyntaxError as exc:
                self._checked[expression] = exc.args
        error_args = self._checked[expression]
        if error_args is not None:
            # A new exception every time. Raising one cached instance again chained each raise's frames onto its
            # traceback: every DMN evaluation's frames, tasks and case data stayed alive for the life of the
            # process (33,000 objects after 200 permit cases; a full garbage collection took 28 ms).
            raise SyntaxError(*error_args)


SCRIPT_ENGINE = _ScriptEngine(environment=_SandboxEnvironment())


# ---------------------------------------------------------------- bundles


@dataclass(frozen=True)
class TaskMeta:
    name: str  # BPMN element id
    title: str  # BPMN element name
    kind: str  # userTask, intermediateThrowEvent, …
    lane: str | None  # lane id without the "lane_" prefix: window, community, police_station …
    properties: dict[str, str] = field(default_factory=dict)
    title_en: str | None = None  # the element's name in English pages (property name_en; docs/i18n.md)
    # A boundary timer whose whole path is "escalate the task as overdue, then end": the escalation event it
    # leads to. The timer scan fires these without the engine; the state catches up later (docs/timers.md).
    escalation_only: str | None = None


@dataclass
class ProcessBundle:
    process_id: str
    name: str
    spec: Any
    subprocess_specs: dict
    tasks: dict[str, TaskMeta]
    lanes: dict[str, str]  # lane key → lane name (for display)


@dataclass(frozen=True)
class ReadyTask:
    id: str
    name: str
    title: str
    lane: str | None
    properties: dict[str, str]
    title_en: str | None = None


@dataclass(frozen=True)
class Reached:
    """An element completed during an engine step that carries Anju properties (milestones, letters)."""

    name: str
    title: str
    properties: dict[str, str]
    fired_timer: str | None = None  # for a timer event: the time it was due (ISO), so the timeline can say so
    # For a BPMN message thrown by this element that no catch event of the same workflow received: its name
    # and payload (plain JSON data). The case machinery hands it to the receiver registered for the name.
    message: str | None = None
    payload: dict[str, Any] | None = None
    title_en: str | None = None


@dataclass(frozen=True)
class PendingTimer:
    """A timer event the case is waiting on, with the time it fires (computed when it started waiting)."""

    element_id: str
    fire_at: datetime


_bundles: dict[str, ProcessBundle] = {}


def build_bundle(process_id: str, bpmn: dict[str, str], dmn: dict[str, str], *, cache_key: str) -> ProcessBundle:
    """Parses, validates and caches one process. Raises ProcessDefinitionError naming file, element, reason."""
    if cache_key in _bundles:
        return _bundles[cache_key]
    metas, lanes, name = {}, {}, process_id
    for filename, xml in bpmn.items():
        found = check_process_xml(filename, xml, process_id)
        if found is not None:
            metas, lanes, name = found
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        for filename, xml in dmn.items():
            parser.add_dmn_str(xml.encode(), filename=filename)
        for filename, xml in bpmn.items():
            parser.add_bpmn_str(xml.encode(), filename=filename)
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        raise ProcessDefinitionError(exc.file_name or "?", exc.id or exc.tag or None, str(exc).split("\n")[0]) from exc
    except (SpiffWorkflowException, etree.LxmlError, KeyError, AttributeError, TypeError) as exc:
        raise ProcessDefinitionError(next(iter(bpmn)), None, f"{type(exc).__name__}: {exc}") from exc
    _check_scripts(spec, next(iter(bpmn)))
    bundle = ProcessBundle(process_id, name, spec, subprocess_specs, metas, lanes)
    _bundles[cache_key] = bundle
    return bundle


def _check_scripts(spec: Any, filename: str) -> None:
    for task_spec in spec.task_specs.values():
        sources = [(getattr(task_spec, "script", None), "exec")]
        definition = getattr(task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            sources.append((definition.expression, "eval"))
        for condition, _target in getattr(task_spec, "cond_task_specs", []) or []:
            if condition is not None:
                sources.append((condition.args[0], "eval"))
        for source, mode in sources:
            if not source:
                continue
            try:
                scripting.check_source(source, mode)
            except (SyntaxError, scripting.ScriptNotAllowed) as exc:
                raise ProcessDefinitionError(filename, task_spec.bpmn_id or task_spec.name, str(exc)) from exc


# ---------------------------------------------------------------- running


def start(bundle: ProcessBundle, data: dict[str, Any]) -> tuple[Any, list[Reached]]:
    workflow = AnjuWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=SCRIPT_ENGINE)
    start_task = workflow.get_next_task(state=TaskState.READY)
    if start_task is not None:
        start_task.data.update(data)
    workflow.data.update({})
    reached = _run(bundle, workflow)
    return workflow, reached


def ready_user_tasks(workflow: Any, bundle: ProcessBundle) -> list[ReadyTask]:
    result = []
    for task in tasks_in_state(workflow, TaskState.READY):
        if not task.task_spec.manual:
            continue
        meta = bundle.tasks.get(task.task_spec.bpmn_id)
        result.append(
            ReadyTask(
                id=str(task.id),
                name=task.task_spec.bpmn_id,
                title=(meta.title if meta else task.task_spec.bpmn_name) or task.task_spec.bpmn_id,
                lane=meta.lane if meta else None,
                properties=dict(meta.properties) if meta else {},
                title_en=meta.title_en if meta else None,
            )
        )
    return result


def task_data(workflow: Any, task_id: str) -> dict[str, Any]:
    return dict(workflow.get_task_from_id(UUID(task_id)).data)


def complete_user_task(workflow: Any, bundle: ProcessBundle, task_id: str, data: dict[str, Any]) -> list[Reached]:
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except Exception as exc:  # Spiff raises its own TaskNotFoundException
        raise TaskNotReady(f"task {task_id} is not part of this case") from exc
    if task.state != TaskState.READY or not task.task_spec.manual:
        raise TaskNotReady(f"task {task.task_spec.bpmn_id} is {TaskState.get_name(task.state)}, not ready")
    task.data.update(data)
    reached: list[Reached] = []
    _collect(bundle, task, reached)
    _guard(task.run, task)
    reached.extend(_run(bundle, workflow))
    return reached


def pending_timers(workflow: Any) -> list[PendingTimer]:
    """Timer events the case waits on, soonest first.

    The time of each is computed by the engine when the timer starts waiting (a duration counts from that
    moment; a working-day expression reads the calendar of that day) and kept in the saved state, so it does
    not drift when it is read later. A timer whose time was never computed is computed here, once.
    """
    result = []
    for task in list(workflow.event_manager.tasks.values()):
        definition = task.task_spec.event_definition
        if not isinstance(definition, TimerEventDefinition):
            continue
        if task._get_internal_data("event_value") is None and not isinstance(definition, CycleTimerEventDefinition):
            definition.has_fired(task)  # computes and stores event_value; firing is left to the next step
        fire_at = _fire_time(definition, task)
        if fire_at is not None:
            result.append(PendingTimer(task.task_spec.bpmn_id or task.task_spec.name, fire_at))
    return sorted(result, key=lambda t: t.fire_at)


def _fire_time(definition: Any, task: Any) -> datetime | None:
    value = task._get_internal_data("event_value")
    if isinstance(definition, CycleTimerEventDefinition):
        if not value or value.get("cycles") == 0:
            return None
        value = value["next"]
    if value is None:
        return None
    at = TimerEventDefinition.get_datetime(value) if isinstance(value, str) else value
    return datetime.fromtimestamp(at.timestamp(), UTC)  # a plain datetime, not the module's _ClockDatetime


def fire_due_timers(workflow: Any, bundle: ProcessBundle, *, now: datetime | None = None) -> list[Reached]:
    """Fires every timer due at `now` (default: Anju's clock) and runs the engine on; returns the milestones
    reached, like complete_user_task. The caller saves the state in the same transaction: that is what makes a
    timer fire exactly once (docs/timers.md)."""
    token = _engine_now.set(now)
    try:
        workflow.refresh_timers()
        return _run(bundle, workflow)
    finally:
        _engine_now.reset(token)


def catch_up_timers(workflow: Any, bundle: ProcessBundle, fired: list[tuple[str, datetime]]) -> None:
    """Brings a saved state up to the escalation timers the scan fired without the engine (`escalation_only`,
    docs/timers.md): fires them here at their own due time and runs on. Their effects (priority, notification,
    timeline) were applied and saved when they fired, so what they reach now is dropped — and anything else
    firing or being reached would mean the state and the record disagree, which raises instead of guessing."""
    until = max(at for _element, at in fired) + timedelta(microseconds=1)
    reached = fire_due_timers(workflow, bundle, now=until)
    timers = sorted(step.name for step in reached if step.fired_timer)
    escalations = {bundle.tasks[name].escalation_only for name in timers if name in bundle.tasks}
    others = [step.name for step in reached if not step.fired_timer and step.name not in escalations]
    if timers != sorted(element for element, _at in fired) or others:
        raise EngineError(f"catching up timers {fired}: the engine fired {timers} and reached {others}")


def _run(bundle: ProcessBundle, workflow: Any) -> list[Reached]:
    """Engine steps until only user tasks and timers not yet due are left.

    SpiffWorkflow re-checks waiting timers after every completed task (so a due timer runs within the step),
    and once more at the end of do_engine_steps, where a timer that came due in the meantime becomes READY
    without running. With a real clock that can happen; a READY timer would be in no pending list and never
    scanned for again. So: run again until nothing non-manual is ready.
    """
    reached: list[Reached] = []

    def collect(task: Any) -> None:
        _collect(bundle, task, reached)

    for _round in range(_MAX_ROUNDS):
        _guard(lambda: workflow.do_engine_steps(did_complete_task=collect), None)
        if not _has_ready_engine_task(workflow):
            return reached
    raise EngineError(f"the process did not come to rest after {_MAX_ROUNDS} rounds of engine steps (a timer loop?)")


_MAX_ROUNDS = 50


def _has_ready_engine_task(workflow: Any) -> bool:
    """Whether a non-manual task is READY. Every task of a workflow and of its subprocesses is in their `tasks`
    dicts: scanning those is several times cheaper than get_tasks(), which walks the task tree with its iterator
    (and the order does not matter for a yes/no answer)."""
    for part in (workflow, *workflow.subprocesses.values()):
        for task in part.tasks.values():
            if task.state == TaskState.READY and not task.task_spec.manual:
                return True
    return False


def _guard(step: Callable[[], Any], task: Any) -> None:
    try:
        step()
    except SpiffWorkflowException as exc:
        where = getattr(exc, "task_spec", None) or (task.task_spec if task is not None else None)
        element = getattr(where, "bpmn_id", None) or getattr(where, "name", "?")
        raise EngineError(f"{element}: {exc}") from exc


def _collect(bundle: ProcessBundle, task: Any, into: list[Reached]) -> None:
    meta = bundle.tasks.get(task.task_spec.bpmn_id)
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):  # the timeline says when a timer fired and when it was due
        due = None if isinstance(definition, CycleTimerEventDefinition) else _fire_time(definition, task)
        name = task.task_spec.bpmn_id or task.task_spec.name
        props = dict(meta.properties) if meta else {}
        title, title_en = (meta.title, meta.title_en) if meta else (name, None)
        into.append(Reached(name, title, props, (due or clock.utcnow()).isoformat(), title_en=title_en))
    elif isinstance(definition, MessageEventDefinition) and isinstance(task.task_spec, ThrowingEvent):
        _collect_messages(meta, task, into)
    elif meta is not None and meta.properties:
        into.append(Reached(meta.name, meta.title, dict(meta.properties), title_en=meta.title_en))


def _collect_messages(meta: TaskMeta | None, task: Any, into: list[Reached]) -> None:
    """A message thrown that no catch event of this workflow received leaves the process: SpiffWorkflow keeps it
    in `bpmn_events` (get_events() hands them over and clears the list), and it is reported with its payload so
    the case machinery can deliver it. A message caught inside the workflow is not reported."""
    name = task.task_spec.bpmn_id or task.task_spec.name
    props = dict(meta.properties) if meta else {}
    title = meta.title if meta else name
    events = task.workflow.top_workflow.get_events()
    for event in events:
        payload = json.loads(json.dumps(event.payload or {}, default=str))  # plain data, detached from the task
        if not isinstance(payload, dict):
            raise EngineError(f"{name}: the payload of message {event.event_definition.name!r} is not a mapping")
        into.append(Reached(name, title, props, message=event.event_definition.name, payload=payload))
    if not events and props:
        into.append(Reached(name, title, props))


def is_completed(workflow: Any) -> bool:
    return bool(workflow.completed) or workflow.is_completed()


def workflow_data(workflow: Any) -> dict[str, Any]:
    """Data of the last completed task (what the process knows now), merged over the workflow data."""
    last = workflow.last_task
    data = dict(workflow.data)
    if last is not None:
        data.update(last.data)
    return data


def completed_element_ids(workflow: Any) -> set[str]:
    return {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id}


def waiting_element_ids(workflow: Any) -> set[str]:
    ready = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
    return {
        t.task_spec.bpmn_id
        for t in ready
        if t.task_spec.bpmn_id and (t.task_spec.manual or isinstance(t.task_spec, CatchingEvent))
    }


def serialize(workflow: Any) -> str:
    return state_json(workflow)


def deserialize(state: str, bundle: ProcessBundle) -> Any:
    dct = state_dict(state)
    SERIALIZER.migrate(dct)
    dct["spec"] = bundle.spec
    dct["subprocess_specs"] = bundle.subprocess_specs
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow
