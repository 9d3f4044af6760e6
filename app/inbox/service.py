"""Inbox rows: mirroring ready engine tasks, claim, release, reassign. Services flush; the request commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.models import User
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case
from app.core.clock import utcnow
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.core.templating import step_names
from app.extensions import db
from app.inbox.models import HumanTask, TaskState
from app.processes.engine import ReadyTask


def _forget_loaded_rows(session: Session, *_args) -> None:
    session.info.pop("open_tasks", None)


# The open rows of a case, read under its lock, are kept for the rest of that transaction only (the step and its
# escalations reuse them); a commit or rollback ends the lock and forgets them.
event.listen(Session, "after_soft_rollback", _forget_loaded_rows)
event.listen(Session, "after_commit", _forget_loaded_rows)

_OPEN_ROWS_OF_CASES = select(HumanTask).where(
    HumanTask.case_id.in_(bindparam("case_ids", expanding=True)), HumanTask.state == TaskState.OPEN
)


def load_open_rows(case_ids: Iterable[int]) -> None:
    """Reads the open rows of several cases in ONE statement (the timer scan: a claimed batch); the caller holds
    the cases' locks. open_rows() and sync_tasks() then read them from the session instead of the database."""
    ids = list(case_ids)
    found: dict[int, list[HumanTask]] = {case_id: [] for case_id in ids}
    if ids:
        for row in db.session.scalars(_OPEN_ROWS_OF_CASES, {"case_ids": ids}):
            found[row.case_id].append(row)
    db.session.info.setdefault("open_tasks", {}).update(found)


def open_rows(case: Case) -> list[HumanTask]:
    """The case's open rows: as loaded earlier in this transaction (under the case lock), else read now."""
    loaded = db.session.info.setdefault("open_tasks", {})
    if case.id not in loaded:
        load_open_rows([case.id])
    return [row for row in loaded[case.id] if row.state == TaskState.OPEN]


def sync_tasks(
    case: Case,
    ready: list[ReadyTask],
    *,
    unit_for: Callable[[str | None], int],
    due_for: Callable[[ReadyTask], datetime | None],
    actor: User | None,
    priority: int = 0,
) -> list[HumanTask]:
    """Makes the open rows of `case` match the engine's ready user tasks exactly (created / cancelled).

    `priority` is the case's own priority, added to each new row's (e.g. a legal-aid green-channel case: first in
    every inbox it reaches)."""
    # Loaded under the case lock by the caller (complete_task, the timer scan), else read now. A row completed in
    # this step is still 'open' in the database (not flushed yet) but no longer in memory: open_rows skips it.
    open_rows_now = open_rows(case)
    ready_ids = {t.id for t in ready}
    for row in open_rows_now:
        if row.engine_task_id not in ready_ids:
            row.state = TaskState.CANCELLED
            row.completed_at = utcnow()
            record(case, EventKind.TASK_CANCELLED, actor=actor, unit_id=row.unit_id, task_name=row.task_name)
    known = {row.engine_task_id for row in open_rows_now}
    created = []
    for task in ready:
        if task.id in known:
            continue
        row = HumanTask(
            case_id=case.id,
            engine_task_id=task.id,
            task_name=task.name,
            title=task.title,
            title_en=task.title_en,
            service=case.service,
            lane=task.lane or "window",
            unit_id=unit_for(task.lane),
            form_id=task.properties.get("form"),
            due_at=due_for(task),
            priority=int(task.properties.get("priority", 0)) + priority,
        )
        db.session.add(row)
        created.append(row)
        record(
            case,
            EventKind.TASK_CREATED,
            actor=actor,
            unit_id=row.unit_id,
            task_name=task.name,
            **step_names(task),
        )
    db.session.info["open_tasks"][case.id] = [row for row in open_rows_now if row.state == TaskState.OPEN] + created
    return created


