"""The schools page: catchments and places per grade, and the education bureau setting the places."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import AuditEntry, User
from app.core.clock import today
from app.core.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.schools.models import HOLDS_PLACE, School, SchoolCapacity, SchoolCatchment, SchoolKind, SchoolPlacement
from app.schools.permissions import can_manage

GRADES = range(1, 7)  # the district's schools in Anju are primary schools (grades 1–6)
MAX_PLACES = 2000


def default_school_year() -> int:
    """The school year applications are for now: the one starting next September (this one until August)."""
    now = today()
    return now.year if now.month <= 8 else now.year + 1


def schools_page(school_year: int) -> dict[str, Any]:
    schools = sorted(db.session.scalars(select(School)), key=lambda s: (s.kind != SchoolKind.PUBLIC, s.code))
    capacities = {
        (c.school_id, c.grade): c.places
        for c in db.session.scalars(select(SchoolCapacity).where(SchoolCapacity.school_year == school_year))
    }
    taken = {
        (school_id, grade): count
        for school_id, grade, count in db.session.execute(
            select(SchoolPlacement.school_id, SchoolPlacement.grade, func.count(SchoolPlacement.id))
            .where(SchoolPlacement.school_year == school_year, HOLDS_PLACE)
            .group_by(SchoolPlacement.school_id, SchoolPlacement.grade)
        )
    }
    catchments: dict[int, list] = {}
    for row in db.session.scalars(select(SchoolCatchment)):
        catchments.setdefault(row.school_id, []).append(row.community)
    return {
        "school_year": school_year,
        "grades": list(GRADES),
        "rows": [
            {
                "school": s,
                "communities": sorted(catchments.get(s.id, []), key=lambda c: c.code),
                "cells": [
                    {"grade": g, "places": capacities.get((s.id, g)), "taken": taken.get((s.id, g), 0)} for g in GRADES
                ],
            }
            for s in schools
        ],
    }


def set_places(*, actor: User, school_code: str, school_year: Any, places: dict[int, Any]) -> list[SchoolCapacity]:
    """The bureau sets how many places a school offers per grade, all grades of one school at once (all or
    nothing): an empty answer leaves a grade as it is; a grade never gets fewer places than it has given."""
    if not can_manage(actor):
        raise PermissionDenied(_("Only the education bureau's supervisors may change the places."))
    school = db.session.scalar(select(School).where(School.code == school_code))
    if school is None:
        raise NotFound(_("This school does not exist."))
    year = _int(school_year, 2020, 2100)
    if year is None:
        raise ValidationFailed({"school_year": [_("School year: enter a year such as 2027.")]})
    existing = {
        c.grade: c
        for c in db.session.scalars(
            select(SchoolCapacity)
            .where(SchoolCapacity.school_id == school.id, SchoolCapacity.school_year == year)
            .with_for_update()
        )
    }
    given = dict(
        db.session.execute(
            select(SchoolPlacement.grade, func.count(SchoolPlacement.id))
            .where(SchoolPlacement.school_id == school.id, SchoolPlacement.school_year == year, HOLDS_PLACE)
            .group_by(SchoolPlacement.grade)
        ).all()
    )
    errors: dict[str, list[str]] = {}
    wanted: dict[int, int] = {}
    for grade in GRADES:
        raw = places.get(grade)
        if raw is None or str(raw).strip() == "":
            continue
        count = _int(raw, 0, MAX_PLACES)
        if count is None:
            errors[f"places-{grade}"] = [
                _("Places in grade %(grade)s: enter a whole number from 0 to %(max)s.", grade=grade, max=MAX_PLACES)
            ]
        elif count < given.get(grade, 0):
            errors[f"places-{grade}"] = [
                _(
                    "Places in grade %(grade)s: %(given)s places are already given; enter at least that many.",
                    grade=grade,
                    given=given[grade],
                )
            ]
        else:
            wanted[grade] = count
    if errors:
        raise ValidationFailed(errors)
    changed = []
    for grade, count in wanted.items():
        capacity = existing.get(grade)
        before = capacity.places if capacity is not None else None
        if before == count:
            continue
        if capacity is None:
            capacity = SchoolCapacity(school_id=school.id, school_year=year, grade=grade, places=count)
            db.session.add(capacity)
        capacity.places, capacity.updated_by_id = count, actor.id
        changed.append(capacity)
        db.session.add(
            AuditEntry(
                user_id=actor.id,
                action="school_places_set",
                detail=f"{school.code} {year} grade {grade}: {before} -> {count}",
            )
        )
    return changed


def _int(value: Any, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None
