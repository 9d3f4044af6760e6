"""Letter downloads: login, jurisdiction check, the stored PDF, a timeline event — one commit."""

from __future__ import annotations

import io

from flask import Blueprint, send_file
from flask_babel import gettext as _
from flask_login import current_user

from app.cases.models import Case
from app.cases.permissions import can_view_case
from app.core.auth import roles_required
from app.core.errors import NotFound
from app.extensions import db
from app.letters import service
from app.letters.models import Letter

bp = Blueprint("letters", __name__, url_prefix="/letters", template_folder="templates")


@bp.get("/<int:letter_id>.pdf")
@roles_required("caseworker", "supervisor", "admin")
def download(letter_id: int):
    letter = db.session.get(Letter, letter_id)
    case = db.session.get(Case, letter.case_id) if letter is not None else None
    if letter is None or case is None or not can_view_case(current_user, case):
        # The same answer for "absent" and "not yours" (as cases.service.get_case_for).
        raise NotFound(_("This letter does not exist or is not in your jurisdiction."))
    pdf = service.letter_pdf(letter)
    service.record_download(letter=letter, case=case, actor=current_user._get_current_object())
    db.session.commit()
    return pdf_response(letter, pdf)


def pdf_response(letter: Letter, pdf: bytes):
    """The stored PDF as a download. Personal data: no shared or browser cache keeps a copy."""
    response = send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=service.download_filename(letter),
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
