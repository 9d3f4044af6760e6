"""Points assessment (积分): what the process needs from Anju's records, what it records, and its letters' facts.

The process (bpmn/points_assessment.bpmn) decides when; the points table bpmn/pt_items.dmn decides how many.
This module looks up the holder's permit at intake (residence years come from the permit record, never
typed), records the assessed total with every item for the person, and answers "what are this person's points"
for the person page and for school placement.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.cases.models import Case
from app.core.clock import today
from app.extensions import db
from app.permits.queries import holder_permit_facts
from app.points.models import PointsAssessment

# An assessment counts for one year from the day it was made (Chengdu, Dongguan: points are declared each
# year before admissions [S]; the term is a city's choice, [U]). School placement uses the newest valid one.
VALID_DAYS = 365

ITEM_LABELS = {
    "residence": _l("Years of continuous residence"),
    "insurance": _l("Social insurance in the city"),
    "education": _l("Education"),
    "skill": _l("Vocational qualification or professional title"),
    "volunteer": _l("Volunteer service"),
    "awards": _l("Awards"),
    "penalty": _l("Offences and credit record"),
}
ITEM_LABELS_ZH = {
    "residence": "连续居住年限",
    "insurance": "社会保险缴纳",
    "education": "学历",
    "skill": "职业资格或专业技术职称",
    "volunteer": "志愿服务",
    "awards": "表彰奖励",
    "penalty": "违法失信记录",
}


def start_data(data: dict[str, Any]) -> dict[str, Any]:
    """Facts the process reads from Anju's records when the case starts: the applicant's permit."""
    permit = holder_permit_facts(data["id_number"], today())
    return {**permit, "residence_years": permit["permit_months"] // 12}


def record_points(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """The milestone `record_points`: the assessed total and its items become the person's current points."""
    items = [
        {"item": item, "points": int(points), "basis": basis}
        for item, points, basis in zip(data["pt_item"], data["pt_points"], data["pt_basis"], strict=True)
    ]
    assessed_on = today()
    db.session.add(
        PointsAssessment(
            case_id=case.id,
            holder_id_number=case.applicant_id_number,
            holder_name=case.applicant_name,
            permit_number=data.get("permit_number"),
            total=sum(i["points"] for i in items),
            items=items,
            assessed_on=assessed_on,
            valid_until=assessed_on + timedelta(days=VALID_DAYS),
        )
    )
    case.data = {**case.data, "points": {"total": sum(i["points"] for i in items), "items": items}}


def current_assessment(id_number: str, on: date | None = None) -> PointsAssessment | None:
    on = on or today()
    return db.session.scalar(
        select(PointsAssessment)
        .where(PointsAssessment.holder_id_number == id_number, PointsAssessment.valid_until >= on)
        .order_by(PointsAssessment.assessed_on.desc(), PointsAssessment.id.desc())
        .limit(1)
    )


def current_points(id_number: str) -> dict[str, Any] | None:
    """The person page's view: total, date, and each item's contribution with its label."""
    assessment = current_assessment(id_number)
    if assessment is None:
        return None
    return {
        "total": assessment.total,
        "assessed_on": assessment.assessed_on.isoformat(),
        "valid_until": assessment.valid_until.isoformat(),
        "items": [
            {"label": str(ITEM_LABELS.get(i["item"], i["item"])), "points": i["points"], "basis": i["basis"]}
            for i in assessment.items
        ],
    }


def points_total(id_number: str, on: date) -> int:
    """Points for ranking (school placement): the valid assessment's total, 0 without one."""
    assessment = current_assessment(id_number, on)
    return assessment.total if assessment is not None else 0


# ---------------------------------------------------------------- letter facts

DECLARED_KEYS = ("education", "skill", "insurance_months", "volunteer_hours", "award_level", "penalty")


def decision_facts(case: Case, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    application = case.data.get("application", {})
    facts: dict[str, Any] = {
        "permit_number": data.get("permit_number"),
        "permit_status": data.get("permit_status"),
        "residence_since": data.get("residence_since"),
        "residence_years": data.get("residence_years"),
        "declared": {key: application.get(key) for key in DECLARED_KEYS},
    }
    if kind == "pt_result":
        facts["verified"] = {key: data.get(key) for key in DECLARED_KEYS}
        facts["items"] = [
            {"item": item, "label_zh": ITEM_LABELS_ZH[item], "points": int(points), "basis": basis}
            for item, points, basis in zip(data["pt_item"], data["pt_points"], data["pt_basis"], strict=True)
        ]
        facts["total"] = int(data["points_total"])
        facts["valid_until"] = (today() + timedelta(days=VALID_DAYS)).isoformat()
    if kind == "pt_receipt":
        facts["decide_by"] = case.statutory_due_on.isoformat() if case.statutory_due_on else None
    return facts