def lock_cases_of(condition) -> tuple[dict[int, Case], list[HumanTask]]:
    """Locks the cases owning the tasks that match `condition`, then reads those tasks AFTER the lock.

    Cases are locked in id order, so two batches over overlapping cases never deadlock; reading the tasks after
    the lock means a task completed a moment ago by someone else is seen as completed (and skipped).
    """
    owners = select(HumanTask.case_id).where(condition)
    cases = {
        c.id: c
        for c in db.session.scalars(
            select(Case)
            .where(Case.id.in_(owners))
            .order_by(Case.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    tasks = db.session.scalars(
        select(HumanTask).where(condition).order_by(HumanTask.id).execution_options(populate_existing=True)
    ).all()
    return cases, list(tasks)


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
        raise Conflict(taken_message(task, actor))
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
        raise Conflict(taken_message(task, actor))
    record(task.case, EventKind.TASK_RELEASED, actor=actor, unit_id=task.unit_id, task_name=task.task_name)
    return task


def taken_message(task: HumanTask, actor: User) -> str:
    from flask_babel import gettext as _

    if task.state != TaskState.OPEN:
        who = task.completed_by.display_name if task.completed_by else _("the process")
        return _("This task was already completed by %(who)s. Nothing was changed.", who=who)
    if task.assignee is not None and task.assignee_id != actor.id:
        return _("%(who)s has already claimed this task. Nothing was changed.", who=task.assignee.display_name)
    return _("This task changed while you were working on it. Please reload.")


def assign_task(task: HumanTask, *, case: Case, to: User, actor: User | None, reason: str, **details) -> None:
    """Hands an open task to `to` (escalation, or a supervisor's decision); on the timeline as task_reassigned.
    The caller holds the case lock, so no claim can slip in between. `details` go into the event's payload."""
    if task.state != TaskState.OPEN or task.assignee_id == to.id:
        return
    previous = task.assignee_id
    task.assignee_id, task.claimed_at = to.id, utcnow()
    record(
        case,
        EventKind.TASK_REASSIGNED,
        actor=actor,
        unit_id=task.unit_id,
        task_name=task.task_name,
        **{"from": previous, "to": to.id, "to_name": to.display_name, "reason": reason, **details},
    )


@dataclass
class ReassignResult:
    to: User  # who received the tasks: the chosen person, or their substitute while they are away
    moved: list[HumanTask] = field(default_factory=list)
    skipped: list[HumanTask] = field(default_factory=list)  # completed or withdrawn meanwhile: left as they are
    unchanged: list[HumanTask] = field(default_factory=list)  # already held by that person
    away: User | None = None  # the chosen person, when their substitute got the tasks instead


def reassign_tasks(*, task_ids: Iterable[int], to_user_id: int, actor: User, reason: str | None) -> ReassignResult:
    """A supervisor hands one or many open tasks of their units to a person who may work on them.

    All or nothing for permissions (a task outside the actor's units, or a person who cannot work on one of the
    tasks, refuses the whole request); task by task for races: the cases are locked in id order (as
    complete_task locks its case), the rows re-read, and a task completed or withdrawn meanwhile is skipped and
    reported, never overwritten. A person who is away (supervision.models.Delegation) gets nothing: their
    substitute does. Each move is a task_reassigned event on its case; the batch is one AuditEntry.
    """
    from flask_babel import get_locale
    from flask_babel import gettext as _

    from app.accounts.models import Role
    from app.core.errors import ValidationFailed

    if str(actor.role) not in (Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDenied("only supervisors reassign tasks")
    ids = sorted({int(i) for i in task_ids})
    if not ids:
        raise ValidationFailed({"task_ids": [_("Choose at least one task.")]})
    reason = (reason or "").strip()[:200]
    reach = accounts.visible_unit_ids(actor)
    chosen = db.session.get(User, to_user_id) if to_user_id else None
    if (
        chosen is None
        or not chosen.is_active
        or chosen.role == Role.ADMIN
        or (reach is not None and chosen.unit_id not in reach)
    ):
        raise ValidationFailed({"to_user_id": [_("Choose a person in your units.")]})
    target, away = _present(chosen), None
    if target.id != chosen.id:
        away = chosen
    cases, tasks = lock_cases_of(HumanTask.id.in_(ids))
    if len(tasks) != len(ids) or not all(may_act_on(actor, t) for t in tasks):
        raise NotFound(_("This task does not exist or is not in your units."))
    target_reach = accounts.visible_unit_ids(target)
    unfit = [t for t in tasks if target_reach is not None and t.unit_id not in target_reach]
    if unfit:
        raise ValidationFailed(
            {
                "to_user_id": [
                    _(
                        "%(who)s cannot work on tasks of %(unit)s.",
                        who=target.display_name,
                        unit=unfit[0].unit.name(str(get_locale() or "zh")),
                    )
                ]
            }
        )
    result = ReassignResult(to=target, away=away)
    for task in tasks:
        if task.state != TaskState.OPEN:
            result.skipped.append(task)
        elif task.assignee_id == target.id:
            result.unchanged.append(task)
        else:
            from_name = task.assignee.display_name if task.assignee else None
            assign_task(
                task,
                case=cases[task.case_id],
                to=target,
                actor=actor,
                reason=reason,
                **step_names(task),
                from_name=from_name,
                **({"instead_of": away.id, "instead_of_name": away.display_name} if away else {}),
            )
            result.moved.append(task)
    accounts.record_audit(
        user=actor,
        action="tasks_reassigned",
        detail=f"{len(result.moved)} to {target.username} (tasks {[t.id for t in result.moved]}); "
        f"skipped {[t.id for t in result.skipped]}; reason: {reason or '-'}",
    )
    db.session.flush()
    return result


def _present(user: User) -> User:
    """`user`, or their substitute if a delegation covers today (one step: a substitute's own absence is refused
    when the delegation is made)."""
    from app.core.clock import today
    from app.supervision.models import Delegation

    substitute_id = db.session.scalar(
        select(Delegation.substitute_id)
        .where(
            Delegation.user_id == user.id,
            Delegation.cancelled_at.is_(None),
            Delegation.starts_on <= today(),
            Delegation.ends_on >= today(),
        )
        .order_by(Delegation.id.desc())
        .limit(1)
    )
    substitute = db.session.get(User, substitute_id) if substitute_id else None
    return substitute if substitute is not None and substitute.is_active else user
