"""A case's saved state is written by orjson (app/processes/engine/workflow.py): the JSON SpiffWorkflow's own
serializer writes, with what JSON cannot hold (a datetime, a set) in task data typed as SpiffWorkflow types it,
and read back to the same workflow data. (Every process test compares the two after every step:
tests/bpmn/conftest.py.)"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import UUID

from app.processes import engine
from app.processes.engine.workflow import SERIALIZER, state_dict
from bench.raw_engine import START
from tests.bpmn.conftest import bundle_from, load_sources


def test_task_data_json_cannot_hold_is_saved_as_spiffworkflow_saves_it_and_comes_back():
    bundle = bundle_from("residence_permit", *load_sources("residence_permit"))
    workflow, _reached = engine.start(bundle, dict(START))
    task = engine.ready_user_tasks(workflow, bundle)[0]
    at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    workflow.get_task_from_id(UUID(task.id)).data.update(
        {"seen_at": at, "codes": {"b"}, "by_year": {2026: "第1次"}, "note": "居住属实", "n": 1.5}
    )

    state = engine.serialize(workflow)
    assert json.loads(state) == json.loads(SERIALIZER.serialize_json(workflow))
    data = engine.deserialize(state, bundle).get_task_from_id(UUID(task.id)).data
    assert data["seen_at"] == at and data["codes"] == ["b"] and data["by_year"] == {"2026": "第1次"}
    assert data["note"] == "居住属实" and data["n"] == 1.5


def test_an_older_state_the_json_module_wrote_with_nan_still_loads():
    assert state_dict('{"x": NaN, "y": 1}')["y"] == 1
