"""School placement through the service layer: permit and points looked up, routing, one supplement, places
checked under a lock, the allocation round with its recorded lottery, re-checks, letters."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.cases import service
from app.cases.models import Case, CaseEvent, CaseStatus
from app.core import clock
from app.core.errors import PermissionDenied, ValidationFailed
from app.letters.models import Letter
from app.schools import rounds
from app.schools.models import PlacementRound, SchoolPlacement
from tests.schools.conftest import at, check, do, open_tasks


def kinds(db, case) -> list[str]:
    return list(db.session.scalars(select(Letter.kind).where(Letter.case_id == case.id).order_by(Letter.id)))


def letter(db, case, kind) -> Letter:
    return db.session.scalars(select(Letter).where(Letter.case_id == case.id, Letter.kind == kind)).one()


def assign(db, case, user, school: str = "XH-P02") -> None:
    do(db, case, user, {"school_code": school, "report_date": "2027-08-28"}, "assign_school")


def fill_xh_p02(db, apply, bureau) -> list[Case]:
    """Two children checked and given XH-P02's two grade-1 places (C0201 is its catchment)."""
    offered = []
    for _ in range(2):
        case, form = apply("C0201")
        check(db, case, form, bureau)
        assign(db, case, bureau)
        db.session.commit()
        offered.append(case)
    return offered


def test_the_permit_is_looked_up_not_typed_and_the_bureau_gets_the_check(db, apply, schools):
    case, _form = apply("C0201")
    (task,) = open_tasks(db, case.id)
    assert (task.task_name, task.unit_id) == ("check_materials", schools.units["EDU"].id)
    assert case.status == CaseStatus.RECEIVED and case.number.startswith("SC-330106-2026-")
    receipt = letter(db, case, "sc_receipt")
    assert receipt.context["table"][-1]["v"].startswith("3301062026")  # the parent's permit, from the records
    assert receipt.agency_unit_id == schools.units["EDU"].id


def test_a_parent_without_a_valid_permit_is_refused_with_the_recheck_route(db, apply, schools):
    case, form = apply("C0201", issued_on="2025-06-01")  # valid until 2026-05-31 and never endorsed
    check(db, case, form, schools.users["education1"])
    assert case.status == CaseStatus.REFUSED and kinds(db, case)[-1] == "sc_refusal"
    refusal = letter(db, case, "sc_refusal").context
    assert "居住证" in refusal["reasons"][0]["text"] and "复核" in "".join(refusal["after_reasons"])
    assert "行政复议" in refusal["remedy"]
    assert [t.task_name for t in open_tasks(db, case.id)] == ["record_recheck"]


def test_one_supplement_then_assignment_and_the_offer_letter(db, apply, schools):
    bureau = schools.users["education1"]
    case, form = apply("C0201")
    check(db, case, form, bureau, missing=("housing_proof",), supplement_deadline="2026-11-27")
    assert case.status == CaseStatus.AWAITING_APPLICANT
    notice = letter(db, case, "sc_supplement").context
    assert notice["grid"]["rows"][0][1].startswith("居住证明")
    at("2026-11-23")
    do(db, case, bureau, {"supplied": "supplied", "supplied_on": "2026-11-23", "insurance_months": "20"})
    assign(db, case, bureau)
    db.session.commit()
    assert case.status == CaseStatus.APPROVED
    placement = db.session.scalars(select(SchoolPlacement).where(SchoolPlacement.case_id == case.id)).one()
    assert (placement.kind, placement.grade, placement.school_year) == ("catchment", 1, 2027)
    offer = letter(db, case, "sc_offer").context
    assert offer["student_lines"][0] == f"学生：{form['child_name']}（公民身份号码：{form['child_id_number']}）"
    assert "杭州市西湖区文三小学" in offer["paragraphs"][0] and "2027年8月28日" in offer["paragraphs"][1]
    assert offer["verification_code"]


def test_a_full_school_is_refused_naming_the_field_and_nothing_is_saved(db, apply, schools):
    bureau = schools.users["education1"]
    fill_xh_p02(db, apply, bureau)
    case, form = apply("C0201")
    check(db, case, form, bureau)
    before = db.session.scalar(select(func.count()).select_from(CaseEvent))
    with pytest.raises(ValidationFailed) as refused:
        assign(db, case, bureau)
    db.session.rollback()
    assert "学位已满" in refused.value.errors["school_code"][0]
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == before
    assert [t.task_name for t in open_tasks(db, case.id)] == ["assign_school"]
    assign(db, case, bureau, "XH-P03")  # another public school with a place
    db.session.commit()
    assert (
        db.session.scalars(select(SchoolPlacement.kind).where(SchoolPlacement.case_id == case.id)).one()
        == "other_public"
    )


