"""The baseline: raw SpiffWorkflow running bpmn/residence_permit.bpmn in memory, with a full serialize +
deserialize (spec included, SpiffWorkflow's own serializer) around every user task — what any app storing
workflow state must at least do. This file deliberately uses SpiffWorkflow directly; the app does not."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parent.parent
START = {
    "applicant_name": "王芳",
    "birth_date": "1990-05-04",
    "received_on": "2026-11-20",
    "residence_registered_on": "2026-01-10",
    "basis": "stable_job",
    "agent_name": None,
    "mobility_impaired": False,
    "purpose_of_stay": "work",
    "special_talent": False,
}
STEPS = [
    {"materials": {"id_card": {"verdict": "provided"}, "proof_of_address": {"verdict": "provided"}}},
    {"lives_at_address": True, "visit_date": "2026-11-20", "observations": "经入户核查，申请人居住属实"},
    {"decision": "approve", "issue_date": "2026-11-20"},
]


def _globals():
    # The raw engine's default script environment evaluates plain Python; give it the same helpers the app's
    # allow-list provides, so both run identical scripts.
    from app.processes import scripting

    return scripting.ALLOWED_FUNCTIONS


def _calendar_without_database():
    """The timers' after_working_days() counts on the working-day calendar; the raw run has no database, so it
    gets the packaged calendar (the same days the seeded table holds). Returns (use, restore): bench.run
    interleaves raw and Anju cases, and the Anju cases must use the database calendar."""
    from app.calendar.sources import PackagedCalendar
    from app.cases import deadlines

    calendar, original = PackagedCalendar(), deadlines.session_calendar  # one calendar: its caches stay warm

    def use() -> None:
        deadlines.session_calendar = lambda: calendar

    def restore() -> None:
        deadlines.session_calendar = original

    return use, restore


def raw_cases(cases: int) -> Iterator[dict]:
    """Runs `cases` cases one at a time; after each, yields the running totals (bench.run interleaves the
    runners case by case). Only the engine calls are timed."""
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

    parser = SpiffBpmnParser()
    for dmn in (ROOT / "bpmn").glob("*.dmn"):
        parser.add_dmn_file(str(dmn))
    parser.add_bpmn_file(str(ROOT / "bpmn" / "residence_permit.bpmn"))
    spec = parser.get_spec("residence_permit")
    subprocesses = parser.get_subprocess_specs("residence_permit")
    serializer = BpmnWorkflowSerializer(registry=BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    engine = PythonScriptEngine(environment=TaskDataEnvironment(_globals()))
    elapsed = cpu = 0.0
    use_packaged_calendar, restore = _calendar_without_database()
    for done in range(1, cases + 1):
        use_packaged_calendar()
        try:
            started, cpu_started = time.perf_counter(), time.process_time()
            workflow = BpmnWorkflow(spec, subprocesses, script_engine=engine)
            workflow.get_next_task(state=TaskState.READY).data.update(START)
            workflow.do_engine_steps()
            state = serializer.serialize_json(workflow)
            for data in STEPS:
                workflow = serializer.deserialize_json(state)
                workflow.script_engine = engine
                task = workflow.get_next_task(state=TaskState.READY, manual=True)
                task.data.update(data)
                task.run()
                workflow.do_engine_steps()
                state = serializer.serialize_json(workflow)
            elapsed += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
        finally:
            restore()
        assert workflow.is_completed()
        yield {"cases": done, "tasks": done * len(STEPS), "seconds": elapsed, "cpu": cpu, "state_bytes": len(state)}
