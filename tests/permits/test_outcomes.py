"""Endorsement outcomes on the permit: on time, late (residence years restart), refused (terminated, letter)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cases.models import CaseStatus
from app.core.errors import NotFound
from app.letters.models import Letter
from app.letters.service import letter_pdf
from app.permits import scan
from app.permits.models import PermitStatus
from tests.letters.conftest import pdftotext
from tests.permits.conftest import do, on, open_task
from tests.permits.test_scan import endorsement_cases, kinds

VISIT = {"resides": "true", "basis_held": "stable_job", "observations": "入户核查，持证人仍在此居住并在附近公司上班"}


def endorse(db, world, case, day: str, decision: dict | None = None, visit: dict | None = None) -> None:
    on(day)
    do(db, case.id, world.users["community_c0201"], {**VISIT, "visit_date": day, **(visit or {})})
    do(db, case.id, world.users["police_p02"], decision or {"decision": "endorse"})
    db.session.commit()


def test_endorsement_in_the_window_extends_validity_by_a_year(db, world, permit):
    on("2027-10-20")
    scan.scan_endorsements()
    (case,) = endorsement_cases(db, permit)
    task = open_task(db, case.id)
    assert (task.task_name, task.unit_id) == ("check_residence", world.units["C0201"].id)
    with pytest.raises(NotFound):  # another community cannot act on it
        do(db, case.id, world.users["community_c0101"], {**VISIT, "visit_date": "2027-10-20"})
    db.session.rollback()
    on("2027-10-22")
    do(db, case.id, world.users["community_c0201"], {**VISIT, "visit_date": "2027-10-22"})
    assert open_task(db, case.id).unit_id == world.units["P02"].id
    do(db, case.id, world.users["police_p02"], {"decision": "endorse"})
    db.session.commit()
    db.session.refresh(permit)
    assert permit.status == PermitStatus.ACTIVE and case.status == CaseStatus.APPROVED
    assert (str(permit.valid_until), str(permit.endorsement_window_start)) == ("2028-11-19", "2028-10-20")
    assert str(permit.residence_years_from) == "2026-11-20" and str(permit.last_endorsed_on) == "2027-10-22"
    assert kinds(db, permit)[-1] == "endorsed"
    letter = db.session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    assert letter.kind == "re_endorsement" and letter.agency_unit_id == world.units["PSB"].id
    assert letter.number.startswith("西公居签字〔2027〕")
    on("2027-11-20")
    assert scan.scan_endorsements() == 0  # endorsed: the anniversary passes quietly


def test_late_endorsement_restores_and_counts_residence_from_that_day(db, world, permit):
    on("2027-10-20")
    scan.scan_endorsements()
    on("2027-11-20")
    scan.scan_endorsements()
    db.session.refresh(permit)
    assert permit.status == PermitStatus.SUSPENDED
    (case,) = endorsement_cases(db, permit)
    endorse(db, world, case, "2027-12-06")
    db.session.refresh(permit)
    assert permit.status == PermitStatus.ACTIVE and case.status == CaseStatus.APPROVED
    assert str(permit.residence_years_from) == "2027-12-06"  # the suspended period does not count
    assert (str(permit.valid_until), str(permit.endorsement_window_start)) == ("2028-12-05", "2028-11-06")
    assert kinds(db, permit)[-1] == "restored"
    letter = db.session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    assert letter.context["permit"]["valid_until"] == "2028-12-05"
    assert any("居住年限自2027年12月6日起连续计算" in p for p in letter.context["paragraphs"])
    timeline = [(e.payload.get("from"), e.payload.get("to")) for e in case.events if e.kind == "permit_status_changed"]
    assert timeline == [("active", "endorsement_due"), ("endorsement_due", "suspended"), ("suspended", "active")]


def test_refusal_terminates_the_permit_with_a_letter_and_remedy(db, world, permit):
    on("2027-10-20")
    scan.scan_endorsements()
    (case,) = endorsement_cases(db, permit)
    endorse(
        db,
        world,
        case,
        "2027-10-26",
        visit={"resides": "false", "observations": "经走访房东，持证人已于2027年8月搬离，去向不明"},
        decision={"decision": "refuse", "refusal_reasons": "经核查，持证人已不在本区居住"},
    )
    db.session.refresh(permit)
    assert permit.status == PermitStatus.TERMINATED and case.status == CaseStatus.REFUSED
    assert kinds(db, permit)[-1] == "terminated"
    letter = db.session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    assert letter.kind == "re_refusal" and letter.number.startswith("西公居不签字〔2027〕")
    text = pdftotext(letter_pdf(letter))
    for words in (
        "不予签注决定书",
        permit.number,
        "持证人已不在居住地连续居住",
        "《杭州市流动人口服务管理规定》第十九条",
        "经核查，持证人已不在本区居住",
        "使用功能自本决定送达之日起终止",
        "六十日内向杭州市西湖区人民政府申请行政复议",
        "六个月内依法向杭州市西湖区人民法院提起行政诉讼",
        "杭州市公安局西湖区分局",
    ):
        assert words in text, words
    on("2028-01-10")
    assert scan.scan_endorsements() == 0  # terminated is final: never suspended, never reminded again
