"""Task inbox: my tasks, my units' unclaimed tasks, claim, release, open and complete a task."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cases import queries as case_queries
from app.cases import service as cases
from app.core.auth import roles_required
from app.core.errors import Conflict, ValidationFailed
from app.core.templating import step_title
from app.extensions import db
from app.inbox import queries, service
from app.supervision import queries as supervision_queries
from app.supervision import service as supervision

bp = Blueprint("inbox", __name__, url_prefix="/inbox", template_folder="templates")
WORKERS = ("caseworker", "supervisor", "admin")


@bp.get("/")
@roles_required(*WORKERS)
def index():
    saved = _saved_view(request.args.get("saved", type=int))
    args = {**saved.filters, **request.args.to_dict()} if saved else request.args
    view = args.get("view") or ("mine" if queries.counts(current_user)["mine"] else "unit")
    view = view if view in ("mine", "unit") else "mine"
    filters = queries.InboxFilters.from_mapping(args)
    page = queries.inbox(current_user, view=view, filters=filters, page=request.args.get("page", 1, type=int))
    return render_template(
        "inbox/index.html",
        page=page,
        view=view,
        counts=queries.counts(current_user),
        filters=filters,
        saved=saved,
        choices=queries.filter_choices(current_user),
        saved_views=supervision_queries.saved_views_for(current_user),
    )


def _saved_view(view_id: int | None):
    if view_id is None:
        return None
    return next((v for v in supervision_queries.saved_views_for(current_user) if v.id == view_id), None)


@bp.post("/views")
@roles_required(*WORKERS)
def save_view():
    try:
        saved = supervision.save_view(
            owner=current_user,
            name=request.form.get("name", ""),
            filters=request.form.to_dict(),
            shared=request.form.get("shared") == "unit",
        )
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        flash(exc.message, "error")
        filters = queries.InboxFilters.from_mapping(request.form).as_dict()
        return redirect(url_for("inbox.index", view=request.form.get("view", "mine"), **filters))
    flash(_("The view “%(name)s” is saved.", name=saved.name), "success")
    return redirect(url_for("inbox.index", saved=saved.id))


@bp.post("/views/<int:view_id>/delete")
@roles_required(*WORKERS)
def delete_view(view_id: int):
    supervision.delete_view(view_id=view_id, actor=current_user)
    db.session.commit()
    flash(_("The saved view is deleted."), "success")
    return redirect(url_for("inbox.index"))


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
            flash(
                _("Done: “%(title)s” for case %(number)s.", title=step_title(done), number=done.case.number), "success"
            )
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
    return render_template(
        "inbox/task.html",
        errors=errors,
        values=values or context["defaults"],
        options={"community_code": community_choices()},
        **context,
    ), status
