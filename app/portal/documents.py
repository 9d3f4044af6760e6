"""Documents applicants upload for a case: the supplement the one-time notice asked for, and what caseworkers
see of them. Every upload and every staff view of one is an event on the case's timeline."""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.accounts.models import User
from app.cases.lifecycle import record
from app.cases.models import Case, CaseStatus
from app.core.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.inbox.models import HumanTask, TaskState
from app.portal import uploads
from app.portal.models import CaseDocument


class DocumentEvent(enum.StrEnum):
    """Timeline event kinds of the applicant side (cases.lifecycle.record takes any str enum)."""

    DOCUMENT_UPLOADED = "document_uploaded"
    DOCUMENT_VIEWED = "document_viewed"


DOCUMENT_UPLOADED = DocumentEvent.DOCUMENT_UPLOADED
DOCUMENT_VIEWED = DocumentEvent.DOCUMENT_VIEWED
EVENT_LABELS = {
    "document_uploaded": _l("Document uploaded by the applicant"),
    "document_viewed": _l("Uploaded document viewed"),
}


def register_event_labels() -> None:
    """The case timeline names events from cases.views.EVENT_LABELS; the applicant side adds its own."""
    from app.cases import views

    for kind, label in EVENT_LABELS.items():
        views.EVENT_LABELS.setdefault(kind, label)


def field_name(code: str) -> str:
    return f"material-{code}"


def documents_of(case_id: int) -> list[CaseDocument]:
    return list(
        db.session.scalars(
            select(CaseDocument)
            .where(CaseDocument.case_id == case_id)
            .order_by(CaseDocument.uploaded_at, CaseDocument.id)
        )
    )


def supplement_materials(case: Case) -> list[dict[str, str]]:
    """[{"code", "label", "note"}] the one-time notice asked for (the latest supplement letter, else the check)."""
    from app.cases import services
    from app.forms.validation import missing_materials
    from app.letters import kinds as letter_kinds
    from app.letters.models import Letter
    from app.processes import specs

    notice = db.session.scalars(
        select(Letter)
        .where(Letter.case_id == case.id, Letter.kind.in_(letter_kinds.supplement_kinds()))
        .order_by(Letter.issued_at.desc(), Letter.id.desc())
    ).first()
    if notice is not None and notice.context.get("missing"):
        return [
            {"code": m.get("code", ""), "label": m.get("label", m.get("code", "")), "note": m.get("note", "")}
            for m in notice.context["missing"]
            if m.get("code")
        ]
    service = services.get(case.service)
    check = (case.data or {}).get("check_materials") or {}
    if service is None or service.materials_form is None or not check:
        return []
    form = specs.form_for(specs.version_info(case.process_version_id), service.materials_form)
    return missing_materials(form, check, locale="zh")


def upload_supplement(case: Case, files: dict[str, FileStorage | None], *, locale: str) -> list[CaseDocument]:
    """Attaches the applicant's files for the missing materials. All or nothing: one refused file saves none."""
    from app.portal.apply import attach

    if case.status != CaseStatus.AWAITING_APPLICANT:
        raise PermissionDenied(_("This case is not waiting for materials."))
    wanted = supplement_materials(case)
    stored: list[tuple[dict[str, str], dict[str, Any]]] = []
    errors: dict[str, list[str]] = {}
    for material in wanted:
        try:
            kept = uploads.check_and_store(
                files.get(field_name(material["code"])), field=field_name(material["code"]), label=material["label"]
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
            continue
        if kept is not None:
            stored.append((material, kept.as_dict()))
    if errors:
        raise ValidationFailed(errors)
    if not stored:
        first = field_name(wanted[0]["code"]) if wanted else "documents"
        raise ValidationFailed({first: [_("Choose at least one file to upload")]})
    attached = [attach(case, m["code"], m["label"], f, stage="supplement") for m, f in stored]
    _tell_caseworkers(case, [m["label"] for m, _f in stored])
    return attached


def _tell_caseworkers(case: Case, labels: list[str]) -> None:
    """In-app notice to whoever holds the case's open step, else to whoever completed its last step."""
    from app.notifications.service import notify

    holders = db.session.scalars(
        select(HumanTask.assignee_id).where(
            HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN, HumanTask.assignee_id.is_not(None)
        )
    ).all()
    if not holders:  # nobody holds the next step yet: tell whoever issued the notice (completed the last step)
        holders = db.session.scalars(
            select(HumanTask.completed_by_id)
            .where(HumanTask.case_id == case.id, HumanTask.state == TaskState.COMPLETED)
            .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())
            .limit(1)
        ).all()
    listed = "、".join(labels)
    for user_id in {h for h in holders if h is not None}:
        notify(
            user_id=user_id,
            case=case,
            kind="documents_uploaded",
            message_zh=f"申请人已为案件 {case.number} 在线上传补正材料：{listed}",
            message_en=f"The applicant uploaded missing materials for case {case.number}: {listed}",
        )


def view_document(user: User, document_id: int) -> tuple[CaseDocument, bytes]:
    """The document if the user may see its case (role, unit and jurisdiction); the view is recorded."""
    from app.cases.service import get_case_for
    from app.core.errors import NotFound

    document = db.session.get(CaseDocument, document_id)
    if document is None:
        raise NotFound(_("This document does not exist or is not in your units."))
    case = get_case_for(user, document.case_id)
    record(case, DOCUMENT_VIEWED, actor=user, document_id=document.id, material=document.material_code)
    return document, uploads.read(document.sha256)
