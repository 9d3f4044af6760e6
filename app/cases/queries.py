"""Reads for case pages, task pages and case lists. Lists never load the engine; the case page loads it once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts import service as accounts
from app.accounts.models import OrgUnit, User
from app.cases import services, steps
from app.cases.models import Case, CaseEvent, CaseLink, CaseStatus
from app.cases.service import get_case_for
from app.core.templating import english_page, step_title
from app.extensions import db
from app.forms.definitions import prefill_values
from app.inbox import service as inbox
from app.inbox.models import HumanTask, TaskState
from app.processes import engine, specs
from app.supervision import queries as supervision_queries

PAGE_SIZE = 50


def visible_cases_query(user: User):
    query = select(Case)
    units = accounts.visible_unit_ids(user)
    if units is not None:
        task_units = select(HumanTask.case_id).where(HumanTask.unit_id.in_(units))
        query = query.where(or_(Case.community_id.in_(units), Case.intake_unit_id.in_(units), Case.id.in_(task_units)))
    return query


def case_list(user: User, *, q: str = "", status: str = "", page: int = 1) -> dict[str, Any]:
    query = visible_cases_query(user)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            or_(Case.number.ilike(like), Case.applicant_name.ilike(like), Case.applicant_id_number == q.strip())
        )
    if status in {s.value for s in CaseStatus}:
        query = query.where(Case.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.options(joinedload(Case.community))
        .order_by(Case.opened_at.desc(), Case.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    ).all()
    return {"cases": rows, "total": total, "page": max(page, 1), "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)}


def case_page(user: User, case_id: int) -> dict[str, Any]:
    from app.letters.models import Letter
    from app.processes.diagram import render_diagram_svg

    case = get_case_for(user, case_id)
    version = specs.version_info(case.process_version_id)
    events = db.session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id)
        .options(joinedload(CaseEvent.actor), joinedload(CaseEvent.unit))
        .order_by(CaseEvent.id)
    ).all()
    tasks = db.session.scalars(
        select(HumanTask)
        .where(HumanTask.case_id == case.id)
        .options(joinedload(HumanTask.unit), joinedload(HumanTask.assignee), joinedload(HumanTask.completed_by))
        .order_by(HumanTask.id)
    ).all()
    open_tasks = [t for t in tasks if t.state == TaskState.OPEN]
    workflow = steps.load_workflow(case, specs.bundle_for(version))
    english = english_page()
    diagram = render_diagram_svg(
        specs.bpmn_xml(version),
        process_id=case.service,
        active={t.task_name for t in open_tasks},
        done=engine.completed_element_ids(workflow),
        title=services.label(case.service) if english else version.name,
        english=english,
    )
    letters = db.session.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)).all()
    application_form = specs.form_for(version, specs.start_form_id(version))
    return {
        "case": case,
        "version": version,
        "events": events,
        "tasks": tasks,
        "open_tasks": open_tasks,
        "letters": letters,
        "diagram": diagram,
        "application_form": application_form,
        "forms": version.sources["forms"],
        "community": db.session.get(OrgUnit, case.community_id),
        "actionable": {t.id for t in open_tasks if inbox.may_act_on(user, t)},
        "department_clock": supervision_queries.department_clock(case.id),
        "links": linked_cases(user, case),
    }


def linked_cases(user: User, case: Case) -> list[dict[str, Any]]:
    """The cases linked to `case` either way (a referral it made, or the case that referred it), oldest first:
    {"kind", "direction" ("outgoing" | "incoming"), "case", "visible" (may `user` open it), "at"}."""
    from app.cases.permissions import can_view_case

    links = db.session.scalars(
        select(CaseLink)
        .where(or_(CaseLink.source_case_id == case.id, CaseLink.target_case_id == case.id))
        .options(joinedload(CaseLink.source), joinedload(CaseLink.target))
        .order_by(CaseLink.id)
    ).all()
    result = []
    for link in links:
        outgoing = link.source_case_id == case.id
        other = link.target if outgoing else link.source
        result.append(
            {
                "kind": link.kind,
                "direction": "outgoing" if outgoing else "incoming",
                "case": other,
                "visible": can_view_case(user, other),
                "at": link.created_at,
            }
        )
    return result


PERMIT_FACTS = (
    "age",
    "residence_months",
    "applicant_mode",
    "eligible",
    "eligibility_basis",
    "ineligible_reason",
    "issue_policy",
)


def task_page(user: User, task_id: int) -> dict[str, Any]:
    task = inbox.get_task_for(user, task_id)
    case = task.case
    version = specs.version_info(case.process_version_id)
    definition = specs.form_for(version, task.form_id) if task.form_id else None
    workflow = steps.load_workflow(case, specs.bundle_for(version))
    context_data = engine.workflow_data(workflow)
    return {
        "task": task,
        "case": case,
        "definition": definition,
        "application_form": specs.form_for(version, specs.start_form_id(version)),
        # The residence-permit application's decision facts (D-RP-1..3). Other services decide with tables of
        # their own (school places also have an `eligible`), so the panel is for this service only.
        "facts": {k: context_data.get(k) for k in PERMIT_FACTS} if case.service == "residence_permit" else {},
        # What the form's conditions read (materials required_when a DMN result, e.g. legal aid's means_route):
        # the same data the server validates against (cases.service._complete_locked), not only the application.
        "form_context": {**case.data.get("application", {}), **context_data},
        "previous": _previous_steps(case, version),
        "forms": version.sources["forms"],
        "defaults": prefill_values(definition, {**case.data.get("application", {}), **context_data})
        if definition
        else {},
    }


def _previous_steps(case: Case, version: specs.VersionInfo) -> list[tuple[str, dict, dict]]:
    """(title, form, data) of the steps already done, so the next person sees what was found before."""
    done = db.session.scalars(
        select(HumanTask)
        .where(HumanTask.case_id == case.id, HumanTask.state == TaskState.COMPLETED)
        .order_by(HumanTask.id)
    ).all()
    return [
        (step_title(t), specs.form_for(version, t.form_id), case.data[t.task_name])
        for t in done
        if t.form_id and t.task_name in case.data
    ]
