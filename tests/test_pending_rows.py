"""Append-only rows queued on the session (app/core/pending_rows.py): written after the flush that inserts what
they name, in one INSERT per kind, or at a commit with nothing to flush; dropped with a rollback."""

from __future__ import annotations

from sqlalchemy import event, func, select

from app.cases import service
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case, CaseEvent
from app.permits.models import PermitEvent
from tests.factories import materials, permit_form

VISIT = "经入户核查，申请人居住属实"


def _statements(engine, into: list[str]):
    def note(_conn, _cursor, statement, *_args):
        into.append(statement.split("(")[0].strip())

    event.listen(engine, "before_cursor_execute", note)
    return lambda: event.remove(engine, "before_cursor_execute", note)


def test_a_steps_events_name_the_case_its_flush_inserts_and_go_out_in_one_insert(db, world):
    statements: list[str] = []
    stop = _statements(db.engine, statements)
    try:
        case, _code = service.open_case(
            service="residence_permit", form=permit_form("C0201"), actor=world.users["window1"], locale="zh"
        )
        db.session.commit()
    finally:
        stop()
    assert statements.count("INSERT INTO case_events") == 1  # case opened, status, letter, task: one statement
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert "case_opened" in kinds and len(kinds) >= 3


def test_a_commit_with_nothing_to_flush_writes_the_queue_and_a_rollback_drops_it(db, world):
    case, _code = service.open_case(
        service="residence_permit", form=permit_form("C0201"), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    count = select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
    before = db.session.scalar(count)

    record(db.session.get(Case, case.id), EventKind.PERSONAL_DATA_VIEWED, actor=world.users["window1"], text="dropped")
    db.session.rollback()
    record(db.session.get(Case, case.id), EventKind.PERSONAL_DATA_VIEWED, actor=world.users["window1"], text="kept")
    assert db.session.scalar(count) == before  # a query in the transaction does not see queued rows
    db.session.commit()

    notes = db.session.scalars(
        select(CaseEvent.payload).where(CaseEvent.case_id == case.id, CaseEvent.kind == "personal_data_viewed")
    ).all()
    assert [n["text"] for n in notes] == ["kept"]


def test_a_permit_issued_in_a_step_has_its_history_in_one_insert(db, world):
    users = world.users
    case, _code = service.open_case(
        service="residence_permit", form=permit_form("C0201"), actor=users["window1"], locale="zh"
    )
    db.session.commit()
    steps = [
        ("window2", materials()),
        ("community_c0201", {"lives_at_address": "true", "visit_date": "2026-11-20", "observations": VISIT}),
        ("police_p02", {"decision": "approve", "issue_date": "2026-11-20"}),
    ]
    statements: list[str] = []
    from app.inbox.models import HumanTask, TaskState

    for username, data in steps:
        task_id = db.session.scalar(
            select(HumanTask.id).where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN)
        )
        stop = _statements(db.engine, statements) if username == "police_p02" else (lambda: None)
        try:
            service.complete_task(task_id=task_id, actor=users[username], form=data, locale="zh")
            db.session.commit()
        finally:
            stop()
    assert statements.count("INSERT INTO permit_events") == 1
    history = db.session.scalars(select(PermitEvent.kind).order_by(PermitEvent.id)).all()
    assert history == ["issued", "case_opened"]


def test_rows_queued_before_a_savepoint_outlive_its_rollback_and_those_inside_go_with_it(db, world):
    """How a timer batch isolates each case: a SAVEPOINT per case, rolled back when that case fails."""
    case, _code = service.open_case(
        service="residence_permit", form=permit_form("C0201"), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    case = db.session.get(Case, case.id)
    record(case, EventKind.PERSONAL_DATA_VIEWED, actor=world.users["window1"], text="before")  # session is clean
    try:
        with db.session.begin_nested():
            record(case, EventKind.PERSONAL_DATA_VIEWED, actor=world.users["window1"], text="inside")
            db.session.flush()
            raise RuntimeError("this case fails")
    except RuntimeError:
        pass
    with db.session.begin_nested():
        record(case, EventKind.PERSONAL_DATA_VIEWED, actor=world.users["window1"], text="kept inside")
    db.session.commit()

    notes = db.session.scalars(
        select(CaseEvent.payload)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == "personal_data_viewed")
        .order_by(CaseEvent.id)
    ).all()
    assert [n["text"] for n in notes] == ["before", "kept inside"]
