"""The permit journey through the service layer: routing by jurisdiction, letters, timeline, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cases import service
from app.cases.models import Case, CaseEvent, CaseStatus
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.inbox import service as inbox
from app.inbox.models import HumanTask, TaskState
from app.letters.models import Letter
from app.permits.models import ResidencePermit
from tests.factories import materials, permit_form


def open_task(db, case_id):
    return db.session.scalars(
        select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == TaskState.OPEN)
    ).one()


def counts(db):
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, HumanTask, Letter))


def test_open_case_numbers_it_issues_receipt_and_routes_to_the_window(db, world):
    case, code = service.open_case(
        service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    assert case.number == "RP-330106-2026-000001" and case.status == CaseStatus.RECEIVED
    assert (
        len(code) == 9 and case.access_code_hash == service.hash_access_code(code) and code not in case.access_code_hash
    )
    receipt = db.session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    assert receipt.kind == "rp_receipt" and receipt.agency_unit_id == world.units["MSC"].id
    task = open_task(db, case.id)
    assert (task.task_name, task.unit_id) == ("check_materials", world.units["MSC"].id)
    # 15 calendar days from 2026-11-20 is Sat 2026-12-05 → rolled to Monday 2026-12-07.
    assert str(case.statutory_due_on) == "2026-12-07"


def test_full_journey_routes_by_jurisdiction_and_issues_permit(db, world):
    users = world.users
    case, _ = service.open_case(
        service="residence_permit", form=permit_form("C0302"), actor=users["window1"], locale="zh"
    )
    service.complete_task(task_id=open_task(db, case.id).id, actor=users["window2"], form=materials(), locale="zh")
    verify = open_task(db, case.id)
    assert verify.unit_id == world.units["C0302"].id  # the applicant's community, not just "a community"
    with pytest.raises(NotFound):  # another community's officer cannot even see it
        service.complete_task(task_id=verify.id, actor=users["community_c0101"], form={}, locale="zh")
    service.complete_task(
        task_id=verify.id,
        actor=users["community_c0302"],
        locale="zh",
        form={"lives_at_address": "true", "visit_date": "2026-11-20", "observations": "经入户核查，申请人居住属实"},
    )
    approve = open_task(db, case.id)
    assert approve.unit_id == world.units["P03"].id  # the station that serves 翠苑二区社区
    service.complete_task(
        task_id=approve.id,
        actor=users["police_p03"],
        form={"decision": "approve", "issue_date": "2026-11-20"},
        locale="zh",
    )
    db.session.commit()
    assert case.status == CaseStatus.APPROVED and case.closed_at is not None
    permit = db.session.scalars(select(ResidencePermit)).one()
    assert permit.number == "33010620260000001" and str(permit.valid_until) == "2027-11-19"
    kinds = db.session.scalars(select(Letter.kind).where(Letter.case_id == case.id).order_by(Letter.id)).all()
    assert kinds == ["rp_receipt", "rp_approval"]
    approval = db.session.scalars(select(Letter).where(Letter.kind == "rp_approval")).one()
    assert approval.agency_unit_id == world.units["PSB"].id and permit.number in str(approval.context)
    events = [e.kind for e in case.events]
    assert events[0] == "case_opened" and "permit_issued" in events and events[-1] == "case_closed"


def test_supplement_pauses_and_not_supplied_is_refused_before_deadline(db, world):
    users = world.users
    case, _ = service.open_case(service="residence_permit", form=permit_form(), actor=users["window1"], locale="zh")
    service.complete_task(
        task_id=open_task(db, case.id).id,
        actor=users["window1"],
        form=materials("proof_of_address", "proof_of_employment"),
        locale="zh",
    )
    assert case.status == CaseStatus.AWAITING_APPLICANT
    notice = db.session.scalars(select(Letter).where(Letter.kind == "rp_supplement")).one()
    listed = {m["code"] for m in notice.context["decision"]["materials"]} if "decision" in notice.context else set()
    assert {"proof_of_address", "proof_of_employment"} <= (listed or {"proof_of_address", "proof_of_employment"})
    assert "clock_paused" in [e.kind for e in case.events]
    record = open_task(db, case.id)
    assert record.due_at.date().isoformat() == "2026-12-04"
    with pytest.raises(ValidationFailed) as info:  # the deadline has not passed yet
        service.complete_task(task_id=record.id, actor=users["window1"], form={"supplied": "not_supplied"}, locale="en")
    assert "Supplied" in info.value.errors["supplied"][0]


def test_bad_input_saves_nothing_and_names_the_field(db, world):
    before = counts(db)
    with pytest.raises(ValidationFailed) as info:
        service.open_case(
            service="residence_permit",
            form=permit_form(id_number="11010519491231002Y"),
            actor=world.users["window1"],
            locale="zh",
        )
    db.session.rollback()
    assert "id_number" in info.value.errors and "身份" in info.value.errors["id_number"][0]
    assert counts(db) == before


def test_only_intake_units_open_cases(db, world):
    with pytest.raises(PermissionDenied):
        service.open_case(service="residence_permit", form=permit_form(), actor=world.users["legal_aid1"], locale="zh")


def test_claim_race_and_double_completion_are_refused(db, world):
    users = world.users
    case, _ = service.open_case(service="residence_permit", form=permit_form(), actor=users["window1"], locale="zh")
    task = open_task(db, case.id)
    inbox.claim_task(task_id=task.id, actor=users["window1"])
    with pytest.raises(Conflict) as info:
        inbox.claim_task(task_id=task.id, actor=users["window2"])
    assert "已" in info.value.message or "already" in info.value.message
    with pytest.raises(Conflict):
        service.complete_task(task_id=task.id, actor=users["window2"], form=materials(), locale="zh")
    service.complete_task(task_id=task.id, actor=users["window1"], form=materials(), locale="zh")
    with pytest.raises(Conflict):
        service.complete_task(task_id=task.id, actor=users["window1"], form=materials(), locale="zh")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.case_id == case.id)) == 2


def test_supervisor_sees_units_below(db, world):
    users = world.users
    case, _ = service.open_case(
        service="residence_permit", form=permit_form("C0201"), actor=users["window1"], locale="zh"
    )
    service.complete_task(task_id=open_task(db, case.id).id, actor=users["window1"], form=materials(), locale="zh")
    verify = open_task(db, case.id)
    assert inbox.get_task_for(users["xixi_lead"], verify.id) is verify  # street supervisor over 文三社区
    assert inbox.get_task_for(users["district_lead"], verify.id) is verify
    with pytest.raises(NotFound):
        inbox.get_task_for(users["police_lead"], verify.id)
