"""Escalation of overdue tasks, and the per-service settings that shape it; out-of-office delegations; saved inbox
views. Services flush; the caller commits.

A task's overdue escalation is modelled in its process: a non-interrupting boundary timer at the task's due
date leads to an event with the property escalate="overdue" (bpmn/, tools/process_residence_permit.py).
When a case reaches that event, cases.steps.advance calls `escalate`: the open task's priority goes up, the
supervisors of its unit are told (in-app notification), and if the service's setting says so the task is
handed to a supervisor. Everything lands on the case's timeline.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.accounts import service as accounts
from app.accounts.models import OrgUnit, Role, User
from app.accounts.service import record_audit
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case
from app.core.clock import CHINA_TZ, today, utcnow
from app.core.errors import NotFound, PermissionDenied, ValidationFailed
from app.core.templating import step_names
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import HumanTask, TaskState
from app.notifications import service as notifications
from app.supervision.models import Delegation, SavedView, ServiceSetting

OVERDUE_PRIORITY_STEP = 1  # inbox order is priority first, so one step puts it above every on-time task


def setting_for(service: str) -> ServiceSetting:
    """The stored setting, or the defaults (not added to the session) when none is stored."""
    return db.session.get(ServiceSetting, service) or ServiceSetting(
        service=service, reassign_overdue_to_supervisor=False
    )


def update_setting(*, service: str, reassign_overdue_to_supervisor: bool, actor: User) -> ServiceSetting:
    row = db.session.get(ServiceSetting, service)
    if row is None:
        row = ServiceSetting(service=service)
        db.session.add(row)
    row.reassign_overdue_to_supervisor = reassign_overdue_to_supervisor
    db.session.info.pop("reassign_overdue", None)
    record_audit(
        user=actor,
        action="service_setting_changed",
        detail=f"{service}: reassign_overdue_to_supervisor={reassign_overdue_to_supervisor}",
    )
    return row


def unit_supervisors(unit_id: int) -> list[User]:
    """The supervisors nearest above a unit: of the unit itself, else of its parent, and so on up.

    A community office has no supervisor of its own; its street's does (xixi_lead for 文三社区), and a police
    station's is the sub-bureau's. Only the nearest level is told: the district hears of it from its dashboard.
    """
    return list(db.session.scalars(select(User).where(User.id.in_(_nearest_supervisor_ids(unit_id))).order_by(User.id)))


def _nearest_supervisor_ids(unit_id: int) -> list[int]:
    # Ids, cached for the session (a request, or one timer scan: many overdue tasks share a unit). Ids, not
    # User objects: objects expire at each commit, and the scan commits after every case.
    cache = db.session.info.setdefault("nearest_supervisors", {})
    if unit_id not in cache:
        path = db.session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id)) or f"/{unit_id}/"
        chain = [int(part) for part in path.strip("/").split("/") if part]
        found = db.session.execute(
            select(User.id, User.unit_id)
            .where(User.role == Role.SUPERVISOR, User.unit_id.in_(chain), User.is_active_flag.is_(True))
            .order_by(User.id)
        ).all()
        nearest = max((chain.index(row.unit_id) for row in found), default=None)
        cache[unit_id] = [row.id for row in found if chain.index(row.unit_id) == nearest]
    return cache[unit_id]


def _reassigns_overdue(service: str) -> bool:
    cache = db.session.info.setdefault("reassign_overdue", {})
    if service not in cache:
        cache[service] = setting_for(service).reassign_overdue_to_supervisor
    return cache[service]


def escalate(case: Case, *, task_name: str, reason: str) -> HumanTask | None:
    """The open task `task_name` of `case` passed its due date. Returns the task, or None if it is no longer open."""
    # The case's open rows as the step left them (read under the case lock; no second read per escalation).
    task = next((row for row in inbox.open_rows(case) if row.task_name == task_name), None)
    if task is None:
        return None
    task.priority = (task.priority or 0) + OVERDUE_PRIORITY_STEP
    supervisor_ids = _nearest_supervisor_ids(task.unit_id)
    due = _local_date(task.due_at)
    record(
        case,
        EventKind.TASK_OVERDUE,
        actor=None,
        unit_id=task.unit_id,
        task_name=task.task_name,
        **step_names(task),
        reason=reason,
        due=due,
        priority=task.priority,
        notified=supervisor_ids,
    )
    for user_id in supervisor_ids:
        notifications.notify(
            user_id=user_id,
            case=case,
            kind="task_overdue",
            message_zh=f"案件 {case.number} 的“{task.title}”已超过办理期限（{due or '—'}），请督办。",
            message_en=f"Case {case.number}: the task “{task.title}” is overdue (due {due or '—'}).",
        )
    if supervisor_ids and _reassigns_overdue(case.service):
        supervisor = db.session.get(User, supervisor_ids[0])
        if supervisor is not None:
            inbox.assign_task(task, case=case, to=supervisor, actor=None, reason=reason)
    return task


def _local_date(at: datetime | None) -> str | None:
    if at is None:
        return None
    if at.tzinfo is None:  # SQLite hands back naive UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(CHINA_TZ).date().isoformat()


# -- out-of-office delegations (docs/supervision.md) ---------------------------------------------------------------


def create_delegation(
    *, user_id: int, substitute_id: int, starts_on: date, ends_on: date, reason: str | None, actor: User
) -> Delegation:
    """Records that `substitute` works for `user` from `starts_on` to `ends_on` (both included).

    The person themselves or a supervisor of their unit (an admin: anyone) may record it. The substitute must be
    able to work on the absent person's unit's tasks, must not be away at the same time, and the person must
    not already have a delegation in the range. If the range includes today, the tasks move at once.
    """
    from flask_babel import get_locale
    from flask_babel import gettext as _

    user, substitute = db.session.get(User, user_id), db.session.get(User, substitute_id)
    if user is None or not _may_manage(actor, user):
        raise PermissionDenied("you may record absences only for yourself or for people in your units")
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = [_("The last day cannot be before the first day.")]
    elif ends_on < today():
        errors["ends_on"] = [_("The absence is already over.")]
    reach = accounts.visible_unit_ids(substitute) if substitute is not None else set()
    if substitute is None or substitute.id == user.id or not substitute.is_active or substitute.role == Role.ADMIN:
        errors["substitute_id"] = [_("Choose a colleague as substitute.")]
    elif reach is not None and user.unit_id not in reach:
        errors["substitute_id"] = [
            _(
                "%(who)s cannot work on the tasks of %(unit)s.",
                who=substitute.display_name,
                unit=user.unit.name(str(get_locale() or "zh")),
            )
        ]
    elif _overlapping(substitute.id, starts_on, ends_on):
        errors["substitute_id"] = [_("%(who)s is away during these days too.", who=substitute.display_name)]
    if not errors and _overlapping(user.id, starts_on, ends_on):
        errors["starts_on"] = [_("%(who)s already has a substitute during these days.", who=user.display_name)]
    if errors:
        raise ValidationFailed(errors)
    delegation = Delegation(
        user_id=user.id,
        substitute_id=substitute.id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=(reason or "").strip()[:200] or None,
        created_by_id=actor.id,
    )
    db.session.add(delegation)
    db.session.flush()
    record_audit(
        user=actor,
        action="delegation_created",
        detail=f"#{delegation.id}: {user.username} away {starts_on}–{ends_on}, substitute "
        f"{substitute.username}; reason: {delegation.reason or '-'}",
    )
    if starts_on <= today():
        apply_delegations()
    return delegation


def cancel_delegation(*, delegation_id: int, actor: User) -> Delegation:
    """Ends a delegation now. Tasks already moved stay with the substitute (a supervisor can move them back)."""
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None or delegation.cancelled_at is not None or not _may_manage(actor, delegation.user):
        from flask_babel import gettext as _

        raise NotFound(_("This absence does not exist or is not in your units."))
    delegation.cancelled_at, delegation.cancelled_by_id = utcnow(), actor.id
    record_audit(user=actor, action="delegation_cancelled", detail=f"#{delegation.id} ({delegation.user.username})")
    return delegation


def apply_delegations(*, on: date | None = None) -> int:
    """Moves the open claimed tasks of everyone whose delegation has started (and not been applied yet) to their
    substitute; a task the substitute may not work on goes back to its unit's unclaimed list. Each delegation is
    applied once. Returns how many tasks moved. Run on creation, by the supervisor pages, or by any job."""
    on = on or today()
    due = db.session.scalars(
        select(Delegation)
        .where(
            Delegation.applied_at.is_(None),
            Delegation.cancelled_at.is_(None),
            Delegation.starts_on <= on,
            Delegation.ends_on >= on,
        )
        .order_by(Delegation.id)
    ).all()
    moved = 0
    for delegation in due:
        moved += _hand_over(delegation)
        delegation.applied_at = utcnow()
    if due:
        db.session.flush()
    return moved


def _hand_over(delegation: Delegation) -> int:
    cases, tasks = inbox.lock_cases_of(
        (HumanTask.assignee_id == delegation.user_id) & (HumanTask.state == TaskState.OPEN)
    )
    substitute, absent = delegation.substitute, delegation.user
    details = {"from_name": absent.display_name, "delegation": delegation.id, "until": delegation.ends_on.isoformat()}
    for task in tasks:
        details.update(step_names(task))
        if inbox.may_act_on(substitute, task):
            inbox.assign_task(
                task, case=cases[task.case_id], to=substitute, actor=None, reason=delegation.reason or "", **details
            )
        else:
            task.assignee_id, task.claimed_at = None, None
            record(
                cases[task.case_id],
                EventKind.TASK_RELEASED,
                actor=None,
                unit_id=task.unit_id,
                task_name=task.task_name,
                **details,
            )
    record_audit(
        user=None,
        action="delegation_applied",
        detail=f"#{delegation.id}: {len(tasks)} open tasks of {absent.username} → {substitute.username} "
        f"(tasks {[t.id for t in tasks]})",
    )
    return len(tasks)


def _may_manage(actor: User, user: User) -> bool:
    if actor.id == user.id:
        return True
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        return False
    reach = accounts.visible_unit_ids(actor)
    return reach is None or user.unit_id in reach


def _overlapping(user_id: int, starts_on: date, ends_on: date) -> bool:
    return (
        db.session.scalar(
            select(Delegation.id)
            .where(
                Delegation.user_id == user_id,
                Delegation.cancelled_at.is_(None),
                Delegation.starts_on <= ends_on,
                Delegation.ends_on >= starts_on,
            )
            .limit(1)
        )
        is not None
    )


# -- saved inbox views ----------------------------------------------------------------------------------------------


def save_view(*, owner: User, name: str, filters: dict, shared: bool) -> SavedView:
    """Stores the inbox filters under a name; `shared` makes it visible to everyone in the owner's unit."""
    from flask_babel import gettext as _

    from app.inbox.queries import InboxFilters

    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationFailed({"name": [_("Give the view a name of at most 80 characters.")]})
    stored = InboxFilters.from_mapping(filters).as_dict()
    stored["view"] = "unit" if filters.get("view") == "unit" else "mine"
    view = SavedView(owner_id=owner.id, unit_id=owner.unit_id if shared else None, name=name, filters=stored)
    db.session.add(view)
    db.session.flush()
    return view


def delete_view(*, view_id: int, actor: User) -> None:
    """Only the owner deletes a view (a shared one too)."""
    view = db.session.get(SavedView, view_id)
    if view is None or view.owner_id != actor.id:
        from flask_babel import gettext as _

        raise NotFound(_("This saved view does not exist or is not yours."))
    db.session.delete(view)
