"""Points assessment through the service layer: the permit looked up, the verified values scored item by item,
the result kept for the person and shown on the person page; no valid permit, no points."""

from __future__ import annotations

import random
from datetime import date, datetime

from sqlalchemy import select

from app.cases import service
from app.cases.models import CaseStatus
from app.core import clock
from app.letters.models import Letter
from app.points.demo import points_form
from app.points.models import PointsAssessment
from app.points.service import current_points, points_total
from app.schools.demo import permit_holder
from tests.conftest import login
from tests.schools.conftest import do


def at(day: str) -> None:
    clock.freeze(datetime.fromisoformat(f"{day}T10:00:00+08:00"))


VERIFIED = {
    "materials.id_card.verdict": "provided",
    "materials.credit_report.verdict": "provided",
    "materials.education_certificate.verdict": "provided",
    "materials.skill_certificate.verdict": "provided",
    "materials.insurance_record.verdict": "provided",
    "materials.volunteer_record.verdict": "provided",
    "education": "associate",
    "skill": "intermediate_worker",
    "insurance_months": "30",
    "volunteer_hours": "60",
    "award_level": "none",
    "penalty": "none",
}


def test_points_are_scored_on_the_verified_values_and_kept_for_the_person(app, db, world):
    holder = permit_holder(world.units, world.users, random.Random(3), community="C0201", issued_on=date(2026, 6, 1))
    at("2026-11-20")
    case, _code = service.open_case(
        service="points_assessment",
        form=points_form(holder, education="bachelor"),
        actor=world.users["window1"],
        locale="zh",
    )
    db.session.commit()
    task_page = app.test_client()
    login(task_page, "window2")
    from tests.schools.conftest import open_tasks

    (task,) = open_tasks(db, case.id)
    page = task_page.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert 'value="bachelor" checked' in page or '<option value="bachelor" selected' in page  # prefilled
    do(db, case, world.users["window2"], VERIFIED)
    db.session.commit()
    assert case.status == CaseStatus.APPROVED
    assessment = db.session.scalars(select(PointsAssessment)).one()
    items = {i["item"]: i["points"] for i in assessment.items}
    # Permit since June, residence registered eight months before it: one full year → 2.
    assert items == {
        "residence": 2,
        "insurance": 6,
        "education": 10,
        "skill": 10,
        "volunteer": 1,
        "awards": 0,
        "penalty": 0,
    }
    assert assessment.total == 29 == points_total(holder["id_number"], date(2026, 11, 21))
    shown = current_points(holder["id_number"])
    assert shown["total"] == 29 and len(shown["items"]) == 7
    result = db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "pt_result")).one()
    rows = result.context["grid"]["rows"]
    assert rows[2][1:5] == ["学历", "大学本科", "大学专科", "10"]  # declared → verified → points
    assert result.context["grid"]["foot"][4] == "29"
    person = task_page.get(f"/people/of-case/{case.id}").get_data(as_text=True)
    assert "29" in person and "连续居住年限" in person


def test_no_valid_permit_no_points(db, world):
    holder = permit_holder(world.units, world.users, random.Random(4), community="C0201", issued_on=date(2025, 6, 1))
    at("2026-11-20")
    case, _code = service.open_case(
        service="points_assessment", form=points_form(holder), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    assert case.status == CaseStatus.REFUSED
    refusal = db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == "pt_refusal")).one()
    assert "超过有效期" in refusal.context["reasons"][0]["text"] and "行政复议" in refusal.context["remedy"]
    assert db.session.scalars(select(PointsAssessment)).all() == []
