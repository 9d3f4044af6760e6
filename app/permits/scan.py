"""The endorsement scan (D-RP-4's date rows, rules.md §1.4): run beside the timer scan, exactly once per change.

* In the month before the anniversary (endorsement_window_start ≤ today) an ACTIVE permit becomes
  ENDORSEMENT_DUE: the holder is reminded and an endorsement case (rp_endorsement, "RE") is opened.
* When the anniversary has come (valid_until < today) and the permit was not endorsed, it is SUSPENDED
  (使用功能中止); the holder is reminded, and the endorsement case stays open (or is opened) for a late
  endorsement, which restores it (app/permits/endorsement.py).

Exactly once, as in app/cases/timers.py: permits are claimed with SELECT … FOR UPDATE SKIP LOCKED, a batch at
a time; each permit is moved inside its own SAVEPOINT and the batch commits once. The move itself takes the
permit out of the claim's WHERE clause, and PostgreSQL re-checks that clause against the committed row, so a
scan that started earlier cannot claim it again; a concurrent scan skips locked rows instead of waiting. On
SQLite (one writer) the claim is plain ordering. A permit that fails rolls back alone and is retried at the next
scan (it is still due); the others of the batch commit.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import and_, or_, select

from app.core import jobs
from app.core.clock import today as clock_today
from app.extensions import db
from app.permits import lifecycle, reminders
from app.permits.models import PermitEventKind, PermitStatus, ResidencePermit

log = logging.getLogger(__name__)
BATCH = 20


def _due_clause(today: date):
    return or_(
        and_(ResidencePermit.status == PermitStatus.ACTIVE, ResidencePermit.endorsement_window_start <= today),
        and_(
            ResidencePermit.status.in_([PermitStatus.ACTIVE, PermitStatus.ENDORSEMENT_DUE]),
            ResidencePermit.valid_until < today,
        ),
    )


def scan_endorsements(*, today: date | None = None, limit: int = 500, batch: int = BATCH) -> int:
    """Moves every permit whose endorsement fell due or lapsed by `today` (default: Anju's clock). Returns the
    number of permits moved. Safe to run in any number of workers at once."""
    day = today or clock_today()
    moved = 0
    failed: set[int] = set()
    claimed = 0
    while claimed < limit:
        query = (
            select(ResidencePermit)
            .where(_due_clause(day))
            .order_by(ResidencePermit.id)
            .limit(max(1, min(batch, limit - claimed)))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        if failed:
            query = query.where(ResidencePermit.id.not_in(failed))
        permits = list(db.session.scalars(query))
        if not permits:
            db.session.rollback()
            break
        claimed += len(permits)
        moved_here = 0
        for permit in permits:
            permit_id = permit.id
            queued = list(db.session.info.get("jobs_pending", ()))
            try:
                with db.session.begin_nested():
                    step(permit, day)
                    db.session.flush()
                moved_here += 1
            except Exception:  # one bad permit must not stop the others; it stays due for the next scan
                db.session.info["jobs_pending"] = queued
                failed.add(permit_id)
                log.exception("endorsement scan: permit %s failed; retried at the next scan", permit_id)
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("endorsement scan: commit of a batch failed; its permits are retried at the next scan")
            failed.update(p.id for p in permits)
            moved_here = 0
        moved += moved_here
    if moved:
        log.info("endorsement scan moved %d permits", moved)
    jobs.run_committed()
    return moved


def step(permit: ResidencePermit, today: date) -> None:
    """One permit, already locked: due → remind and open the endorsement case; lapsed → suspend and remind."""
    from app.permits import endorsement

    case = lifecycle.open_case_of(permit, "endorsement")
    if permit.valid_until < today:
        if case is None:
            case = endorsement.start_endorsement(permit, actor=None, channel="system")
        lifecycle.move(
            permit,
            PermitStatus.SUSPENDED,
            PermitEventKind.SUSPENDED,
            actor=None,
            case=case,
            anniversary=permit.anniversary,
            reason="逾期未签注，居住证使用功能中止（《居住证暂行条例》第十条）",
        )
        reminders.remind_holder(permit, "permit_suspended", case=case)
    elif permit.endorsement_window_start <= today:
        if case is None:
            case = endorsement.start_endorsement(permit, actor=None, channel="system")
        lifecycle.move(
            permit,
            PermitStatus.ENDORSEMENT_DUE,
            PermitEventKind.ENDORSEMENT_DUE,
            actor=None,
            case=case,
            anniversary=permit.anniversary,
        )
        reminders.remind_holder(permit, "endorsement_due", case=case)
