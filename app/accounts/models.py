"""Organisation (district → street → community, plus bureaus and stations) and the people who work in it."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, DateTime, Enum, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.core.db import JSONType, TimestampMixin
from app.extensions import db


class UnitKind(enum.StrEnum):
    DISTRICT = "district"  # 区人民政府
    STREET = "street"  # 街道办事处
    COMMUNITY = "community"  # 社区居委会 / 社区服务站 (the community office)
    SERVICE_CENTRE = "service_centre"  # 流动人口服务中心 (one-stop window)
    POLICE_BUREAU = "police_bureau"  # 公安分局 (issuing authority)
    POLICE_STATION = "police_station"  # 派出所
    EDUCATION_BUREAU = "education_bureau"
    JUSTICE_BUREAU = "justice_bureau"
    LEGAL_AID_CENTRE = "legal_aid_centre"
    HRSS_BUREAU = "hrss_bureau"
    LABOUR_INSPECTION = "labour_inspection"


class Role(enum.StrEnum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


# Which communities a police station serves (its 辖区). A community is served by exactly one station.
station_communities = Table(
    "station_communities",
    db.metadata,
    Column("station_id", ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True),
    Column("community_id", ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True, unique=True),
)


class OrgUnit(db.Model):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160))
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=30), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # Materialised path "/1/4/9/" so "this unit and everything below it" is one indexed LIKE.
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    # Letter and remedy details (used by letters; plain data so letters never touch ORM objects).
    doc_code: Mapped[str | None] = mapped_column(String(20))  # 文号 prefix, e.g. 西公居
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    letter_details: Mapped[dict] = mapped_column(JSONType, default=dict)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent")
    served_communities: Mapped[list[OrgUnit]] = relationship(
        secondary=station_communities,
        primaryjoin=lambda: OrgUnit.id == station_communities.c.station_id,
        secondaryjoin=lambda: OrgUnit.id == station_communities.c.community_id,
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code}>"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active_flag: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    unit: Mapped[OrgUnit] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_flag

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class AuditEntry(db.Model):
    """Security-relevant acts that are not part of one case's timeline (log-in, log-out, admin changes)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))
