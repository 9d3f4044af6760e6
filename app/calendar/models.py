"""The working-day calendar as stored: one row per date, one row per year saying how sure we are."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.calendar.enums import DayReason, YearStatus
from app.core.clock import utcnow
from app.extensions import db


def _values(enum_cls: type[enum.Enum]) -> list[str]:
    return [member.value for member in enum_cls]


class CalendarDay(db.Model):
    """Whether `day` is a working day, why, and where that came from."""

    __tablename__ = "calendar_days"
    __table_args__ = (
        CheckConstraint(
            "(is_workday AND reason IN ('weekday', 'makeup_workday')) OR "
            "(NOT is_workday AND reason IN ('weekend', 'statutory_holiday', 'substitute_day_off'))",
            name="reason_matches_workday",
        ),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    reason: Mapped[DayReason] = mapped_column(
        Enum(DayReason, native_enum=False, length=24, values_callable=_values, validate_strings=True)
    )
    holiday_name_zh: Mapped[str | None] = mapped_column(String(60))
    # "chinesecalendar 1.11.0", the provisional rules, the notice an admin loaded, or "admin correction".
    source: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<CalendarDay {self.day} {'work' if self.is_workday else 'rest'} {self.reason}>"


class CalendarYear(db.Model):
    """A year is official once its State Council notice is loaded; until then it is provisional."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[YearStatus] = mapped_column(
        Enum(YearStatus, native_enum=False, length=12, values_callable=_values, validate_strings=True)
    )
    source_notice: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A fresh random token on every change to the year or one of its days: lets every process check its
    # in-memory copy with one primary-key read (see queries.DbCalendar).
    data_version: Mapped[str] = mapped_column(String(32))

    def __repr__(self) -> str:
        return f"<CalendarYear {self.year} {self.status}>"
