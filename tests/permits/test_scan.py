"""The endorsement scan: due → reminder + endorsement case, lapsed → suspended; exactly once; failures isolated."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cases.models import Case, CaseEvent, CaseStatus
from app.permits import scan
from app.permits.models import PermitCase, PermitEvent, PermitStatus
from tests.permits.conftest import more_permits, on


def kinds(db, permit) -> list[str]:
    return list(
        db.session.scalars(select(PermitEvent.kind).where(PermitEvent.permit_id == permit.id).order_by(PermitEvent.id))
    )


def endorsement_cases(db, permit) -> list[Case]:
    return list(
        db.session.scalars(
            select(Case)
            .join(PermitCase, PermitCase.case_id == Case.id)
            .where(PermitCase.permit_id == permit.id, PermitCase.purpose == "endorsement")
        )
    )


def test_the_issued_permit_records_its_dates_and_history(db, permit):
    assert (str(permit.valid_until), str(permit.endorsement_window_start), str(permit.anniversary)) == (
        "2027-11-19",
        "2027-10-20",
        "2027-11-20",
    )
    assert permit.status == PermitStatus.ACTIVE and str(permit.residence_years_from) == "2026-11-20"
    assert permit.address and permit.holder_phone and permit.card_serial == 1
    assert kinds(db, permit) == ["issued", "case_opened"]


def test_nothing_happens_before_the_window(db, permit):
    on("2027-10-19")
    assert scan.scan_endorsements() == 0
    db.session.refresh(permit)
    assert permit.status == PermitStatus.ACTIVE and endorsement_cases(db, permit) == []


def test_in_the_window_the_permit_is_due_the_holder_reminded_and_a_case_opened_once(db, world, permit):
    on("2027-10-20", hour=1)  # 01:00 China time: the window is a China date
    assert scan.scan_endorsements() == 1
    assert scan.scan_endorsements() == 0  # a second scan finds nothing more to do
    db.session.refresh(permit)
    assert permit.status == PermitStatus.ENDORSEMENT_DUE
    (case,) = endorsement_cases(db, permit)
    assert case.number == "RE-330106-2027-000001" and case.status == CaseStatus.IN_REVIEW
    assert case.data["channel"] == "system" and case.opened_by_id is None
    assert case.intake_unit_id == world.units["P02"].id  # the station serving 文三社区
    assert case.applicant_id_number == permit.holder_id_number and case.community_id == permit.community_id
    assert kinds(db, permit)[-3:] == ["case_opened", "endorsement_due", "reminded"]
    reminder = db.session.scalars(select(PermitEvent).where(PermitEvent.kind == "reminded")).one()
    assert reminder.payload["reminder"] == "endorsement_due" and reminder.payload["case_number"] == case.number
    timeline = [e.kind for e in case.events]
    assert timeline[0] == "case_opened" and "permit_status_changed" in timeline
    change = next(e for e in case.events if e.kind == "permit_status_changed")
    assert (change.payload["from"], change.payload["to"]) == ("active", "endorsement_due")


def test_the_anniversary_without_endorsement_suspends_and_keeps_the_same_case(db, permit):
    on("2027-10-21")
    scan.scan_endorsements()
    on("2027-11-19")
    assert scan.scan_endorsements() == 0  # the last day of validity: still only due
    on("2027-11-20")
    assert scan.scan_endorsements() == 1
    db.session.refresh(permit)
    assert permit.status == PermitStatus.SUSPENDED
    assert len(endorsement_cases(db, permit)) == 1
    assert kinds(db, permit)[-2:] == ["suspended", "reminded"]
    reminders = db.session.scalars(select(PermitEvent.payload).where(PermitEvent.kind == "reminded")).all()
    assert [r["reminder"] for r in reminders] == ["endorsement_due", "permit_suspended"]
    on("2027-11-25")
    assert scan.scan_endorsements() == 0


def test_a_scan_that_missed_the_window_suspends_and_opens_the_case(db, permit):
    on("2027-12-01")
    assert scan.scan_endorsements() == 1
    db.session.refresh(permit)
    assert permit.status == PermitStatus.SUSPENDED and len(endorsement_cases(db, permit)) == 1


def test_a_failing_permit_rolls_back_alone_and_stays_due(db, permit, monkeypatch):
    others = more_permits(db, permit, 3)
    real = scan.step

    def step(p, today):
        if p.id == others[1]:
            raise RuntimeError("boom")
        real(p, today)

    monkeypatch.setattr(scan, "step", step)
    on("2027-10-22")
    assert scan.scan_endorsements() == 3
    statuses = dict(
        db.session.execute(
            select(PermitEvent.permit_id, func.count())
            .where(PermitEvent.kind == "endorsement_due")
            .group_by(PermitEvent.permit_id)
        ).all()
    )
    assert others[1] not in statuses and len(statuses) == 3
    monkeypatch.setattr(scan, "step", real)
    assert scan.scan_endorsements() == 1  # retried at the next scan
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.service == "rp_endorsement")) == 4
    assert (
        db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "case_opened")) == 4 + 1
    )


def test_the_embedded_scanner_runs_the_scan_beside_the_timers_at_its_interval(app, db, permit):
    from app.cases.timers import Scanner
    from app.core import jobs

    assert jobs.PERIODIC["permits.scan_endorsements"] == 300.0
    assert jobs.resolve("permits.scan_endorsements") is scan.scan_endorsements
    scanner = Scanner(app, interval=5)
    on("2027-10-20")
    assert "permits.scan_endorsements" in scanner.run_periodic(now=1000.0)
    assert "permits.scan_endorsements" not in scanner.run_periodic(now=1100.0)  # not again before its interval
    assert "permits.scan_endorsements" in scanner.run_periodic(now=1300.0)
    db.session.refresh(permit)
    assert permit.status == PermitStatus.ENDORSEMENT_DUE and len(endorsement_cases(db, permit)) == 1


def test_the_cli_scans_until_nothing_moves(app, db, permit):
    more_permits(db, permit, 2)
    on("2027-10-20")
    result = app.test_cli_runner().invoke(args=["anju", "scan-permits", "--limit", "2"])
    assert result.exit_code == 0 and "moved 3 permits" in result.output
