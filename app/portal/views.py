"""Public pages: follow a case with its number and access code (or from one's account), download its letters,
upload the materials a supplement notice asked for, verify a letter; for staff, the documents applicants sent.

The routes of applying online and of applicant accounts are in apply_views and account_views (same blueprint)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.cases.lifecycle import EventKind, record
from app.core.auth import public, roles_required
from app.core.errors import NotFound, ValidationFailed
from app.extensions import db, limiter
from app.letters import service as letters
from app.letters.models import Letter
from app.letters.views import pdf_response
from app.portal import documents, queries, uploads
from app.portal.auth import current_applicant

bp = Blueprint("portal", __name__, template_folder="templates")
SESSION_KEY = "portal_case"
DONE_KEY = "apply_done"  # {"case_id", "code"}: the case this browser just sent, for its confirmation page


def rate_limit() -> str:
    return current_app.config.get("PORTAL_RATE_LIMIT", "10 per minute")


# What the applicant can expect at each status, in words that hold for every service; a service may say more
# (NEXT_STEPS_BY_SERVICE), e.g. where to collect a permit.
NEXT_STEPS = {
    "received": _l(
        "Your application and documents are being checked. If anything is missing, you get one notice that lists "
        "all of it."
    ),
    "awaiting_applicant": _l(
        "Send or bring the missing materials listed above before the deadline. The case goes on once the "
        "caseworker accepts them."
    ),
    "in_review": _l("Your application has been accepted and is being examined. You will get a written decision."),
    "approved": _l("Your application has been approved. The decision letter below says what happens next."),
    "refused": _l("Your application was refused. The decision letter explains why and how to appeal."),
    "not_accepted": _l("Your application was not accepted. The letter explains why and how to appeal."),
    "withdrawn": _l("The application was withdrawn, or treated as withdrawn. The letter below explains why."),
    "referred": _l("Your case was passed to another competent body. The letter below says which one."),
    "terminated": _l("The service ended early. The letter below explains why and how to object."),
    "closed": _l("The case is closed."),
}
NEXT_STEPS_BY_SERVICE = {
    ("residence_permit", "approved"): _l(
        "The permit has been approved. Collect it at the service window with the decision letter and your ID card."
    ),
    ("school_placement", "approved"): _l(
        "Your child has been offered a place. Take your child to the school on the day in the offer letter, with "
        "the materials it lists. A child who does not report by then, without telling the school why, loses the "
        "place."
    ),
}
VERIFY_STATES = {
    "valid": _l("Valid"),
    "revoked": _l("Revoked by the issuing agency"),
    "superseded": _l("Superseded by a later letter"),
    "expired": _l("Expired"),
}


def _next_step_text(status: str, service: str = "") -> str:
    return str(NEXT_STEPS_BY_SERVICE.get((service, str(status))) or NEXT_STEPS.get(str(status), ""))


@bp.app_context_processor
def _portal_labels():
    return {
        "next_step_text": _next_step_text,
        "verify_state_label": lambda state: str(VERIFY_STATES.get(str(state), state)),
        "current_applicant": current_applicant,
        "case_documents": documents.documents_of,  # the case page's block of uploaded documents (staff)
    }


documents.register_event_labels()


def _tracked_case():
    return queries.case_from_session(session.get(SESSION_KEY))


@bp.get("/track")
@public
def track():
    case = _tracked_case()
    if case is not None:
        return _progress(case, errors={})
    session.pop(SESSION_KEY, None)
    return render_template("portal/track.html", number="", errors={})


@bp.post("/track")
@public
@limiter.limit(rate_limit)
def track_submit():
    number = request.form.get("case_number", "").strip()
    code = request.form.get("access_code", "").strip()
    errors: dict[str, str] = {}
    if not number:
        errors["case_number"] = _("Enter the case number printed on your receipt")
    if not code:
        errors["access_code"] = _("Enter the access code printed on your receipt")
    case = queries.find_case(number, code) if not errors else None
    if case is None:
        if not errors:
            # The same words whether the number or the code is wrong: never tell whether a case exists.
            errors["case_number"] = _("The case number and access code do not match a case. Check both and try again.")
        return render_template("portal/track.html", number=number, errors=errors), 422
    session[SESSION_KEY] = {"case_id": case.id, "tag": queries.session_tag(case)}
    return redirect(url_for("portal.track"))


@bp.post("/track/leave")
@public
def leave():
    session.pop(SESSION_KEY, None)
    session.pop(DONE_KEY, None)  # the access code of a case just sent is forgotten with it
    return redirect(url_for("portal.track"))


@bp.get("/track/letters/<int:letter_id>.pdf")
@public
def letter_pdf(letter_id: int):
    case = _tracked_case()
    letter = db.session.get(Letter, letter_id) if case is not None else None
    if case is None or letter is None or letter.case_id != case.id:
        raise NotFound(_("This letter does not exist."))  # the same answer for absent and not yours
    pdf = letters.letter_pdf(letter)
    record(case, EventKind.LETTER_DOWNLOADED, actor=None, letter_id=letter.id, number=letter.number, by="applicant")
    db.session.commit()
    return pdf_response(letter, pdf)


@bp.get("/verify")
@public
def verify():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("portal.verify_code", code=queries.normalise_code(code) or "-"))
    return render_template("portal/verify.html", code="", result=None, looked_up=False)


@bp.get("/verify/<code>")
@public
@limiter.limit(rate_limit)
def verify_code(code: str):
    result = queries.verification(code)
    return render_template("portal/verify.html", code=code, result=result, looked_up=True), (200 if result else 404)


def _progress(case, *, errors: dict):
    context = queries.progress(case)
    context["upload_materials"] = (
        documents.supplement_materials(case) if context["status"] == "awaiting_applicant" else []
    )
    context["my_documents"] = documents.documents_of(case.id)
    return render_template("portal/progress.html", errors=errors, **context), (422 if errors else 200)


@bp.post("/track/supplement")
@public
@limiter.limit(rate_limit)
def upload_supplement():
    """The applicant sends the materials the one-time notice asked for; the caseworker accepts them in the
    case's `record_supplement` step, and the case goes on from there."""
    case = _tracked_case()
    if case is None:
        return redirect(url_for("portal.track"))
    try:
        added = documents.upload_supplement(case, request.files.to_dict(), locale=g.locale)
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _progress(case, errors=exc.errors)
    flash(_("Thank you. We have received %(n)s file(s). The caseworker will check them.", n=len(added)), "success")
    return redirect(url_for("portal.track"))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_exc):
    """More than MAX_CONTENT_LENGTH in one sending (several large photos): back to the page, saying why."""
    flash(
        _(
            "The files you chose are larger than %(mb)s MB together, so none of them was received. "
            "Upload them in two or more goes.",
            mb=uploads.max_request_mb(),
        ),
        "error",
    )
    target = url_for("portal.track") if request.endpoint == "portal.upload_supplement" else request.path
    return redirect(target, code=303)


@bp.get("/portal/documents/<int:document_id>")
@roles_required("caseworker", "supervisor", "admin")
def staff_document(document_id: int):
    """A document an applicant uploaded, for staff who may see its case; shown inline, and recorded."""
    document, data = documents.view_document(current_user, document_id)
    db.session.commit()
    response = current_app.response_class(data, mimetype=document.content_type)
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, no-store"
    return response


from app.portal import account_views, apply_views  # noqa: E402, F401  (their routes are on this blueprint)
