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
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import OrgUnit, UnitKind, User
from app.cases import statutory, steps
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case, CaseStatus
from app.core.clock import today, utcnow
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.core.sequences import next_value
from app.extensions import db
from app.forms.validation import parse_form_submission, validate_form_data
from app.inbox import service as inbox
from app.inbox.models import HumanTask, TaskState
from app.processes import engine, specs

# Who may take in an application at a window (Decree 663 Art. 9: police stations and entrusted community bodies).
INTAKE_UNIT_KINDS = {
    "residence_permit": {UnitKind.SERVICE_CENTRE, UnitKind.COMMUNITY, UnitKind.POLICE_STATION},
}
SERVICE_PREFIX = {"residence_permit": "RP"}
_ACCESS_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def hash_access_code(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.replace("-", "").upper().encode(), hashlib.sha256).hexdigest()


def community_options() -> list[str]:
    return list(
        db.session.scalars(select(OrgUnit.code).where(OrgUnit.kind == UnitKind.COMMUNITY).order_by(OrgUnit.code))
    )


def intake_form(service: str) -> tuple[specs.VersionInfo, dict]:
    version = specs.latest_version_info(service)
    return version, specs.form_for(version, specs.start_form_id(version))


def open_case(*, service: str, form: dict[str, Any], actor: User, locale: str) -> tuple[Case, str]:
    """Validates the intake form, starts the process and returns (case, applicant access code)."""
    if service not in INTAKE_UNIT_KINDS or actor.unit.kind not in INTAKE_UNIT_KINDS[service]:
        raise PermissionDenied("your unit does not take in applications for this service")
    version, definition = intake_form(service)
    data = validate_form_data(
        definition,
        parse_form_submission(definition, form),
        locale=locale,
        options={"community_code": community_options()},
    )
    community = db.session.scalar(select(OrgUnit).where(OrgUnit.code == data["community_code"]))
    received_on = today()
    number = (
        f"{SERVICE_PREFIX[service]}-{current_app.config['DISTRICT_CODE']}-{received_on.year}-"
        f"{next_value(f'case:{service}:{received_on.year}'):06d}"
    )
    access_code = "".join(secrets.choice(_ACCESS_ALPHABET) for _ in range(8))
    access_code = f"{access_code[:4]}-{access_code[4:]}"
    workflow_data = {field: data.get(field) for field in definition["schema"].get("properties", {})}
    workflow_data.update(received_on=received_on.isoformat(), case_number=number, special_talent=False)
    bundle = specs.bundle_for(version)
    workflow, reached = engine.start(bundle, workflow_data)
    case = Case(
        number=number,
        service=service,
        process_version_id=version.id,
        status=CaseStatus.RECEIVED,
        applicant_name=data["applicant_name"],
        applicant_id_number=data["id_number"],
        applicant_phone=data["phone"],
        data={"application": data},
        community_id=community.id,
        intake_unit_id=actor.unit_id,
        access_code_hash=hash_access_code(access_code),
        opened_by_id=actor.id,
        workflow_state="",
        serializer_version=engine.SERIALIZER_VERSION,
    )
    statutory_rule = steps.statutory_rule(bundle)
    if statutory_rule:
        statutory.start(case, statutory_rule, received_on)
    db.session.add(case)
    db.session.flush()
    db.session.info["open_tasks"] = {case.id: []}  # a new case has no tasks yet: no need to look
    record(case, EventKind.CASE_OPENED, actor=actor, number=number, service=service, version=version.version_number)
    with db.session.no_autoflush:
        steps.advance(case, version, workflow, reached, actor=actor, access_code=access_code)
    db.session.flush()
    return case, access_code


def complete_task(*, task_id: int, actor: User, form: dict[str, Any], locale: str) -> HumanTask:
    # Lock the case row first (PostgreSQL: a second completer waits here), then read its tasks AFTER the lock,
    # so a task completed by someone else a moment ago is seen as completed. Two round trips in all.
    owner = select(HumanTask.case_id).where(HumanTask.id == task_id).scalar_subquery()
    case = db.session.scalar(
        select(Case).where(Case.id == owner).with_for_update().execution_options(populate_existing=True)
    )
    rows = (
        []
        if case is None
        else db.session.scalars(
            select(HumanTask)
            .where(HumanTask.case_id == case.id, or_(HumanTask.state == TaskState.OPEN, HumanTask.id == task_id))
            .execution_options(populate_existing=True)
        ).all()
    )
    task = next((row for row in rows if row.id == task_id), None)
    if task is None or not inbox.may_act_on(actor, task):
        raise NotFound(_("This task does not exist or is not in your units."))  # same for "absent" and "not yours"
    if task.state != TaskState.OPEN:
        raise Conflict(inbox.taken_message(task, actor))
    if task.assignee_id is not None and task.assignee_id != actor.id:
        raise Conflict(inbox.taken_message(task, actor))
    db.session.info["open_tasks"] = {case.id: [row for row in rows if row.state == TaskState.OPEN]}
    version = specs.version_info(case.process_version_id)
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
    workflow = engine.deserialize(case.workflow_state, bundle)
    context = {**case.data.get("application", {}), **engine.task_data(workflow, task.engine_task_id)}
    data = validate_form_data(definition, parse_form_submission(definition, form), locale=locale, context=context)
    _check_business_rules(task, case, data, locale)
    try:
        reached = engine.complete_user_task(workflow, bundle, task.engine_task_id, data)
    except engine.TaskNotReady as exc:
        raise Conflict(inbox.taken_message(task, actor)) from exc
    task.state, task.completed_at, task.completed_by_id = TaskState.COMPLETED, utcnow(), actor.id
    task.assignee_id = task.assignee_id or actor.id
    case.data = {**case.data, task.task_name: data}
    record(
        case,
        EventKind.TASK_COMPLETED,
        actor=actor,
        unit_id=task.unit_id,
        task_name=task.task_name,
        title=task.title,
        data=data,
    )
    steps.advance(case, version, workflow, [r for r in reached if r.name != task.task_name], actor=actor)


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
