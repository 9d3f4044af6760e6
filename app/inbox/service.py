"""Inbox rows: mirroring ready engine tasks, claim, release, reassign. Services flush; the request commits."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.models import User
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case
from app.core.clock import utcnow
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.extensions import db
from app.inbox.models import HumanTask, TaskState
from app.processes.engine import ReadyTask


def _forget_loaded_rows(session: Session, *_args) -> None:
    session.info.pop("open_tasks", None)


event.listen(Session, "after_soft_rollback", _forget_loaded_rows)


def sync_tasks(case: Case, ready: list[ReadyTask], *, unit_for: Callable[[str | None], int],
               due_for: Callable[[ReadyTask], datetime | None], actor: User | None) -> list[HumanTask]:
    """Makes the open rows of `case` match the engine's ready user tasks exactly (created / cancelled)."""
    # The caller may have loaded the open rows already (under the case lock); else read them now.
    open_rows = db.session.info.get("open_tasks", {}).pop(case.id, None)
    if open_rows is None:
        open_rows = db.session.scalars(
            select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN)
        ).all()
    ready_ids = {t.id for t in ready}
    # The row just completed in this step is still 'open' in the database (not flushed yet): skip it.
    open_rows = [row for row in open_rows if row.state == TaskState.OPEN]
    for row in open_rows:
        if row.engine_task_id not in ready_ids:
            row.state = TaskState.CANCELLED
            row.completed_at = utcnow()
            record(case, EventKind.TASK_CANCELLED, actor=actor, unit_id=row.unit_id, task_name=row.task_name)
    known = {row.engine_task_id for row in open_rows}
    created = []
    for task in ready:
        if task.id in known:
            continue
        row = HumanTask(
            case_id=case.id, engine_task_id=task.id, task_name=task.name, title=task.title, service=case.service,
            lane=task.lane or "window", unit_id=unit_for(task.lane), form_id=task.properties.get("form"),
            due_at=due_for(task), priority=int(task.properties.get("priority", 0)),
        )
        db.session.add(row)
        created.append(row)
        record(case, EventKind.TASK_CREATED, actor=actor, unit_id=row.unit_id, task_name=task.name, title=task.title)
    return created


def may_act_on(user: User, task: HumanTask) -> bool:
    units = accounts.visible_unit_ids(user)
    return units is None or task.unit_id in units


def get_task_for(user: User, task_id: int) -> HumanTask:
    task = db.session.get(HumanTask, task_id)
    if task is None or not may_act_on(user, task):
        # Same answer for "no such task" and "not yours": ids are not an oracle.
        from flask_babel import gettext as _

        raise NotFound(_("This task does not exist or is not in your units."))
    return task


def claim_task(*, task_id: int, actor: User) -> HumanTask:
    task = get_task_for(actor, task_id)
    # One atomic UPDATE decides the race: only a row still open and unclaimed can be taken.
    result = db.session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_id, HumanTask.state == TaskState.OPEN, HumanTask.assignee_id.is_(None))
        .values(assignee_id=actor.id, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(task)
    if result.rowcount != 1:
        raise Conflict(_taken_message(task, actor))
    record(task.case, EventKind.TASK_CLAIMED, actor=actor, unit_id=task.unit_id, task_name=task.task_name)
    return task


def release_task(*, task_id: int, actor: User) -> HumanTask:
    task = get_task_for(actor, task_id)
    if task.assignee_id != actor.id and str(actor.role) not in ("supervisor", "admin"):
        raise PermissionDenied("only the person who claimed a task, or a supervisor, can release it")
    result = db.session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_id, HumanTask.state == TaskState.OPEN, HumanTask.assignee_id == task.assignee_id)
        .values(assignee_id=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(task)
    if result.rowcount != 1:
        raise Conflict(_taken_message(task, actor))
    record(task.case, EventKind.TASK_RELEASED, actor=actor, unit_id=task.unit_id, task_name=task.task_name)
    return task


def _taken_message(task: HumanTask, actor: User) -> str:
    from flask_babel import gettext as _

    if task.state != TaskState.OPEN:
        who = task.completed_by.display_name if task.completed_by else _("the process")
        return _("This task was already completed by %(who)s. Nothing was changed.", who=who)
    if task.assignee is not None and task.assignee_id != actor.id:
        return _("%(who)s has already claimed this task. Nothing was changed.", who=task.assignee.display_name)
    return _("This task changed while you were working on it. Please reload.")
