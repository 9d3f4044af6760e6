"""Two endorsement scans at once on the real PostgreSQL: every permit moves once, one case and one reminder each.

PostgreSQL only: in-memory SQLite has one connection, and one writer is what makes SQLite safe anyway."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.cases.models import Case
from app.extensions import db as _db
from app.permits import scan
from app.permits.models import PermitEvent, PermitStatus, ResidencePermit
from tests.conftest import database_url
from tests.permits.conftest import more_permits, on

pytestmark = pytest.mark.skipif(not database_url().startswith("postgresql"), reason="needs PostgreSQL")


def test_two_concurrent_scans_move_each_permit_exactly_once(app, db, world, permit):
    ids = [permit.id, *more_permits(db, permit, 29)]
    on("2027-10-25")
    barrier = threading.Barrier(2)
    moved: dict[str, int] = {}

    def worker(name: str) -> None:
        with app.app_context():  # its own session and connection, as in a separate process
            barrier.wait()
            try:
                moved[name] = scan.scan_endorsements(batch=5)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(moved.values()) == 30 and min(moved.values()) > 0, moved  # both worked, nobody twice
    per_permit = dict(
        db.session.execute(
            select(PermitEvent.permit_id, func.count())
            .where(PermitEvent.kind.in_(["endorsement_due", "reminded"]))
            .group_by(PermitEvent.permit_id)
        ).all()
    )
    assert per_permit == dict.fromkeys(ids, 2)  # one status change and one reminder each
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.service == "rp_endorsement")) == 30
    statuses = set(db.session.scalars(select(ResidencePermit.status)))
    assert statuses == {PermitStatus.ENDORSEMENT_DUE}


def test_a_scan_skips_a_permit_locked_elsewhere_and_takes_it_later(app, db, world, permit):
    """A window locks the permit (starting a case on it); a scan meanwhile skips it without waiting."""
    on("2027-10-25")
    locked = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with app.app_context():
            _db.session.scalar(select(ResidencePermit).where(ResidencePermit.id == permit.id).with_for_update())
            locked.set()
            release.wait(30)
            _db.session.rollback()
            _db.session.remove()

    thread = threading.Thread(target=holder)
    thread.start()
    assert locked.wait(10)
    try:
        with app.app_context():
            assert scan.scan_endorsements() == 0  # skipped, not waited for
            _db.session.remove()
    finally:
        release.set()
        thread.join(30)
    assert scan.scan_endorsements() == 1
