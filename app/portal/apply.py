"""Applying online, for every service in the catalogue that is offered online, from the same intake form the
window uses: the form split into pages, answers kept as a server-side draft, documents, and sending it — which
opens the case exactly as a window would (`cases.service.open_case`, actor None, channel "online").

Pages: the form's `ui.pages` if it has them (docs/forms.md), else one page per section of `ui.order`, long
sections cut into PORTAL_FIELDS_PER_PAGE fields (default 6), loose fields grouped the same way.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from app.cases import service as cases
from app.cases import services
from app.cases.lifecycle import record
from app.cases.models import Case
from app.core.clock import utcnow
from app.core.errors import NotFound, ValidationFailed
from app.extensions import db
from app.forms.definitions import layout, option_sources
from app.forms.messages import text
from app.forms.validation import applicable_materials, parse_form_submission, validate_form_data
from app.portal import accounts
from app.portal.models import ApplicantAccount, ApplicationDraft, CaseDocument
from app.processes import specs

DRAFT_HOURS_WITHOUT_ACCOUNT = 24


def online_services() -> list[services.Service]:
    """Services a person can apply for here: offered online and deployed."""
    offered = []
    for service in services.all_services():
        if service.online_intake_unit_kind is None:
            continue
        try:
            specs.latest_version_info(service.process_id)
        except NotFound:
            continue
        offered.append(service)
    return offered


def require_online(process_id: str) -> services.Service:
    service = services.get(process_id)
    if service is None or service not in online_services():
        raise NotFound("This service cannot be applied for online.")
    return service


def intake_definition(process_id: str) -> dict:
    return cases.intake_form(process_id)[1]


def pages(definition: dict) -> list[dict[str, Any]]:
    """[{"title": {"zh","en"} | None, "fields": [...]}] in ui order; every field on exactly one page."""
    per_page = int(current_app.config.get("PORTAL_FIELDS_PER_PAGE", 6))
    declared = definition["ui"].get("pages") or []
    placed = {name for page in declared for name in page["fields"]}
    result = [{"title": page.get("title"), "fields": list(page["fields"])} for page in declared]
    for title, names in layout(definition):
        rest = [name for name in names if name not in placed]
        for start in range(0, len(rest), per_page):
            result.append({"title": title, "fields": rest[start : start + per_page]})
    return result


def page_definition(definition: dict, page: dict, *, sectioned: bool = True) -> dict:
    """A view of the form with only this page's fields, for the renderer (the cached definition is not touched).

    `sectioned=False` leaves the section heading out: a question page shows its title as the page's h1."""
    entry = {"section": page["title"], "fields": page["fields"]} if page["title"] and sectioned else None
    order = [entry] if entry else list(page["fields"])
    return {**definition, "ui": {**definition["ui"], "order": order}}


def page_of_field(definition: dict, field: str) -> int:
    name = field.split(".")[0]
    return next((i for i, page in enumerate(pages(definition)) if name in page["fields"]), 0)


def options_for(definition: dict, *, rendering: bool) -> dict[str, list]:
    """Injected choices (today only "communities"): labelled for the page, bare codes for validation."""
    from app.cases.views import community_choices

    result: dict[str, list] = {}
    for name, source in option_sources(definition).items():
        if source == "communities":
            result[name] = community_choices() if rendering else cases.community_options()
    return result


# -- drafts ----------------------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _anonymous_cutoff() -> datetime:
    return utcnow() - timedelta(hours=DRAFT_HOURS_WITHOUT_ACCOUNT)


def find_draft(process_id: str, *, account: ApplicantAccount | None, token: str | None) -> ApplicationDraft | None:
    if account is not None:
        query = select(ApplicationDraft).where(
            ApplicationDraft.account_id == account.id, ApplicationDraft.service == process_id
        )
    elif token:  # kept for DRAFT_HOURS_WITHOUT_ACCOUNT since the last page was saved, as the start page says
        query = select(ApplicationDraft).where(
            ApplicationDraft.token_hash == _token_hash(token),
            ApplicationDraft.service == process_id,
            ApplicationDraft.updated_at >= _anonymous_cutoff(),
        )
    else:
        return None
    return db.session.scalars(query).one_or_none()


def start_draft(process_id: str, *, account: ApplicantAccount | None) -> tuple[ApplicationDraft, str | None]:
    """The applicant's draft for the service (kept if there is one); without an account, a new draft and the
    token the browser keeps for it."""
    if account is not None:
        draft = find_draft(process_id, account=account, token=None)
        if draft is None:
            draft = ApplicationDraft(account_id=account.id, service=process_id, answers={}, documents={})
            db.session.add(draft)
        draft.updated_at = utcnow()
        return draft, None
    # Answers left without an account are personal data nobody can come back to after the cut-off: they go
    # whenever a new one is started (no scheduled job needed, and never more than a day's worth kept).
    db.session.execute(
        delete(ApplicationDraft).where(
            ApplicationDraft.account_id.is_(None), ApplicationDraft.updated_at < _anonymous_cutoff()
        )
    )
    token = secrets.token_urlsafe(24)
    draft = ApplicationDraft(
        token_hash=_token_hash(token), service=process_id, answers={}, documents={}, updated_at=utcnow()
    )
    db.session.add(draft)
    return draft, token


