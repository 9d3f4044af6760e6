"""Engine-level fixtures: the real BPMN/DMN files, parsed by the real engine, no database."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskIterator, TaskState

from app.processes import engine
from app.processes.engine.workflow import SERIALIZER, tasks_in_state

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
_keys = itertools.count()


def load_sources(process_id: str) -> tuple[dict[str, str], dict[str, str]]:
    bpmn = {f"{process_id}.bpmn": (BPMN_DIR / f"{process_id}.bpmn").read_text(encoding="utf-8")}
    dmn = {p.name: p.read_text(encoding="utf-8") for p in BPMN_DIR.glob("*.dmn")}
    return bpmn, dmn


def assert_walks_agree(workflow) -> None:
    """engine.workflow.tasks_in_state finds what SpiffWorkflow's own iterators find, in the same order, for every
    definite state — the tree walks the engine replaced (engine/workflow.py)."""
    for state in (TaskState.FUTURE, TaskState.WAITING, TaskState.READY, TaskState.STARTED, TaskState.DEFINITE_MASK):
        for part in (workflow, *workflow.subprocesses.values()):
            assert list(tasks_in_state(part, state)) == part.get_tasks(state=state)
            plain = list(TaskIterator(part.task_tree, state=state))
            assert list(tasks_in_state(part, state, into_subprocesses=False)) == plain


class Run:
    """Drives one case through the real engine, serializing and restoring around every task as the app does.
    A test module subclasses it with its process's start data in BASE."""

    BASE: dict = {}

    def __init__(self, bundle, **overrides):
        self.bundle = bundle
        workflow, reached = engine.start(bundle, {**self.BASE, **overrides})
        self.reached = list(reached)
        self._save(workflow)

    def _save(self, workflow) -> None:
        assert_walks_agree(workflow)
        self.state = engine.serialize(workflow)
        # Written by orjson (engine.workflow.state_json): the same JSON as SpiffWorkflow's own serialize_json.
        assert json.loads(self.state) == json.loads(SERIALIZER.serialize_json(workflow))

    @property
    def workflow(self):
        return engine.deserialize(self.state, self.bundle)

    def ready(self) -> list[str]:
        return sorted(t.name for t in engine.ready_user_tasks(self.workflow, self.bundle))

    def complete(self, name: str, data: dict) -> None:
        workflow = self.workflow
        task = next(t for t in engine.ready_user_tasks(workflow, self.bundle) if t.name == name)
        self.reached += engine.complete_user_task(workflow, self.bundle, task.id, data)
        self._save(workflow)

    def fire_timers_at(self, when) -> None:
        workflow = self.workflow
        self.reached += engine.fire_due_timers(workflow, self.bundle, now=when)
        self._save(workflow)

    def timers(self) -> dict[str, datetime]:
        """Pending timer events → when each fires."""
        return {t.element_id: t.fire_at for t in engine.pending_timers(self.workflow)}

    def milestones(self, key: str) -> list[str]:
        return [r.properties[key] for r in self.reached if key in r.properties]

    def messages(self) -> list:
        return [r for r in self.reached if r.message]

    @property
    def data(self) -> dict:
        return engine.workflow_data(self.workflow)


def bundle_from(process_id: str, bpmn: dict[str, str], dmn: dict[str, str]) -> engine.ProcessBundle:
    return engine.build_bundle(process_id, bpmn, dmn, cache_key=f"test-{next(_keys)}")


@pytest.fixture(scope="session")
def permit_bundle() -> engine.ProcessBundle:
    return bundle_from("residence_permit", *load_sources("residence_permit"))


from app.calendar.sources import PackagedCalendar  # noqa: E402

_CALENDAR = PackagedCalendar()


@pytest.fixture(autouse=True)
def fixed_clock():
    """The cases below use dates around Friday 2026-11-20: pin the clock there so timers (a supplement
    deadline, a working-day SLA) do not fire just because the real date has moved past them."""
    from datetime import datetime

    from app.core import clock

    clock.freeze(datetime(2026, 11, 20, 10, 0, tzinfo=clock.CHINA_TZ))
    yield
    clock.freeze(None)


@pytest.fixture(autouse=True)
def calendar_without_database(monkeypatch):
    """Timer expressions (after_working_days) read the calendar through cases.deadlines: give them this one."""
    from app.cases import deadlines

    monkeypatch.setattr(deadlines, "session_calendar", lambda: _CALENDAR)
