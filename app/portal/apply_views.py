"""Applying online (GOV.UK patterns): start page → one page per group of questions → documents → check your
answers → confirmation with the case number, access code, what happens next and a receipt to save."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.core.auth import public
from app.core.errors import NotFound, ValidationFailed
from app.extensions import db
from app.forms.messages import text
from app.portal import apply, queries, uploads
from app.portal.auth import current_applicant
from app.portal.views import DONE_KEY, SESSION_KEY, bp

DRAFTS_KEY = "apply_drafts"  # service → token of a draft made without an account


def _service(process_id: str):
    try:
        return apply.require_online(process_id)
    except NotFound:
        abort(404)


def _draft(process_id: str):
    token = (session.get(DRAFTS_KEY) or {}).get(process_id)
    return apply.find_draft(process_id, account=current_applicant(), token=token)


def _draft_or_start(process_id: str):
    draft = _draft(process_id)
    if draft is None:
        flash(_("Start your application here."), "warning")
    return draft


@bp.get("/apply")
@public
def apply_index():
    return render_template("portal/apply_index.html", offered=apply.online_services())


@bp.get("/apply/<service>")
@public
def apply_start(service: str):
    definition_service = _service(service)
    definition = apply.intake_definition(service)
    return render_template(
        "portal/apply_start.html",
        service=definition_service,
        definition=definition,
        materials=apply.materials(service, {}, g.locale),
        rule=queries.statutory_rule_of(service),
        draft=_draft(service),
        applicant=current_applicant(),
    )


@bp.post("/apply/<service>/start")
@public
def apply_begin(service: str):
    _service(service)
    if request.form.get("restart") == "yes" and (old := _draft(service)) is not None:
        db.session.delete(old)
        db.session.flush()
    draft = _draft(service)
    if draft is None:
        draft, token = apply.start_draft(service, account=current_applicant())
        if token:
            session[DRAFTS_KEY] = {**(session.get(DRAFTS_KEY) or {}), service: token}
    db.session.commit()
    return redirect(url_for("portal.apply_page", service=service, number=1))


@bp.route("/apply/<service>/<int:number>", methods=["GET", "POST"])
@public
def apply_page(service: str, number: int):
    _service(service)
    draft = _draft_or_start(service)
    if draft is None:
        return redirect(url_for("portal.apply_start", service=service))
    definition = apply.intake_definition(service)
    pages = apply.pages(definition)
    if not 1 <= number <= len(pages):
        abort(404)
    page = pages[number - 1]
    errors: dict = {}
    values = draft.answers or {}
    if request.method == "POST":
        values = {**values, **request.form.to_dict(flat=True)}
        try:
            apply.save_page(draft, definition, page, request.form, locale=g.locale)
        except ValidationFailed as exc:
            errors = exc.errors
        db.session.commit()  # what was typed is kept even when something must be corrected
        if not errors:
            if request.form.get("action") == "save_and_leave" and current_applicant() is not None:
                flash(_("Your answers are saved. You can come back to them from your account."), "success")
                return redirect(url_for("portal.account_home"))
            if request.args.get("change") or number == len(pages):
                return redirect(url_for("portal.apply_documents", service=service))
            return redirect(url_for("portal.apply_page", service=service, number=number + 1))
    return render_template(
        "portal/apply_page.html",
        service=apply.require_online(service),
        definition=apply.page_definition(definition, page, sectioned=False),
        heading=text(page["title"], g.locale) if page["title"] else text(definition["title"], g.locale),
        values=values,
        errors=errors,
        options=apply.options_for(definition, rendering=True),
        number=number,
        total=len(pages),
        applicant=current_applicant(),
    ), (422 if errors else 200)


@bp.route("/apply/<service>/documents", methods=["GET", "POST"])
@public
def apply_documents(service: str):
    _service(service)
    draft = _draft_or_start(service)
    if draft is None:
        return redirect(url_for("portal.apply_start", service=service))
    materials = apply.materials(service, draft.answers or {}, g.locale)
    if not materials:
        return redirect(url_for("portal.apply_check", service=service))
    errors: dict = {}
    if request.method == "POST":
        documents = dict(draft.documents or {})
        for material in materials:
            field = f"material-{material['code']}"
            if request.form.get(f"remove-{material['code']}"):
                documents.pop(material["code"], None)
            try:
                stored = uploads.check_and_store(request.files.get(field), field=field, label=material["label"])
            except ValidationFailed as exc:
                errors.update(exc.errors)
                continue
            if stored is not None:
                documents[material["code"]] = stored.as_dict()
        draft.documents = documents
        db.session.commit()  # the files that were fine are kept; the refused ones are named below
        if not errors and request.form.get("action") == "upload":
            flash(_("The files are uploaded. Choose more, or press “Continue”."), "success")
            return redirect(url_for("portal.apply_documents", service=service))
        if not errors:
            return redirect(url_for("portal.apply_check", service=service))
    return render_template(
        "portal/apply_documents.html",
        service=apply.require_online(service),
        materials=materials,
        documents=draft.documents or {},
        errors=errors,
        max_mb=round(uploads.max_bytes() / 1024 / 1024, 1),
        max_request_mb=uploads.max_request_mb(),
        back=url_for("portal.apply_page", service=service, number=len(apply.pages(apply.intake_definition(service)))),
    ), (422 if errors else 200)


@bp.route("/apply/<service>/check", methods=["GET", "POST"])
@public
def apply_check(service: str):
    definition_service = _service(service)
    draft = _draft_or_start(service)
    if draft is None:
        return redirect(url_for("portal.apply_start", service=service))
    definition = apply.intake_definition(service)
    errors = apply.check(definition, draft.answers or {}, locale=g.locale)
    if request.method == "POST" and not errors:
        try:
            case, access_code = apply.submit(draft, account=current_applicant(), locale=g.locale)
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            session[DRAFTS_KEY] = {k: v for k, v in (session.get(DRAFTS_KEY) or {}).items() if k != service}
            session[DONE_KEY] = {"case_id": case.id, "code": access_code}
            # The applicant follows the new case at once (receipt download, progress), as with number + code.
            session[SESSION_KEY] = {"case_id": case.id, "tag": queries.session_tag(case)}
            return redirect(url_for("portal.apply_done"))
    pages = apply.pages(definition)
    return render_template(
        "portal/apply_check.html",
        service=definition_service,
        sections=[(i + 1, apply.page_definition(definition, page)) for i, page in enumerate(pages)],
        answers=apply.parse_answers(definition, draft.answers or {}),
        errors=errors,
        error_pages={key: apply.page_of_field(definition, key) + 1 for key in errors},
        materials=apply.materials(service, draft.answers or {}, g.locale),
        documents=draft.documents or {},
        options=apply.options_for(definition, rendering=True),
    ), (422 if errors and request.method == "POST" else 200)


def _just_sent():
    """The case this browser has just sent and its access code, while the confirmation is still to be seen."""
    done = session.get(DONE_KEY)
    case = queries.case_from_session(session.get(SESSION_KEY))
    if not isinstance(done, dict) or case is None or done.get("case_id") != case.id:
        return None, None
    return case, str(done.get("code", ""))


@bp.get("/apply/done")
@public
def apply_done():
    case, access_code = _just_sent()
    if case is None:
        return redirect(url_for("portal.apply_index"))
    return render_template("portal/apply_done.html", access_code=access_code, **queries.confirmation(case))


@bp.get("/apply/done/confirmation.pdf")
@public
def apply_done_pdf():
    """The confirmation page as a real PDF to keep (it holds the access code: never cached)."""
    case, access_code = _just_sent()
    if case is None:
        return redirect(url_for("portal.apply_index"))
    response = current_app.response_class(apply.confirmation_pdf(case, access_code), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{case.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
