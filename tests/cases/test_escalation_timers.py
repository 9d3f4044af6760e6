"""Escalation timers fired without the engine (cases.timers._fire_escalations, docs/timers.md): the same effects
as the engine's path, exactly once, and the saved state caught up at the case's next step. SQLite and
PostgreSQL. The world's clock starts on Friday 2026-11-20 10:00 (China)."""

from __future__ import annotations

import pytest

from app.cases import steps
from app.cases.models import Case, CaseEvent
from app.processes import engine, specs
from tests.bpmn.conftest import bundle_from, load_sources
from tests.cases.test_timers import VERIFIED, at, complete, events, fire_at, open_permit, open_task
from tests.factories import materials

ESCALATION = ["b_overdue_check_materials", "esc_check_materials", "end_esc_check_materials"]


def workflow_of(case: Case):
    return steps.load_workflow(case, specs.bundle_for(specs.version_info(case.process_version_id)))


def timeline(db, case_id: int) -> list[tuple[str, str | None]]:
    rows = db.session.query(CaseEvent).filter_by(case_id=case_id).order_by(CaseEvent.id)
    return [(e.kind, (e.payload or {}).get("element") or (e.payload or {}).get("task_name")) for e in rows]


def test_an_escalation_fires_from_the_timer_list_and_the_state_catches_up_at_the_next_step(db, world):
    case = open_permit(db, world)
    saved = case.workflow_state
    assert case.timers == {"pending": [["b_overdue_check_materials", "2026-11-23T15:59:59+00:00"]]}
    assert fire_at(at("2026-11-24")) == 1
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.workflow_state == saved  # not loaded, not rewritten
    assert case.timers == {"pending": [], "fired": [["b_overdue_check_materials", "2026-11-23T15:59:59+00:00"]]}
    assert case.next_timer_at is None and open_task(db, case.id).priority == 1
    # Whoever reads the state (the case page's diagram, a person's step) sees the timer as fired.
    assert set(ESCALATION) <= engine.completed_element_ids(workflow_of(case))
    assert engine.pending_timers(workflow_of(case)) == []
    assert fire_at(at("2026-12-24")) == 0  # once

    complete(db, case.id, world.users["window1"], materials())
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert "fired" not in case.timers and [t[0] for t in case.timers["pending"]] == ["b_overdue_verify_residence"]
    assert set(ESCALATION) <= engine.completed_element_ids(
        engine.deserialize(case.workflow_state, workflow_bundle(case))
    )
    assert len(events(db, case.id, "timer_fired")) == 1 and len(events(db, case.id, "task_overdue")) == 1


def workflow_bundle(case: Case) -> engine.ProcessBundle:
    return specs.bundle_for(specs.version_info(case.process_version_id))


def test_with_and_without_the_engine_a_case_ends_the_same(db, world):
    """Two cases, one fired through the engine (saved before the timer list existed), one without: the same
    timeline, the same tasks, the same saved state once both have moved on — to the approval, through three
    escalations each."""
    quick, slow = open_permit(db, world, seed=1), open_permit(db, world, seed=2)

    def forget_lists():  # what a case saved before the list looks like: the scan must load its state
        db.session.get(Case, slow.id).timers = None
        db.session.commit()

    forget_lists()
    assert fire_at(at("2026-11-24")) == 2
    steps_and_overdue = (
        (world.users["window1"], materials(), "2026-12-10"),  # verification due 5 working days after 11-24
        (world.users["community_c0201"], VERIFIED, "2026-12-20"),  # approval due 3 working days after 12-10
    )
    for user, form, overdue in steps_and_overdue:
        for case in (quick, slow):
            complete(db, case.id, user, form)
        forget_lists()
        assert fire_at(at(overdue)) == 2
    db.session.expire_all()
    a, b = db.session.get(Case, quick.id), db.session.get(Case, slow.id)
    assert timeline(db, a.id) == timeline(db, b.id)
    assert [k for k, _ in timeline(db, a.id)].count("task_overdue") == 3
    assert (open_task(db, a.id).task_name, open_task(db, a.id).priority) == ("approve", 1)
    assert (open_task(db, b.id).task_name, open_task(db, b.id).priority) == ("approve", 1)
    assert engine.completed_element_ids(workflow_of(a)) == engine.completed_element_ids(workflow_of(b))
    assert a.timers["fired"] == [["b_overdue_approve", a.timers["fired"][0][1]]] and b.timers is None


def test_catching_up_refuses_a_record_the_state_does_not_bear_out(db, world):
    case = open_permit(db, world)
    bundle = workflow_bundle(case)
    workflow = engine.deserialize(case.workflow_state, bundle)
    with pytest.raises(engine.EngineError, match="catching up"):  # verification is not waiting yet
        engine.catch_up_timers(workflow, bundle, [("b_overdue_verify_residence", at("2026-11-24"))])


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            '<spiffworkflow:property name="escalate" value="overdue" />',
            '<spiffworkflow:property name="escalate" value="overdue" />'
            '<spiffworkflow:property name="notify" value="x" />',
        ),
        ('cancelActivity="false">', 'cancelActivity="true">'),
        (
            "<bpmn:incoming>f_escalated_check_materials</bpmn:incoming>",
            "<bpmn:incoming>f_escalated_check_materials</bpmn:incoming><bpmn:terminateEventDefinition />",
        ),
    ],
)
def test_only_a_timer_that_does_nothing_but_escalate_fires_without_the_engine(old, new):
    bpmn, dmn = load_sources("residence_permit")
    assert bundle_from("residence_permit", bpmn, dmn).tasks["b_overdue_check_materials"].escalation_only == (
        "esc_check_materials"
    )
    assert bundle_from("residence_permit", bpmn, dmn).tasks["b_supplement_deadline"].escalation_only is None
    text = bpmn["residence_permit.bpmn"]
    assert old in text
    bpmn["residence_permit.bpmn"] = text.replace(old, new, 1)
    assert bundle_from("residence_permit", bpmn, dmn).tasks["b_overdue_check_materials"].escalation_only is None


def test_a_timer_list_saved_over_a_newer_version_of_the_case_is_refused(db, world):
    from sqlalchemy.orm.exc import StaleDataError

    from app.cases import timers

    case = open_permit(db, world)
    # The session's copy is the case as the scan claimed it; someone else saved the case meanwhile.
    db.session.execute(Case.__table__.update().where(Case.__table__.c.id == case.id).values(lock_version=99))
    with pytest.raises(StaleDataError):
        timers._save_timer_lists([(case, {"timers": None, "next_timer_at": None})])
