"""Admin pages: the years, one year's month grids, correct a day, load a year's notice."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.calendar import forms, queries, service, sources
from app.calendar.enums import REASON_LABELS, STATUS_LABELS, DayReason
from app.core import clock
from app.core.auth import roles_required
from app.core.errors import ValidationFailed
from app.extensions import db

bp = Blueprint("calendar", __name__, url_prefix="/calendar", template_folder="templates", static_folder="static")

FIRST_YEAR, LAST_YEAR = 2000, 2099  # the lunar tables used for provisional years end in 2099


@bp.get("/")
@roles_required("admin")
def index():
    wanted = request.args.get("year", "").strip()
    if wanted:  # the "open a year" form
        if wanted.isdigit() and FIRST_YEAR <= int(wanted) <= LAST_YEAR:
            return redirect(url_for(".year_page", year=int(wanted)))
        flash(_("Year: enter a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR), "error")
    return render_template(
        "calendar/index.html",
        years=queries.list_years(),
        attention=queries.years_needing_attention(),
        changes=queries.recent_changes(),
        this_year=clock.today().year,
        status_labels=STATUS_LABELS,
        to_local=_to_local,
    )


@bp.get("/<int:year>")
@roles_required("admin")
def year_page(year: int):
    return _render_year(year)


@bp.post("/<int:year>/correct")
@roles_required("admin")
def correct(year: int):
    _check_year(year)
    try:
        parsed = forms.parse_correction(request.form)
        spec = parsed.spec
        changed = service.correct_day(
            spec.day,
            spec.is_workday,
            spec.reason,
            spec.holiday_name_zh,
            actor_id=current_user.id,
            note=parsed.note,
        )
    except ValidationFailed as exc:
        db.session.rollback()
        return _render_year(year, correct_errors=exc.errors, status=422)
    db.session.commit()
    if changed:
        flash(_("%(day)s corrected. Its working/rest status changed.", day=spec.day.isoformat()), "success")
    else:
        flash(_("%(day)s corrected.", day=spec.day.isoformat()), "success")
    return redirect(url_for(".year_page", year=spec.day.year))


@bp.post("/<int:year>/load")
@roles_required("admin")
def load(year: int):
    _check_year(year)
    try:
        specs, source_notice = forms.parse_load(request.form, year=year)
        changed = service.load_year(year, specs, source_notice=source_notice, actor_id=current_user.id)
    except ValidationFailed as exc:
        db.session.rollback()
        return _render_year(year, load_errors=exc.errors, status=422)
    db.session.commit()
    flash(
        ngettext(
            "%(year)d loaded as official. %(num)d date changed between working and rest day.",
            "%(year)d loaded as official. %(num)d dates changed between working and rest day.",
            len(changed),
            year=year,
        ),
        "success",
    )
    return redirect(url_for(".year_page", year=year))


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)


def _render_year(year: int, *, correct_errors=None, load_errors=None, status: int = 200):
    _check_year(year)
    days = queries.year_days(year)
    by_day = {d.spec.day: d for d in days}
    default_lines = "\n".join(
        ",".join(
            [s.day.isoformat(), "work" if s.is_workday else "rest", s.reason.value, s.holiday_name_zh or ""]
        ).rstrip(",")
        for s in sources.exceptions([d.spec for d in days])
    )
    form = request.form if request.method == "POST" else {}
    return (
        render_template(
            "calendar/year.html",
            year=year,
            summary=queries.year_summary(year),
            needs_attention=year in queries.years_needing_attention(),
            months=[(m, queries.month_weeks(year, m)) for m in range(1, 13)],
            by_day=by_day,
            exceptions=[d for d in days if d.spec != sources.default_day(d.spec.day)],
            today=clock.today(),
            reasons=list(DayReason),
            reason_labels=REASON_LABELS,
            status_labels=STATUS_LABELS,
            to_local=_to_local,
            form=form,
            prefill_day=request.args.get("day", ""),
            default_lines=default_lines,
            correct_errors=correct_errors or {},
            load_errors=load_errors or {},
        ),
        status,
    )


def _to_local(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(clock.CHINA_TZ).strftime("%Y-%m-%d %H:%M")
