"""Schools and places, allocation rounds (统一派位) and their re-run: the education bureau's pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.auth import roles_required
from app.core.errors import ValidationFailed
from app.extensions import db
from app.schools import places, queries, rounds
from app.schools.permissions import can_manage, can_view

bp = Blueprint("schools", __name__, url_prefix="/schools", template_folder="templates")
WORKERS = ("caseworker", "supervisor", "admin")
MANAGERS = ("supervisor", "admin")


@bp.app_context_processor
def _menu():
    return {"can_view_schools": lambda: current_user.is_authenticated and can_view(current_user)}


def _require_view() -> None:
    if not can_view(current_user):
        abort(404)


def _year() -> int:
    return request.args.get("school_year", type=int) or places.default_school_year()


@bp.get("/")
@roles_required(*WORKERS)
def index():
    _require_view()
    return _index_page({}, {})


def _index_page(errors: dict, typed: dict, status: int = 200):
    year = int(typed.get("school_year") or _year())
    return render_template(
        "schools/index.html",
        errors=errors,
        typed=typed,
        can_manage=can_manage(current_user),
        **places.schools_page(year),
    ), status


@bp.post("/places")
@roles_required(*MANAGERS)
def set_places():
    _require_view()
    form = request.form
    try:
        places.set_places(
            actor=current_user,
            school_code=form.get("school_code", ""),
            school_year=form.get("school_year"),
            places={grade: form.get(f"places-{grade}") for grade in places.GRADES},
        )
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _index_page(exc.errors, form.to_dict(), 422)
    flash(_("Places saved."), "success")
    return redirect(url_for("schools.index", school_year=form.get("school_year")))


@bp.get("/rounds")
@roles_required(*WORKERS)
def rounds_index():
    _require_view()
    return _rounds_page({}, {})


def _rounds_page(errors: dict, values: dict, status: int = 200):
    return render_template(
        "schools/rounds.html",
        errors=errors,
        values=values,
        can_manage=can_manage(current_user),
        default_year=places.default_school_year(),
        **queries.rounds_page(),
    ), status


@bp.post("/rounds")
@roles_required(*MANAGERS)
def run_round():
    _require_view()
    form = request.form
    errors: dict[str, list[str]] = {}
    school_year = form.get("school_year", type=int)
    grade = form.get("grade", type=int)
    try:
        report_date = date.fromisoformat(form.get("report_date", ""))
    except ValueError:
        report_date = None
        errors["report_date"] = [_("Day to report: enter a date such as 2027-08-28.")]
    if school_year is None or not 2020 <= school_year <= 2100:
        errors["school_year"] = [_("School year: enter a year such as 2027.")]
    if grade not in places.GRADES:
        errors["grade"] = [_("Grade: choose a grade from 1 to 6.")]
    try:
        if errors:
            raise ValidationFailed(errors)
        placement_round = rounds.run_round(
            school_year=school_year,
            grade=grade,
            report_date=report_date,
            seed=form.get("seed"),
            actor=current_user,
            locale=g.locale,
        )
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _rounds_page(exc.errors, form.to_dict(), 422)
    placed = sum(1 for r in placement_round.results if r["school_code"])
    flash(
        _(
            "Round %(id)s done: %(placed)s of %(total)s children have a place; their offer letters are issued.",
            id=placement_round.id,
            placed=placed,
            total=len(placement_round.results),
        ),
        "success",
    )
    return redirect(url_for("schools.round_detail", round_id=placement_round.id))


@bp.get("/rounds/<int:round_id>")
@roles_required(*WORKERS)
def round_detail(round_id: int):
    _require_view()
    return render_template("schools/round.html", **queries.round_page(current_user, round_id))


@bp.post("/rounds/<int:round_id>/replay")
@roles_required(*WORKERS)
def replay(round_id: int):
    _require_view()
    if rounds.replay_round(round_id):
        flash(_("Re-run from the recorded seed and inputs: the same places, child for child."), "success")
    else:
        flash(_("Re-run from the recorded seed and inputs gives DIFFERENT places: report this at once."), "error")
    return redirect(url_for("schools.round_detail", round_id=round_id))
