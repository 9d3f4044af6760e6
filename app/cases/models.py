"""A case is one application or complaint from intake to closure, with its append-only timeline."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import DDL, Date, DateTime, Enum, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import OrgUnit, User
from app.core.clock import utcnow
from app.core.db import JSONType
from app.extensions import db


class CaseStatus(enum.StrEnum):
    RECEIVED = "received"  # application taken in, materials being checked
    AWAITING_APPLICANT = "awaiting_applicant"  # one-time supplement notice issued; the clock is paused
    IN_REVIEW = "in_review"  # accepted; verification / investigation / decision under way
    APPROVED = "approved"  # granted: permit issued, aid granted, place offered, payment ordered
    REFUSED = "refused"
    NOT_ACCEPTED = "not_accepted"  # materials not supplied in time, outside the agency's powers
    WITHDRAWN = "withdrawn"  # withdrawn by the applicant, or deemed withdrawn (legal aid: not supplemented)
    REFERRED = "referred"  # handed to another competent body (another bureau, arbitration, a court)
    TERMINATED = "terminated"  # a granted service ended early (legal aid Art. 48, a permit's endorsement refused)
    CLOSED = "closed"


# The only moves a case may make (Dispatch-style explicit state machine); see cases.lifecycle. Decisions can be
# re-opened where the law gives a remedy inside the same case (legal-aid objection, school re-check), so a
# refusal may go back to review; a grant may end early (terminated) before it closes.
_OPEN = frozenset({CaseStatus.RECEIVED, CaseStatus.AWAITING_APPLICANT, CaseStatus.IN_REVIEW})
_DECIDED = frozenset(
    {
        CaseStatus.APPROVED,
        CaseStatus.REFUSED,
        CaseStatus.NOT_ACCEPTED,
        CaseStatus.WITHDRAWN,
        CaseStatus.REFERRED,
        CaseStatus.TERMINATED,
    }
)
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    **{status: (_OPEN | _DECIDED) - {status, CaseStatus.TERMINATED} for status in _OPEN},
    CaseStatus.APPROVED: frozenset({CaseStatus.CLOSED, CaseStatus.TERMINATED, CaseStatus.IN_REVIEW}),
    CaseStatus.REFUSED: frozenset({CaseStatus.CLOSED, CaseStatus.IN_REVIEW, CaseStatus.APPROVED}),
    CaseStatus.NOT_ACCEPTED: frozenset({CaseStatus.CLOSED, CaseStatus.IN_REVIEW}),
    CaseStatus.WITHDRAWN: frozenset({CaseStatus.CLOSED}),
    CaseStatus.REFERRED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.TERMINATED: frozenset({CaseStatus.CLOSED, CaseStatus.IN_REVIEW}),
    CaseStatus.CLOSED: frozenset(),
}
FINAL_STATUSES = _DECIDED | {CaseStatus.CLOSED}


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_community_status", "community_id", "status"),
        Index("ix_cases_service_opened", "service", "opened_at"),
        # The timer scan's claim, in its exact order: many timers fall due at the same moment (deadlines end at
        # 23:59:59), so an index on next_timer_at alone left PostgreSQL sorting every due case on each claim.
        # Partial: only cases with a pending timer.
        # The forecast's sample of recently closed cases per service (supervision.measures.usual_successors).
        Index(
            "ix_cases_service_closed",
            "service",
            "closed_at",
            postgresql_where=text("closed_at IS NOT NULL"),
            sqlite_where=text("closed_at IS NOT NULL"),
        ),
        Index(
            "ix_cases_timer_scan",
            "next_timer_at",
            "id",
            postgresql_where=text("next_timer_at IS NOT NULL"),
            sqlite_where=text("next_timer_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. RP-330106-2026-000123
    service: Mapped[str] = mapped_column(String(40), index=True)  # process id: residence_permit, …
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    status: Mapped[CaseStatus] = mapped_column(Enum(CaseStatus, native_enum=False, length=30), index=True)
    # The applicant, denormalised for lists and search; full application data lives in `data`.
    applicant_name: Mapped[str] = mapped_column(String(80), index=True)
    applicant_id_number: Mapped[str] = mapped_column(String(18), index=True)
    applicant_phone: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict] = mapped_column(JSONType, default=dict)  # the application as entered, plus outcomes
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)  # jurisdiction
    intake_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    access_code_hash: Mapped[str] = mapped_column(String(255))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)  # closed per week
    statutory_due_on: Mapped[date | None] = mapped_column(Date)
    current_step: Mapped[str | None] = mapped_column(String(200))  # titles of open tasks, for lists
    # Engine state: the serialized workflow WITHOUT its spec (the spec lives once per ProcessVersion).
    workflow_state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(20))
    # When the timer scan should next look at this case: its earliest pending BPMN timer, kept by every engine
    # step (cases.steps), or a retry time after a failed attempt. NULL: no timer pending. Indexed for the scan
    # "next_timer_at < now ORDER BY next_timer_at, id" (cases.timers, docs/timers.md): ix_cases_timer_scan.
    next_timer_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    timer_failures: Mapped[int] = mapped_column(default=0, server_default=text("0"))  # in a row, for the backoff
    # The pending timers as the last engine step left them, [[element, fire_at ISO]] under "pending", so the scan
    # can fire an escalation-only timer without loading the state; such a timer, once fired, is listed under
    # "fired" until the next engine step of the case catches the saved state up with it (docs/timers.md).
    timers: Mapped[dict | None] = mapped_column(JSONType)
    # Optimistic lock: every save bumps it; a save against a stale version fails (see cases.service).
    lock_version: Mapped[int] = mapped_column(default=1)

    community: Mapped[OrgUnit] = relationship(foreign_keys=[community_id])
    intake_unit: Mapped[OrgUnit] = relationship(foreign_keys=[intake_unit_id])
    opened_by: Mapped[User | None] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": lock_version}


# Every step rewrites the case's saved workflow state (~12–15 kB of JSON, stored compressed out of line). lz4
# compresses it for about two thirds of pglz's server CPU (BENCHMARKS.md "Per task"); PostgreSQL 14+ built with
# lz4 (Debian's is). Without lz4 support the statement changes nothing and the default compression stays.
LZ4_STATE = """
DO $$ BEGIN
    ALTER TABLE cases ALTER COLUMN workflow_state SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
END $$
"""
event.listen(Case.__table__, "after_create", DDL(LZ4_STATE).execute_if(dialect="postgresql"))


class CaseEvent(db.Model):
    """Timeline, audit trail and report source in one append-only table."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # see cases.events.EventKind
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    task_name: Mapped[str | None] = mapped_column(String(80))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    unit: Mapped[OrgUnit | None] = relationship()


class CaseLink(db.Model):
    """Two cases that belong together: one case's process sent a BPMN message that opened the other (a wage
    complaint's workers referred to legal aid). Read from both ends (cases.queries.linked_cases)."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("source_case_id", "target_case_id", "kind", name="uq_case_links_pair_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    target_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # "referral"
    message: Mapped[str | None] = mapped_column(String(80))  # the BPMN message that made the link
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    source: Mapped[Case] = relationship(foreign_keys=[source_case_id])
    target: Mapped[Case] = relationship(foreign_keys=[target_case_id])
