"""Task inbox: my tasks, my units' unclaimed tasks, claim, release, open and complete a task."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cases import queries as case_queries
from app.cases import service as cases
from app.core.auth import roles_required
from app.core.errors import Conflict, ValidationFailed
from app.extensions import db
from app.inbox import queries, service

bp = Blueprint("inbox", __name__, url_prefix="/inbox", template_folder="templates")
WORKERS = ("caseworker", "supervisor", "admin")


@bp.get("/")
@roles_required(*WORKERS)
def index():
    view = request.args.get("view", "mine" if queries.counts(current_user)["mine"] else "unit")
    view = view if view in ("mine", "unit") else "mine"
    page = queries.inbox(current_user, view=view, service=request.args.get("service") or None,
                         page=request.args.get("page", 1, type=int))
    return render_template("inbox/index.html", page=page, view=view, counts=queries.counts(current_user),
                           service=request.args.get("service", ""))


@bp.post("/tasks/<int:task_id>/claim")
@roles_required(*WORKERS)
def claim(task_id: int):
    try:
        service.claim_task(task_id=task_id, actor=current_user)
        db.session.commit()
        flash(_("You claimed the task. It is now in “My tasks”."), "success")
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(request.form.get("next") or url_for("inbox.task", task_id=task_id))


@bp.post("/tasks/<int:task_id>/release")
@roles_required(*WORKERS)
def release(task_id: int):
    try:
        service.release_task(task_id=task_id, actor=current_user)
        db.session.commit()
        flash(_("You released the task. Others in your unit can claim it now."), "success")
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("inbox.index", view="unit"))


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@roles_required(*WORKERS)
def task(task_id: int):
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        values = request.form.to_dict(flat=False)
        try:
            done = cases.complete_task(task_id=task_id, actor=current_user, form=request.form, locale=g.locale)
            db.session.commit()
            flash(_("Done: “%(title)s” for case %(number)s.", title=done.title, number=done.case.number), "success")
            return redirect(url_for("inbox.index"))
        except ValidationFailed as exc:
            db.session.rollback()
            errors = exc.errors
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("inbox.index"))
    from app.cases.views import community_choices

    context = case_queries.task_page(current_user, task_id)
    status = 422 if errors else 200
    return render_template("inbox/task.html", errors=errors, values=values or context["defaults"],
                           options={"community_code": community_choices()}, **context), status
