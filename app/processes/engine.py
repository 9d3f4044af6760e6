"""The one door to SpiffWorkflow. Nothing else in Anju imports it.

Design (see docs/engine.md):
- A deployed process version is parsed once per process into a `ProcessBundle` (spec, subprocess specs and
  Anju's metadata per task) and cached by content hash.
- A case's saved state is the serialized workflow WITHOUT its spec: the spec is about half of the bytes and
  would otherwise be rebuilt on every load (measured-facts.md). On load the cached spec objects are re-attached.
- Scripts, gateway conditions and DMN cells run in a sandbox (processes.scripting): AST allow-list, minimal
  builtins, allow-listed functions only.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from app.core.errors import ProcessDefinitionError
from app.processes import scripting
from app.processes.validation import check_process_xml

SERIALIZER_VERSION = "anju-1/spiff-" + BpmnWorkflowSerializer().VERSION


class EngineError(Exception):
    """The engine refused a step (task not ready, script failed). Message is for logs and admins."""


class TaskNotReady(EngineError):
    pass


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

    _checked: dict[str, SyntaxError | None] = {}

    def validate(self, expression):
        if expression not in self._checked:
            try:
                super().validate(expression)
                self._checked[expression] = None
            except SyntaxError as exc:
                self._checked[expression] = exc
        error = self._checked[expression]
        if error is not None:
            raise error


SCRIPT_ENGINE = _ScriptEngine(environment=_SandboxEnvironment())


# ---------------------------------------------------------------- serialization without the spec


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        workflow = self.target_class(dct.pop("spec"), dct.pop("subprocess_specs"), deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = _SpeclessWorkflowConverter
_SERIALIZER = BpmnWorkflowSerializer(registry=BpmnWorkflowSerializer.configure(_config))


# ---------------------------------------------------------------- bundles


@dataclass(frozen=True)
class TaskMeta:
    name: str  # BPMN element id
    title: str  # BPMN element name
    kind: str  # userTask, intermediateThrowEvent, …
    lane: str | None  # lane id without the "lane_" prefix: window, community, police_station …
    properties: dict[str, str] = field(default_factory=dict)


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


@dataclass(frozen=True)
class Reached:
    """An element completed during an engine step that carries Anju properties (milestones, letters)."""

    name: str
    title: str
    properties: dict[str, str]


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
    workflow = BpmnWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=SCRIPT_ENGINE)
    start_task = workflow.get_next_task(state=TaskState.READY)
    if start_task is not None:
        start_task.data.update(data)
    workflow.data.update({})
    reached = _run(bundle, workflow)
    return workflow, reached


def ready_user_tasks(workflow: Any, bundle: ProcessBundle) -> list[ReadyTask]:
    result = []
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        meta = bundle.tasks.get(task.task_spec.bpmn_id)
        result.append(
            ReadyTask(
                id=str(task.id),
                name=task.task_spec.bpmn_id,
                title=(meta.title if meta else task.task_spec.bpmn_name) or task.task_spec.bpmn_id,
                lane=meta.lane if meta else None,
                properties=dict(meta.properties) if meta else {},
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


def refresh_timers(workflow: Any, bundle: ProcessBundle) -> list[Reached]:
    workflow.refresh_timers()
    return _run(bundle, workflow)


def _run(bundle: ProcessBundle, workflow: Any) -> list[Reached]:
    reached: list[Reached] = []
    _guard(lambda: workflow.do_engine_steps(did_complete_task=lambda t: _collect(bundle, t, reached)), None)
    return reached


def _guard(step: Callable[[], Any], task: Any) -> None:
    try:
        step()
    except SpiffWorkflowException as exc:
        where = getattr(exc, "task_spec", None) or (task.task_spec if task is not None else None)
        element = getattr(where, "bpmn_id", None) or getattr(where, "name", "?")
        raise EngineError(f"{element}: {exc}") from exc


def _collect(bundle: ProcessBundle, task: Any, into: list[Reached]) -> None:
    meta = bundle.tasks.get(task.task_spec.bpmn_id)
    if meta is not None and meta.properties:
        into.append(Reached(meta.name, meta.title, dict(meta.properties)))


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
    return {t.task_spec.bpmn_id for t in ready if t.task_spec.bpmn_id and (t.task_spec.manual or isinstance(t.task_spec, CatchingEvent))}


def serialize(workflow: Any) -> str:
    return _SERIALIZER.serialize_json(workflow)


def deserialize(state: str, bundle: ProcessBundle) -> Any:
    dct = json.loads(state)
    _SERIALIZER.migrate(dct)
    dct["spec"] = bundle.spec
    dct["subprocess_specs"] = bundle.subprocess_specs
    workflow = _SERIALIZER.from_dict(dct)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow
