"""The supervisor's desk (dashboard, drill-down and reassignment, workload, absences, statistics) and the
per-service settings for overdue tasks. Views parse, authorise, make one call, respond; the request commits once."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user
from sqlalchemy import select

from app.core.auth import roles_required
from app.core.clock import today
from app.core.errors import ValidationFailed
from app.extensions import db
from app.inbox import service as inbox_service
from app.processes.models import ProcessVersion
from app.supervision import exports, queries, reports, service
from app.supervision import statistics as stats

bp = Blueprint("supervision", __name__, url_prefix="/supervision", template_folder="templates")
MANAGERS = ("supervisor", "admin")


def _services() -> list[tuple[str, str]]:
    """(process id, name) of every deployed process, newest name."""
    rows = db.session.execute(
        select(ProcessVersion.process_id, ProcessVersion.name).order_by(
            ProcessVersion.process_id, ProcessVersion.version_number
        )
    ).all()
    return sorted({process_id: name for process_id, name in rows}.items())


@bp.get("/settings")
@roles_required(*MANAGERS)
def settings():
    rows = [(process_id, name, service.setting_for(process_id)) for process_id, name in _services()]
    return render_template("supervision/settings.html", rows=rows)


@bp.post("/settings")
@roles_required(*MANAGERS)
def save_settings():
    for process_id, _name in _services():
        wanted = request.form.get(f"reassign_{process_id}") == "on"
        if service.setting_for(process_id).reassign_overdue_to_supervisor != wanted:
            service.update_setting(service=process_id, reassign_overdue_to_supervisor=wanted, actor=current_user)
    db.session.commit()
    flash(_("Settings saved."), "success")
    return redirect(url_for("supervision.settings"))


# -- the supervisor's desk: dashboard, drill-down and reassignment, workload, absences, statistics -------------------

WORKERS = ("caseworker", "supervisor", "admin")


@bp.app_context_processor
def _supervision_labels():
    return {
        "service_label": reports.service_label,
        "duration_text": reports.duration_text,
        "bucket_label": reports.bucket_label,
    }


def _wants_csv() -> bool:
    return request.args.get("format") == "csv"


def _apply_delegations() -> None:
    """Delegations starting today move their tasks the first time a supervisor page is opened (also: any job)."""
    if service.apply_delegations():
        db.session.commit()


@bp.get("/")
@roles_required(*MANAGERS)
def dashboard():
    _apply_delegations()
    data = queries.dashboard(current_user)
    tables = reports.dashboard_tables(data, g.locale)
    if _wants_csv():
        _caption, first, rows = tables.get(request.args.get("table", ""), tables["unit"])
        header = [first, pgettext("task count", "Open"), *[reports.bucket_label(b) for b in queries.BUCKETS]]
        rows = [[label, c.open, *[getattr(c, b) for b in queries.BUCKETS]] for label, _args, c in rows]
        return exports.csv_response(f"dashboard-{request.args.get('table', 'unit')}", header, rows)
    return render_template("supervision/dashboard.html", d=data, buckets=queries.BUCKETS, tables=tables)


@bp.get("/tasks")
@roles_required(*MANAGERS)
def tasks():
    filters = queries.TaskFilter.from_mapping(request.args)
    result = queries.task_list(current_user, filters, page=request.args.get("page", 1, type=int), export=_wants_csv())
    if _wants_csv():
        return exports.csv_response(
            f"tasks-{filters.bucket or 'open'}", *exports.task_table(result.tasks, g.locale, reports.service_label)
        )
    return render_template(
        "supervision/tasks.html",
        result=result,
        filters=filters,
        people=queries.people_in_reach(current_user),
        labels=_filter_labels(filters),
    )


def _filter_labels(filters: queries.TaskFilter) -> list[str]:
    """What the drill-down is narrowed to, in words."""
    from app.accounts.models import OrgUnit, User

    labels = []
    if filters.unit_id is not None and (unit := db.session.get(OrgUnit, filters.unit_id)):
        labels.append(unit.name(g.locale))
    if filters.person == "none":
        labels.append(_("not claimed yet"))
    elif filters.person and (person := db.session.get(User, int(filters.person))):
        labels.append(person.display_name)
    if filters.service:
        labels.append(reports.service_label(filters.service))
    return labels


@bp.post("/tasks/reassign")
@roles_required(*MANAGERS)
def reassign():
    back = url_for("supervision.tasks", **queries.TaskFilter.from_mapping(request.form).args())
    try:
        result = inbox_service.reassign_tasks(
            task_ids=request.form.getlist("task_ids", type=int),
            to_user_id=request.form.get("to_user_id", type=int) or 0,
            actor=current_user,
            reason=request.form.get("reason"),
        )
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    if result.moved:
        flash(_("%(n)s tasks reassigned to %(who)s.", n=len(result.moved), who=result.to.display_name), "success")
    if result.away:
        flash(
            _(
                "%(away)s is away: their substitute %(who)s received the tasks.",
                away=result.away.display_name,
                who=result.to.display_name,
            ),
            "warning",
        )
    if result.skipped:
        numbers = "、".join(t.case.number for t in result.skipped)
        flash(_("Not reassigned, completed or withdrawn meanwhile: %(cases)s.", cases=numbers), "warning")
    if result.unchanged:
        flash(
            _("%(n)s tasks were already held by %(who)s.", n=len(result.unchanged), who=result.to.display_name), "info"
        )
    return redirect(back)


@bp.get("/workload")
@roles_required(*MANAGERS)
def workload():
    _apply_delegations()
    data = queries.workload(current_user)
    if _wants_csv():
        header = [
            _("Person"),
            _("Unit"),
            pgettext("task count", "Open"),
            _("Overdue"),
            _("Completed this week"),
            _("Away until"),
        ]
        rows = [
            [
                r.person.display_name,
                r.person.unit.name(g.locale),
                r.open,
                r.overdue,
                r.completed_week,
                r.away.ends_on if r.away else None,
            ]
            for r in data["rows"]
        ]
        return exports.csv_response("workload", header, rows)
    return render_template(
        "supervision/workload.html", **data, delegations=queries.delegations_for(current_user, today=today())
    )


@bp.route("/delegations", methods=["GET", "POST"])
@roles_required(*WORKERS)
def delegations():
    errors: dict = {}
    if request.method == "POST":
        try:
            service.create_delegation(
                user_id=request.form.get("user_id", type=int) or current_user.id,
                substitute_id=request.form.get("substitute_id", type=int) or 0,
                starts_on=_date_field("starts_on"),
                ends_on=_date_field("ends_on"),
                reason=request.form.get("reason"),
                actor=current_user,
            )
            db.session.commit()
            flash(_("The absence is recorded. Tasks move to the substitute when it starts."), "success")
            return redirect(url_for("supervision.delegations"))
        except ValidationFailed as exc:
            db.session.rollback()
            errors = exc.errors
    else:
        _apply_delegations()
    people = queries.people_in_reach(current_user)
    return render_template(
        "supervision/delegations.html",
        errors=errors,
        values=request.form,
        people=people,
        substitutes=[p for p in people if p.id != current_user.id or current_user.role != "caseworker"],
        delegations=queries.delegations_for(current_user, today=today()),
    ), (422 if errors else 200)


def _date_field(name: str):
    from datetime import date

    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError as exc:
        raise ValidationFailed({name: [_("Enter a date like 2026-11-23.")]}) from exc


@bp.post("/delegations/<int:delegation_id>/cancel")
@roles_required(*WORKERS)
def cancel_delegation(delegation_id: int):
    service.cancel_delegation(delegation_id=delegation_id, actor=current_user)
    db.session.commit()
    flash(_("The absence has been ended. Tasks already handed over stay with the substitute."), "success")
    return redirect(url_for("supervision.delegations"))


@bp.get("/statistics")
@roles_required(*MANAGERS)
def statistics():
    services = stats.services_in_use()
    chosen = request.args.get("service") if request.args.get("service") in services else (services or [None])[0]
    data = stats.page(current_user, service=chosen)
    if _wants_csv():
        return exports.csv_response(
            f"statistics-{request.args.get('table', 'weeks')}",
            *reports.table(data, request.args.get("table", "weeks"), g.locale),
        )
    return render_template(
        "supervision/statistics.html",
        data=data,
        services=services,
        chosen=chosen,
        charts=reports.charts_for(data, g.locale),
        table=lambda name: reports.table(data, name, g.locale),
    )
