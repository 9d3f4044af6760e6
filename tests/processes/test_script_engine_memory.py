"""Evaluating process expressions keeps nothing alive: the DMN engine asks the script engine to parse every
cell on every evaluation, and the answer is cached — once the cache re-raised one SyntaxError instance, whose
traceback grew by the frames of every evaluation, holding their tasks and case data for the process's life."""

from __future__ import annotations

import gc
import traceback

from app.cases import service
from app.processes.engine import SCRIPT_ENGINE
from tests.factories import permit_form


def test_a_cached_syntax_error_is_a_new_exception_each_time():
    caught = []
    for _ in range(30):
        try:
            SCRIPT_ENGINE.validate("- not python")
        except SyntaxError as exc:
            caught.append(exc)
    assert len({id(exc) for exc in caught}) == 30
    assert len(traceback.extract_tb(caught[-1].__traceback__)) <= 2  # this raise's frames only


def _engine_tasks_alive() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if type(obj).__module__ == "SpiffWorkflow.task")


def test_opening_cases_leaves_no_engine_tasks_behind(db, world):
    def open_cases(seeds):
        for seed in seeds:
            service.open_case(
                service="residence_permit",
                form=permit_form("C0201", seed=seed),
                actor=world.users["window1"],
                locale="zh",
            )
            db.session.commit()

    open_cases(range(3))  # warm: parsed specs and caches
    before = _engine_tasks_alive()
    open_cases(range(3, 15))
    assert _engine_tasks_alive() <= before + 5
