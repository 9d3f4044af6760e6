"""Permits list, permit page, and starting an endorsement / change of address / replacement from it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.auth import roles_required
from app.core.errors import Conflict, ValidationFailed
from app.extensions import db
from app.permits import queries, start
from app.permits.models import PermitStatus

bp = Blueprint("permits", __name__, url_prefix="/permits", template_folder="templates")
WORKERS = ("caseworker", "supervisor", "admin")
WINDOW = ("caseworker", "supervisor")
STATUS_LABELS = {
    "active": _l("Active"),
    "endorsement_due": _l("Endorsement due"),
    "suspended": _l("Suspended (not endorsed)"),
    "terminated": _l("Terminated"),
}
EVENT_LABELS = {
    "issued": _l("Permit issued"),
    "endorsement_due": _l("Endorsement due"),
    "reminded": _l("Holder reminded"),
    "suspended": _l("Suspended: the anniversary passed without endorsement"),
    "endorsed": _l("Endorsed"),
    "restored": _l("Endorsed late: restored, residence years count from this day"),
    "terminated": _l("Terminated: endorsement refused"),
    "address_changed": _l("Address changed"),
    "replaced": _l("Replacement card issued"),
    "case_opened": _l("Case opened on this permit"),
}
PURPOSE_LABELS = {
    "application": _l("Application"),
    "endorsement": _l("Endorsement"),
    "change_address": _l("Change of address"),
    "replacement": _l("Replacement card"),
}
REMINDER_LABELS = {
    "endorsement_due": _l("the endorsement is due"),
    "permit_suspended": _l("the permit is suspended"),
}
START_TITLES = {
    "endorsement": _l("Start the endorsement"),
    "change_address": _l("Register a change of address"),
    "replacement": _l("Replace the card"),
}


@bp.app_context_processor
def _labels():
    return {
        "permit_status_label": lambda s: str(STATUS_LABELS.get(str(s), s)),
        "permit_event_label": lambda k: str(EVENT_LABELS.get(str(k), k)),
        "permit_purpose_label": lambda p: str(PURPOSE_LABELS.get(str(p), p)),
    }


@bp.get("/")
@roles_required(*WORKERS)
def index():
    result = queries.permit_list(
        current_user,
        q=request.args.get("q", ""),
        status=request.args.get("status", ""),
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "permits/index.html",
        q=request.args.get("q", ""),
        status=request.args.get("status", ""),
        statuses=[s.value for s in PermitStatus],
        **result,
    )


@bp.get("/<int:permit_id>")
@roles_required(*WORKERS)
def detail(permit_id: int):
    context = queries.permit_page(current_user, permit_id)
    return render_template(
        "permits/detail.html",
        may_start=start.may_start(current_user),
        start_titles=START_TITLES,
        reminder_labels={k: str(v) for k, v in REMINDER_LABELS.items()},
        **context,
    )


@bp.route("/<int:permit_id>/start/<purpose>", methods=["GET", "POST"])
@roles_required(*WINDOW)
def start_case(permit_id: int, purpose: str):
    if purpose not in START_TITLES:
        abort(404)
    if not start.may_start(current_user):
        abort(403)
    errors: dict = {}
    if request.method == "POST":
        try:
            case = start.start_from_permit(
                actor=current_user, permit_id=permit_id, purpose=purpose, form=request.form, locale=g.locale
            )
            db.session.commit()
            flash(_("Case %(number)s is open.", number=case.number), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
        except ValidationFailed as exc:
            db.session.rollback()
            errors = exc.errors
        except Conflict as exc:  # terminated, a case already open, not yet in the endorsement window
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("permits.detail", permit_id=permit_id))
    from app.cases.views import community_choices

    page = start.intake_page(current_user, permit_id, purpose)
    values = {**page["defaults"], **request.form.to_dict(flat=True)} if request.method == "POST" else page["defaults"]
    return render_template(
        "permits/start.html",
        title=START_TITLES[purpose],
        errors=errors,
        values=values,
        options={"community_code": community_choices()},
        **page,
    ), (422 if errors else 200)