def save_page(draft: ApplicationDraft, definition: dict, page: dict, form: Any, *, locale: str) -> None:
    """Keeps what was typed on this page (as typed) and checks it; errors are those of this page's fields."""
    # A field's inputs are named `<field>` or, for the repeat widget, `<field>.<row>.<column>`: both belong to
    # the page by the part before the first dot.
    mine = set(page["fields"])
    answers = {k: v for k, v in (draft.answers or {}).items() if k.split(".")[0] not in mine}
    for key in form:
        value = form.get(key, "")
        if _input_of(key, mine) and isinstance(value, str) and value.strip():
            answers[key] = value
    draft.answers, draft.updated_at = answers, utcnow()
    errors = check(definition, answers, locale=locale)
    page_errors = {key: msgs for key, msgs in errors.items() if key.split(".")[0] in mine}
    if page_errors:
        raise ValidationFailed(page_errors)


_ROW_INPUT = re.compile(r"^([a-z][a-z0-9_]*)\.\d{1,3}\.[a-z][a-z0-9_]*$")


def _input_of(key: str, fields: set[str]) -> bool:
    """Whether an input name belongs to one of `fields` (junk names are not kept in the draft)."""
    if key in fields:
        return True
    match = _ROW_INPUT.match(key)
    return bool(match and match.group(1) in fields)


def check(definition: dict, answers: dict, *, locale: str) -> dict[str, list[str]]:
    """Every problem with the answers so far, by field (empty: the application can be sent)."""
    try:
        validate_form_data(
            definition,
            parse_form_submission(definition, answers),
            locale=locale,
            options=options_for(definition, rendering=False),
        )
    except ValidationFailed as exc:
        return exc.errors
    return {}


def parse_answers(definition: dict, answers: dict) -> dict:
    """The draft's answers as values (for the check-your-answers page)."""
    return parse_form_submission(definition, answers)


def materials(process_id: str, answers: dict, locale: str) -> list[dict[str, str]]:
    """The documents the service asks for that apply to these answers: [{"code", "label", "hint"}]."""
    service = services.require(process_id)
    if service.materials_form is None:
        return []
    version = specs.latest_version_info(process_id)
    form = specs.form_for(version, service.materials_form)
    definition = intake_definition(process_id)
    context = parse_form_submission(definition, answers)
    found = []
    for name, spec in form["ui"]["fields"].items():
        if spec["widget"] != "materials":
            continue
        for material, _applies in applicable_materials(form, name, {}, context):
            found.append(
                {
                    "code": material["code"],
                    "label": text(material["label"], locale),
                    "hint": text(material.get("hint"), locale) if material.get("hint") else "",
                }
            )
    return found


def submit(draft: ApplicationDraft, *, account: ApplicantAccount | None, locale: str) -> tuple[Case, str]:
    """Opens the case from the draft (one transaction with its documents, account link and messages)."""
    if account is not None:
        db.session.info["applicant_applying"] = account.id  # the acknowledgement goes where they asked
    try:
        case, access_code = cases.open_case(
            service=draft.service, form=draft.answers or {}, actor=None, locale=locale, channel="online"
        )
    finally:
        db.session.info.pop("applicant_applying", None)
    labels = {m["code"]: m["label"] for m in materials(draft.service, draft.answers or {}, "zh")}
    for code, stored in (draft.documents or {}).items():
        if code in labels:
            attach(case, code, labels[code], stored, stage="application")
    if account is not None:
        accounts.link_case(account, case)
    db.session.delete(draft)
    return case, access_code


def attach(case: Case, code: str, label: str, stored: dict, *, stage: str) -> CaseDocument:
    from app.portal.documents import DOCUMENT_UPLOADED

    document = CaseDocument(
        case_id=case.id,
        material_code=code,
        material_label=label[:200],
        sha256=stored["sha256"],
        content_type=stored["content_type"],
        size=stored["size"],
        filename=stored["filename"],
        stage=stage,
        uploaded_at=utcnow(),
    )
    db.session.add(document)
    record(case, DOCUMENT_UPLOADED, actor=None, material=code, label=label, stage=stage, filename=stored["filename"])
    return document


def confirmation_pdf(case: Case, access_code: str) -> bytes:
    """The confirmation page as a PDF (WeasyPrint with the letters' data-only URL fetcher), in the page language."""
    from flask import render_template

    from app.letters.render import html_to_pdf
    from app.portal import queries

    return html_to_pdf(
        render_template("portal/apply_done_pdf.html", access_code=access_code, **queries.confirmation(case))
    )
