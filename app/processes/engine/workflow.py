"""The workflow class Anju runs, and how its state is saved.

`AnjuWorkflow` is SpiffWorkflow's `BpmnWorkflow` (pinned 3.2.0) with its two hot tree walks done cheaply. Every
engine pass asks for the READY tasks, and every completed task makes the workflow re-check its WAITING tasks;
SpiffWorkflow answers both with its generic `TaskIterator` (a filter object per task, `list.pop(0)`, a children
list built per visit): under the profiler a fifth of a permit step and a third of a timer; without it, the walks
below take 0.12 ms off a timer's 1.1 ms engine step (BENCHMARKS.md). `tasks_in_state` walks the same tree in the
same depth-first order and yields the same tasks, lazily like the iterator, so a caller may change states on the
way exactly as SpiffWorkflow's own loops do. tests/bpmn/conftest.py checks it against SpiffWorkflow's iterators
after every step of every process test; tests/processes/test_engine_walks.py inside a subprocess.

The saved state leaves the spec out: the spec is about half of the bytes and would otherwise be rebuilt on
every load (measured-facts.md); on load the cached spec objects are re-attached.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

_READY, _WAITING, _FUTURE = TaskState.READY, TaskState.WAITING, TaskState.FUTURE


def tasks_in_state(workflow: Any, state: int, *, into_subprocesses: bool = True) -> Iterator[Any]:
    """The tasks of `workflow` in `state` (READY, WAITING or other definite states), in SpiffWorkflow's
    depth-first order: what `workflow.get_tasks(state=state)` returns (`into_subprocesses`, BpmnTaskIterator),
    or a plain `TaskIterator(workflow.task_tree, state=state)` (not into subprocesses).

    As there, a task's children are looked at when the task is visited, and only below tasks that are at least
    FUTURE (predicted branches hold no definite task); a task that has a subprocess always leads into it
    (BpmnTaskIterator's "not into a finished subprocess" test compares a state with a mask and never holds).
    SpiffWorkflow also stops at depth 1,000, which no Anju process comes near."""
    subprocesses = workflow.top_workflow.subprocesses if into_subprocesses else {}
    stack = [workflow.task_tree]
    pop, push = stack.pop, stack.extend
    while stack:
        task = pop()
        subprocess = subprocesses.get(task.id) if subprocesses else None
        if subprocess is not None:
            tasks = task.workflow.tasks
            push([tasks.get(child) for child in reversed(task._children)])
            push((subprocess.task_tree,))
        elif task._children and task._state >= _FUTURE:
            tasks = task.workflow.tasks
            push([tasks.get(child) for child in reversed(task._children)])
        if task._state & state:
            yield task


class AnjuWorkflow(BpmnWorkflow):
    """BpmnWorkflow with the tree walks of `tasks_in_state`; saved under BpmnWorkflow's type name."""

    def update_waiting_tasks(self) -> None:
        for task in tasks_in_state(self, _WAITING, into_subprocesses=False):
            task.task_spec._update(task)

    def _do_engine_steps(self, will_complete_task: Callable | None = None, did_complete_task: Callable | None = None):
        # SpiffWorkflow 3.2.0's BpmnWorkflow._do_engine_steps, with its READY list from tasks_in_state.
        def update_workflow(wf: Any) -> int:
            count = 0
            for task in list(tasks_in_state(wf, _READY)):
                if not task.task_spec.manual:
                    if will_complete_task is not None:
                        will_complete_task(task)
                    task.run()
                    count += 1
                    if did_complete_task is not None:
                        did_complete_task(task)
            return count

        active_subprocesses = self.get_active_subprocesses()
        for subprocess in sorted(active_subprocesses, key=lambda v: v.depth, reverse=True):
            count = None
            while count is None or count > 0:
                count = update_workflow(subprocess)
            if subprocess.parent_task_id is not None:
                task = self.get_task_from_id(subprocess.parent_task_id)
                task.task_spec._update(task)

        count = update_workflow(self)
        return count > 0 or len(self.get_active_subprocesses()) > len(active_subprocesses)


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


_config = {cls: converter for cls, converter in SPIFF_CONFIG.items() if cls is not BpmnWorkflow}
_registry = BpmnWorkflowSerializer.configure(_config)
# The saved states name the class "BpmnWorkflow": states saved before AnjuWorkflow existed load unchanged.
_SpeclessWorkflowConverter(AnjuWorkflow, _registry, typename="BpmnWorkflow")
SERIALIZER = BpmnWorkflowSerializer(registry=_registry)

# What JSON cannot hold in task data (a datetime, a set, a callable) is turned into JSON by SpiffWorkflow's own
# encoder rules; orjson hands datetimes to them too (PASSTHROUGH), so they are saved typed, as before.
_ENCODE_DEFAULT = SERIALIZER._encoder_cls().default
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def state_json(workflow: AnjuWorkflow) -> str:
    """`SERIALIZER.serialize_json(workflow)` written by orjson: the same JSON, its encoding about 6× faster than
    the json module's (0.16 → 0.03 ms for 15 KB; a new permit case's whole save 192 → 139 µs). As SpiffWorkflow's
    own method does, the registry's encoder mode leaves plain values in task data for the encoder. One difference, never
    met in Anju's data (forms, DMN results and the allow-listed script functions give JSON values and dates): a
    UUID inside task data is written as its string rather than as a typed value."""
    registry = SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = SERIALIZER.to_dict(workflow)
        dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
        return orjson.dumps(dct, default=_ENCODE_DEFAULT, option=_ORJSON_OPTIONS).decode()
    finally:
        registry._encoder_mode = False


def state_dict(state: str) -> dict:
    """A saved state as the dict SpiffWorkflow's converters read (orjson: half the time of json.loads)."""
    try:
        return orjson.loads(state)
    except orjson.JSONDecodeError:  # NaN or Infinity, which the json module wrote into older states
        return json.loads(state)