def test_the_round_ranks_by_points_places_everyone_and_can_be_replayed(db, apply, schools):
    bureau, head = schools.users["education1"], schools.users["education_lead"]
    waiting = []
    for community in ("C0101", "C0101", "C0102", "C0102", "C0101"):  # XH-P01: three places for five children
        case, form = apply(community)
        check(db, case, form, bureau)
        waiting.append(case)
    inbox_task = open_tasks(db, waiting[0].id)[0]
    from app.inbox import service as inbox

    inbox.claim_task(task_id=inbox_task.id, actor=bureau)  # someone had claimed one: the round takes it over
    db.session.commit()
    at("2026-12-01")
    placement_round = rounds.run_round(
        school_year=2027, grade=1, report_date=date(2027, 8, 28), seed="abc", actor=head, locale="zh"
    )
    db.session.commit()
    results = {r["case_number"]: r for r in placement_round.results}
    assert sorted(r["kind"] for r in results.values()) == ["catchment"] * 3 + ["other_public"] * 2
    for case in waiting:
        db.session.refresh(case)
        assert case.status == CaseStatus.APPROVED and kinds(db, case)[-1] == "sc_offer"
        placement = db.session.scalars(select(SchoolPlacement).where(SchoolPlacement.case_id == case.id)).one()
        assert (placement.round_id, placement.rank) == (placement_round.id, results[case.number]["rank"])
    # Others in S01's overflow went to a public school of another street, named in the letter.
    overflow = next(c for c in waiting if results[c.number]["kind"] == "other_public")
    assert "学位已满" in letter(db, overflow, "sc_offer").context["paragraphs"][0]
    assert rounds.replay_round(placement_round.id)
    with pytest.raises(ValidationFailed) as nobody:
        rounds.run_round(school_year=2027, grade=1, report_date=date(2027, 8, 28), seed=None, actor=head, locale="zh")
    assert "没有等待派位" in nobody.value.errors["grade"][0]
    events = db.session.scalars(
        select(CaseEvent.kind).where(
            CaseEvent.case_id == waiting[0].id, CaseEvent.kind.in_(["placement_round", "task_reassigned"])
        )
    ).all()
    assert sorted(events) == ["placement_round", "task_reassigned"]


def test_points_put_a_family_first_in_its_catchment(db, apply, schools):
    from app.points.demo import points_form
    from app.schools.demo import permit_holder

    bureau, head = schools.users["education1"], schools.users["education_lead"]
    plain = []
    for _ in range(3):
        case, form = apply("C0101")
        check(db, case, form, bureau)
        plain.append(case)
    import random

    holder = permit_holder(
        schools.units, schools.users, random.Random(99), community="C0102", issued_on=date(2026, 6, 1)
    )
    at("2026-11-19")
    case, _code = service.open_case(
        service="points_assessment",
        form=points_form(holder, education="master"),
        actor=schools.users["window1"],
        locale="zh",
    )
    do(
        db,
        case,
        schools.users["window2"],
        {
            "materials.id_card.verdict": "provided",
            "materials.credit_report.verdict": "provided",
            "materials.education_certificate.verdict": "provided",
            "materials.skill_certificate.verdict": "provided",
            "materials.insurance_record.verdict": "provided",
            "materials.volunteer_record.verdict": "provided",
            "education": "master",
            "skill": "intermediate_worker",
            "insurance_months": "30",
            "volunteer_hours": "60",
            "award_level": "none",
            "penalty": "none",
        },
    )
    db.session.commit()
    from app.schools.demo import school_form

    at("2026-11-20")
    form = school_form(holder, random.Random(5), 2027)
    favoured, _code = service.open_case(service="school_placement", form=form, actor=bureau, locale="zh")
    check(db, favoured, form, bureau)
    placement_round = rounds.run_round(
        school_year=2027, grade=1, report_date=date(2027, 8, 28), seed="s", actor=head, locale="zh"
    )
    first = placement_round.results[0]
    assert first["case_number"] == favoured.number and first["kind"] == "catchment"
    assert placement_round.inputs["applicants"][-1]["points"] > 0 or any(
        a["points"] > 0 for a in placement_round.inputs["applicants"]
    )


def test_only_the_bureau_head_runs_a_round(db, apply, schools):
    with pytest.raises(PermissionDenied):
        rounds.run_round(
            school_year=2027,
            grade=1,
            report_date=date(2027, 8, 28),
            seed=None,
            actor=schools.users["education1"],
            locale="zh",
        )
    assert db.session.scalar(select(func.count()).select_from(PlacementRound)) == 0


