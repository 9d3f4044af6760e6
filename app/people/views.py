"""The person page: one person's permits, points and cases across every service."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.auth import roles_required
from app.extensions import db
from app.people import queries

bp = Blueprint("people", __name__, url_prefix="/people", template_folder="templates")
PERMIT_STATUS_LABELS = {
    "active": _l("Active"),
    "endorsement_due": _l("Endorsement due"),
    "suspended": _l("Suspended (not endorsed)"),
    "terminated": _l("Terminated"),
}


@bp.get("/of-case/<int:case_id>")
@roles_required("caseworker", "supervisor", "admin")
def person(case_id: int):
    context = queries.person_page(current_user, case_id)
    db.session.commit()  # the view is on the case's record
    return render_template(
        "people/person.html",
        view_functions=current_app.view_functions,
        permit_status_label=lambda status: str(PERMIT_STATUS_LABELS.get(str(status), status)),
        **context,
    )
