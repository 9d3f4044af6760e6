"""Opening cases and completing their tasks: each is ONE transaction (the caller commits once).

complete_task: validate the form on the server → lock the case → run the engine → save its state → sync the
inbox rows → append events → issue letters. Any failure raises before commit and nothing is saved.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import OrgUnit, UnitKind, User
from app.cases import services, statutory, steps
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case, CaseStatus
from app.core.clock import today, utcnow
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.core.sequences import next_value
from app.core.templating import step_names
from app.extensions import db
from app.forms.validation import parse_form_submission, validate_form_data
from app.inbox import service as inbox
from app.inbox.models import HumanTask, TaskState
from app.processes import engine, specs

_ACCESS_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def hash_access_code(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.replace("-", "").upper().encode(), hashlib.sha256).hexdigest()


def community_options() -> list[str]:
    """Every community's code: the choices of a form's community field."""
    return list(
        db.session.scalars(select(OrgUnit.code).where(OrgUnit.kind == UnitKind.COMMUNITY).order_by(OrgUnit.code))
    )


_COMMUNITY_BY_CODE = select(OrgUnit).where(OrgUnit.code == bindparam("code"), OrgUnit.kind == UnitKind.COMMUNITY)


def _community(code: Any) -> OrgUnit | None:
    if not isinstance(code, str) or not code:
        return None
    return db.session.scalar(_COMMUNITY_BY_CODE, {"code": code})


def intake_form(service: str) -> tuple[specs.VersionInfo, dict]:
    version = specs.latest_version_info(service)
    return version, specs.form_for(version, specs.start_form_id(version))


class DuplicateSuspected(Exception):
    """The person already has an open case of this service; a window caseworker must confirm a second one."""

    def __init__(self, existing: list[Case]):
        super().__init__(", ".join(c.number for c in existing))
        self.existing = existing


def open_case(
    *,
    service: str,
    form: Any,
    actor: User | None,
    locale: str,
    channel: str = "window",
    confirm_duplicate: bool = False,
) -> tuple[Case, str]:
    """Validates the intake form, starts the process and returns (case, applicant access code).

    `actor` None: an online application (channel "online"); it enters at the service's online intake unit.
    A person with an open case of the same service is probably applying twice: at a window the caseworker is
    asked to confirm (DuplicateSuspected) before a second case is opened; an online application is opened and
    the likely duplicate is put on its timeline for the caseworker."""
    definition_service = services.get(service)
    if definition_service is None:
        raise NotFound(_("This service does not exist."))
    if actor is not None and actor.unit.kind not in definition_service.intake_unit_kinds:
        raise PermissionDenied("your unit does not take in applications for this service")
    version, definition = intake_form(service)
    # The community list is long and only the submitted code matters: look that one up (one query serves both
    # the check and the case's jurisdiction).
    community = _community(form.get(definition_service.community_field))
    data = validate_form_data(
        definition,
        parse_form_submission(definition, form),
        locale=locale,
        options={definition_service.community_field: [community.code] if community else []},
    )
    from app.people.queries import open_cases_of

    existing = open_cases_of(service, data[definition_service.id_number_field])
    if existing and actor is not None and not confirm_duplicate:
        raise DuplicateSuspected(existing)
    case, access_code = start_case(
        service=service, data=data, actor=actor, channel=channel, intake=(version, definition), community=community
    )
    if existing:
        record(case, EventKind.DUPLICATE_SUSPECTED, actor=actor, existing=[c.number for c in existing])
    return case, access_code


def start_case(
    *,
    service: str,
    data: dict[str, Any],
    actor: User | None,
    channel: str = "window",
    intake_unit_id: int | None = None,
    extra: dict[str, Any] | None = None,
    intake: tuple[specs.VersionInfo, dict] | None = None,
    community: OrgUnit | None = None,
) -> tuple[Case, str]:
    """Starts a case from already validated intake data (a window, an online form, or another case's message).

    `extra` is added to the workflow data and kept in case.data (e.g. the case that referred this one).
    `intake` (version, intake form) and `community` save the lookups when the caller has them already."""
    definition = services.require(service)
    version, form_definition = intake or intake_form(service)
    if intake_unit_id is None:
        intake_unit_id = actor.unit_id if actor is not None else _online_intake_unit(definition)
    community = community or _community(data[definition.community_field])
    if community is None:
        raise ValidationFailed({definition.community_field: [_("Choose a community from the list.")]})
    received_on = today()
    number = (
        f"{definition.prefix}-{current_app.config['DISTRICT_CODE']}-{received_on.year}-"
        f"{next_value(f'case:{service}:{received_on.year}'):06d}"
    )
    access_code = "".join(secrets.choice(_ACCESS_ALPHABET) for _ in range(8))
    access_code = f"{access_code[:4]}-{access_code[4:]}"
    workflow_data = {field: data.get(field) for field in form_definition["schema"].get("properties", {})}
    workflow_data.update(received_on=received_on.isoformat(), case_number=number, channel=channel)
    if definition.start_data:
        workflow_data.update(definition.start_data(data))
    workflow_data.update(extra or {})
    bundle = specs.bundle_for(version)
    workflow, reached = engine.start(bundle, workflow_data)
    case = Case(
        number=number,
        service=service,
        process_version_id=version.id,
        status=CaseStatus.RECEIVED,
        applicant_name=data[definition.name_field],
        applicant_id_number=data[definition.id_number_field],
        applicant_phone=data.get(definition.phone_field) or "",
        data={"application": data, "channel": channel, **(extra or {})},
        community_id=community.id,
        intake_unit_id=intake_unit_id,
        access_code_hash=hash_access_code(access_code),
        opened_by_id=actor.id if actor else None,
        workflow_state="",
        serializer_version=engine.SERIALIZER_VERSION,
    )
    statutory_rule = steps.statutory_rule(bundle)
    if statutory_rule:
        statutory.start(case, statutory_rule, received_on)
    db.session.add(case)
    db.session.flush()
    db.session.info.setdefault("open_tasks", {})[case.id] = []  # a new case has no tasks yet: no need to look
    record(
        case,
        EventKind.CASE_OPENED,
        actor=actor,
        unit_id=intake_unit_id,
        number=number,
        service=service,
        version=version.version_number,
        channel=channel,
    )
    with db.session.no_autoflush:
        steps.advance(case, version, workflow, reached, actor=actor, access_code=access_code)
    db.session.flush()
    return case, access_code


def _online_intake_unit(definition: services.Service) -> int:
    from app.accounts import service as accounts

    if definition.online_intake_unit_kind is None:
        raise PermissionDenied("this service is not offered online")
    unit = accounts.first_unit_of_kind(definition.online_intake_unit_kind)
    if unit is None:
        raise PermissionDenied(f"no unit of kind {definition.online_intake_unit_kind} takes online applications")
    return unit.id


# The two reads of complete_task, built once: building a select() and computing its cache key costs more than
# the round trip on a hot path; a prebuilt statement keeps its cache key (SQLAlchemy memoizes it).
_LOCK_CASE_OF_TASK = (
    select(Case)
    .where(Case.id == select(HumanTask.case_id).where(HumanTask.id == bindparam("task_id")).scalar_subquery())
    .with_for_update()
    .execution_options(populate_existing=True)
)
_TASKS_UNDER_LOCK = (
    select(HumanTask)
    .where(
        HumanTask.case_id == bindparam("case_id"),
        or_(HumanTask.state == TaskState.OPEN, HumanTask.id == bindparam("task_id")),
    )
    .execution_options(populate_existing=True)
)


def complete_task(*, task_id: int, actor: User, form: dict[str, Any], locale: str) -> HumanTask:
    # Lock the case row first (PostgreSQL: a second completer waits here), then read its tasks AFTER the lock,
    # so a task completed by someone else a moment ago is seen as completed. Two round trips in all.
    case = db.session.scalar(_LOCK_CASE_OF_TASK, {"task_id": task_id})
    rows = [] if case is None else db.session.scalars(_TASKS_UNDER_LOCK, {"case_id": case.id, "task_id": task_id}).all()
    task = next((row for row in rows if row.id == task_id), None)
    if task is None or not inbox.may_act_on(actor, task):
        raise NotFound(_("This task does not exist or is not in your units."))  # same for "absent" and "not yours"
    if task.state != TaskState.OPEN:
        raise Conflict(inbox.taken_message(task, actor))
    if task.assignee_id is not None and task.assignee_id != actor.id:
        raise Conflict(inbox.taken_message(task, actor))
    db.session.info.setdefault("open_tasks", {})[case.id] = [row for row in rows if row.state == TaskState.OPEN]
    version = specs.version_info(case.process_version_id)
    _check_task_role(task, version, actor)
    definition = specs.form_for(version, task.form_id)
    with db.session.no_autoflush:  # one flush at the end: the step's inserts go out as one batch
        _complete_locked(task, case, version, definition, actor=actor, form=form, locale=locale)
    try:
        db.session.flush()
    except StaleDataError as exc:  # someone saved the case between our read and our write
        raise Conflict(inbox.taken_message(task, actor)) from exc
    return task


def _complete_locked(
    task: HumanTask,
    case: Case,
    version: specs.VersionInfo,
    definition: dict,
    *,
    actor: User,
    form: dict[str, Any],
    locale: str,
) -> None:
    bundle = specs.bundle_for(version)
    workflow = steps.load_workflow(case, bundle)
    context = {**case.data.get("application", {}), **engine.task_data(workflow, task.engine_task_id)}
    data = validate_form_data(definition, parse_form_submission(definition, form), locale=locale, context=context)
    _check_business_rules(task, case, data, locale)
    try:
        reached = engine.complete_user_task(workflow, bundle, task.engine_task_id, data)
    except engine.TaskNotReady as exc:
        raise Conflict(inbox.taken_message(task, actor)) from exc
    set_committed_value(task, "case", case)  # the caller reads task.case: no lazy load after the commit
    task.state, task.completed_at, task.completed_by_id = TaskState.COMPLETED, utcnow(), actor.id
    task.assignee_id = task.assignee_id or actor.id
    case.data = {**case.data, task.task_name: data}
    record(
        case,
        EventKind.TASK_COMPLETED,
        actor=actor,
        unit_id=task.unit_id,
        task_name=task.task_name,
        **step_names(task),
        data=data,
    )
    steps.advance(case, version, workflow, [r for r in reached if r.name != task.task_name], actor=actor)


def _check_task_role(task: HumanTask, version: specs.VersionInfo, actor: User) -> None:
    """A task the BPMN marks `role="supervisor"` (an approval by the head: an extension, a criminal transfer)
    is decided by a supervisor of the unit, not by any caseworker who can see it."""
    meta = specs.bundle_for(version).tasks.get(task.task_name)
    if (
        meta is not None
        and meta.properties.get("role") == "supervisor"
        and str(actor.role) not in ("supervisor", "admin")
    ):
        raise PermissionDenied(_("Only a supervisor may decide this task."))


def _check_business_rules(task: HumanTask, case: Case, data: dict, locale: str) -> None:
    """Rules that need the case, not just the form: a supplement can only be marked missed after its deadline."""
    if task.task_name == "record_supplement" and data.get("supplied") == "not_supplied":
        deadline = case.data.get("check_materials", {}).get("supplement_deadline")
        if deadline and today() <= date.fromisoformat(deadline):
            message = (
                f"补正期限为{deadline}，期限届满前不能登记为逾期未补正"
                if locale == "zh"
                else f"Supplied: the deadline is {deadline}; the case cannot be marked as not supplied before it passes"
            )
            raise ValidationFailed({"supplied": [message]})


def get_case_for(user: User, case_id: int) -> Case:
    from app.cases.permissions import can_view_case

    case = db.session.get(Case, case_id)
    if case is None or not can_view_case(user, case):
        raise NotFound(_("This case does not exist or is not in your units."))  # same for "absent" and "not yours"
    return case