def test_recheck_overturned_goes_on_to_a_place(db, apply, schools):
    bureau, head = schools.users["education1"], schools.users["education_lead"]
    case, form = apply("C0301", issued_on="2026-09-01", registered=6)  # ≈ 8 months: residence too short
    check(db, case, form, bureau)
    assert case.status == CaseStatus.REFUSED
    assert letter(db, case, "sc_refusal").context["reasons"][0]["text"].startswith("家长持居住证在本区居住")
    do(db, case, bureau, {"requested": "requested", "requested_on": "2026-11-20", "grounds": "居住登记时间有误"})
    db.session.commit()
    with pytest.raises(PermissionDenied):
        do(db, case, bureau, {"outcome": "overturn", "findings": "居住登记时间有误"})
    db.session.rollback()
    do(db, case, head, {"outcome": "overturn", "findings": "经核实，居住登记时间应为2025年9月"})
    db.session.commit()
    assert case.status == CaseStatus.IN_REVIEW and kinds(db, case)[-1] == "sc_recheck_decision"
    assert [t.task_name for t in open_tasks(db, case.id)] == ["assign_school"]


def test_the_recheck_window_closes_by_itself(db, apply, schools):
    from app.cases import timers

    case, form = apply("C0201", issued_on="2025-06-01")
    check(db, case, form, schools.users["education1"])
    deadline = open_tasks(db, case.id)[0].due_at
    at("2026-11-30")  # the 5th working day after Friday 2026-11-20 is Friday 2026-11-27
    assert timers.fire_due(now=clock.utcnow()) >= 1
    db.session.expire_all()
    assert open_tasks(db, case.id) == [] and deadline is not None
    assert db.session.get(Case, case.id).status == CaseStatus.REFUSED


def placement_of(db, case) -> SchoolPlacement:
    return db.session.scalars(select(SchoolPlacement).where(SchoolPlacement.case_id == case.id)).one()


def test_reporting_at_the_school_closes_the_case_with_the_day_recorded(db, apply, schools):
    bureau = schools.users["education1"]
    case, form = apply("C0201")
    check(db, case, form, bureau)
    assign(db, case, bureau)
    db.session.commit()
    (task,) = open_tasks(db, case.id)
    assert (task.task_name, task.unit_id) == ("record_enrolment", schools.units["EDU"].id)
    assert task.due_at.astimezone(clock.CHINA_TZ).date() == date(2027, 9, 1)  # Sat 28 August + 3 working days
    at("2027-08-30")
    with pytest.raises(ValidationFailed) as refused:
        do(db, case, bureau, {"enrolment": "enrolled"})
    db.session.rollback()
    assert "报到日期" in refused.value.errors["reported_on"][0]
    do(db, case, bureau, {"enrolment": "enrolled", "reported_on": "2027-08-28", "student_number": "G330106202101"})
    db.session.commit()
    placement = placement_of(db, case)
    assert placement.enrolled_on == date(2027, 8, 28) and placement.released_at is None
    assert case.closed_at is not None and case.status == CaseStatus.APPROVED
    assert case.data["placement"]["student_number"] == "G330106202101"
    (event,) = [e for e in case.events if e.kind == "place_changed"]
    assert (event.payload["change"], event.payload["on"], event.actor_id) == ("enrolled", "2027-08-28", bureau.id)


def test_a_place_not_taken_up_goes_back_to_the_school_and_the_bureau_follows_up(db, apply, schools):
    from app.cases import timers

    bureau = schools.users["education1"]
    offered = fill_xh_p02(db, apply, bureau)
    waiting, form = apply("C0201")
    check(db, waiting, form, bureau)
    at("2027-08-31")
    do(db, offered[1], bureau, {"enrolment": "declined", "enrolment_note": "全家返回原籍，孩子在老家入学"})
    db.session.commit()
    assert placement_of(db, offered[1]).release_reason == "declined"
    assert [t.task_name for t in open_tasks(db, offered[1].id)] == ["follow_up_attendance"]

    at("2027-09-02")  # the first child's deadline (1 September) has passed without a report
    assert timers.fire_due(now=clock.utcnow()) >= 1
    db.session.expire_all()
    released = placement_of(db, offered[0])
    assert released.release_reason == "not_reported" and released.released_at is not None
    (follow_up,) = open_tasks(db, offered[0].id)
    assert (follow_up.task_name, follow_up.unit_id) == ("follow_up_attendance", schools.units["EDU"].id)
    assert "逾期未报到" in [e.payload.get("title") for e in offered[0].events if e.kind == "timer_fired"]
    changes = [(e.payload["change"], e.actor_id) for e in offered[0].events if e.kind == "place_changed"]
    assert changes == [("not_reported", None)]  # released by the timer: no person acted

    # Both places are free again: the waiting child gets one at the same school
    do(db, waiting, bureau, {"school_code": "XH-P02", "report_date": "2027-09-06"}, "assign_school")
    db.session.commit()
    assert placement_of(db, waiting).school.code == "XH-P02"
    do(
        db,
        offered[0],
        bureau,
        {"contacted_on": "2027-09-02", "attendance_finding": "ordered_to_correct", "attendance_note": "已责令限期送学"},
    )
    db.session.commit()
    assert db.session.get(Case, offered[0].id).closed_at is not None
