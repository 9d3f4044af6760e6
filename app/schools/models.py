"""Schools, their catchments and places, allocation rounds and the places they gave (rules.md §4).

Each community belongs to one public primary school's catchment (学区); each school has a number of places per
grade per school year. A round (统一派位) records its lottery seed, what it was given and what it decided, so
anyone can run it again (allocation.replay) and get the same answer.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.core.db import JSONType
from app.extensions import db


class SchoolKind(enum.StrEnum):
    PUBLIC = "public"  # 公办学校
    PRIVATE = "private"  # 民办学校: places bought by the government (政府购买学位) for migrants' children


class PlacementKind(enum.StrEnum):
    CATCHMENT = "catchment"  # 学区学校 (相对就近)
    OTHER_PUBLIC = "other_public"  # 统筹安排的其他公办学校
    PRIVATE_SUBSIDISED = "private_subsidised"  # 政府购买的民办学校学位


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150))
    kind: Mapped[SchoolKind] = mapped_column(Enum(SchoolKind, native_enum=False, length=20))
    # The street the school stands in: a full catchment school's children go first to schools of the same street.
    street_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    address: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(30))
    report_place: Mapped[str] = mapped_column(String(200))  # where new pupils report (报到), printed on the offer
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    street = relationship("OrgUnit")


class SchoolCatchment(db.Model):
    """community → its catchment school (one per community)."""

    __tablename__ = "school_catchments"

    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)

    school = relationship("School")
    community = relationship("OrgUnit")


class SchoolCapacity(db.Model):
    """Places a school offers migrants' children in one grade of one school year; the row is also the lock
    that serialises allocation (a round and a single assignment both take it FOR UPDATE)."""

    __tablename__ = "school_capacities"
    __table_args__ = (UniqueConstraint("school_id", "school_year", "grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    school_year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[int] = mapped_column(Integer)
    places: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    school = relationship("School")


class PlacementRound(db.Model):
    """One allocation round (统一派位): its seed, inputs and results, enough to run it again and compare."""

    __tablename__ = "placement_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(40))
    report_date: Mapped[date] = mapped_column(Date)
    # {"applicants": [...], "schools": [...]} exactly as allocation.allocate received them
    inputs: Mapped[dict] = mapped_column(JSONType)
    results: Mapped[list] = mapped_column(JSONType)  # [{"case_number", "school_code", "kind", "rank", …}]
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of inputs + seed + results
    run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    run_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    run_by = relationship("User")


class SchoolPlacement(db.Model):
    """The place a case was given (one per case)."""

    __tablename__ = "school_placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    school_year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[int] = mapped_column(Integer)
    kind: Mapped[PlacementKind] = mapped_column(Enum(PlacementKind, native_enum=False, length=30))
    report_date: Mapped[date] = mapped_column(Date)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("placement_rounds.id"))
    rank: Mapped[int | None] = mapped_column(Integer)  # position in the round's ranking (points, tie-breakers, lot)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    enrolled_on: Mapped[date | None] = mapped_column(Date)  # the day the child reported at the school (报到)
    # A place given up or not taken up by the deadline goes back to the school: released rows hold no place.
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    release_reason: Mapped[str | None] = mapped_column(String(20))  # "declined" | "not_reported"

    school = relationship("School")
    case = relationship("Case")


# The placements that still hold a place: what every count of places given uses.
HOLDS_PLACE = SchoolPlacement.released_at.is_(None)
