"""The staff member's notifications: list, mark read (the header shows the unread count, base.html); for admins,
the outbox of e-mails and SMS to applicants."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.auth import roles_required
from app.extensions import db
from app.notifications import outbox, queries, service

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")
STAFF = ("caseworker", "supervisor", "admin")


@bp.get("/")
@roles_required(*STAFF)
def index():
    return render_template(
        "notifications/index.html",
        notifications=queries.latest(current_user),
        unread=queries.unread_count(current_user),
    )


@bp.post("/<int:notification_id>/read")
@roles_required(*STAFF)
def mark_read(notification_id: int):
    service.mark_read(user=current_user, notification_id=notification_id)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
@roles_required(*STAFF)
def mark_all_read():
    service.mark_read(user=current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def _unread():
    # A function, so the count is asked only by pages that show it (the header, for supervisors).
    return {"unread_notifications": lambda: queries.unread_count(current_user)}


@bp.get("/outbox")
@roles_required("admin")
def outbox_list():
    """E-mails and SMS to applicants: what was sent, what waits for a retry, what failed (recipients masked)."""
    status = request.args.get("status", "")
    return render_template(
        "notifications/outbox.html",
        messages=queries.outbox_messages(status=status),
        counts=queries.outbox_counts(),
        status=status,
        mask_recipient=outbox.mask_recipient,
    )


@bp.post("/outbox/<int:message_id>/retry")
@roles_required("admin")
def outbox_retry(message_id: int):
    outbox.retry_now(message_id)
    db.session.commit()
    return redirect(url_for("notifications.outbox_list", status=request.args.get("status", "")))
