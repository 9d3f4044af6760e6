"""Points assessments (居住证积分, rules.md §1.4 D-RP-5): the result of a points case, kept for the person."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import JSONType, TimestampMixin
from app.extensions import db


class PointsAssessment(TimestampMixin, db.Model):
    """One assessed total with every item's contribution. The newest one still valid is the person's points."""

    __tablename__ = "points_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    holder_id_number: Mapped[str] = mapped_column(String(18), index=True)
    holder_name: Mapped[str] = mapped_column(String(80))
    permit_number: Mapped[str | None] = mapped_column(String(40))
    total: Mapped[int] = mapped_column(Integer)
    # [{"item": "residence", "points": 8, "basis": "连续居住每满一年计2分，最高20分"}, …] in table order
    items: Mapped[list] = mapped_column(JSONType)
    assessed_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
