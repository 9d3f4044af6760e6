"""Demo schools, places and school-place cases in every state, driven through the real services with the
clock moved back (app/demo.py). Parents get their residence permits through the residence-permit process
first (and some their points through the points process), so every fact the school process looks up is real.

States: received · waiting for a supplement · not accepted · refused in the re-check window · re-check
requested (waiting for the bureau's head) · re-check upheld · waiting for a place (grade 1 and a transfer) ·
placed by an allocation round (catchment, another public school, a subsidised private place).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from app.accounts.models import OrgUnit, User
from app.cases import service as cases
from app.core import clock
from app.demo import moment
from app.demo_cases import _do, resident_id
from app.extensions import db
from app.permits.demo import issue_demo_permit
from app.schools.models import School, SchoolCapacity, SchoolCatchment, SchoolKind

# code, name (zh, en), kind, street, catchment communities, places in grade 1 (S01 is oversubscribed), address
SCHOOLS = (
    (
        "XH-P01",
        "杭州市西湖区宝石小学",
        "Baoshi Primary School",
        SchoolKind.PUBLIC,
        "S01",
        ("C0101", "C0102"),
        3,
        "宝石一路21号",
    ),
    ("XH-P02", "杭州市西湖区文三小学", "Wensan Primary School", SchoolKind.PUBLIC, "S02", ("C0201",), 2, "文三路138号"),
    ("XH-P03", "杭州市西湖区求是小学", "Qiushi Primary School", SchoolKind.PUBLIC, "S02", ("C0202",), 2, "求是路56号"),
    (
        "XH-P04",
        "杭州市西湖区翠苑小学",
        "Cuiyuan Primary School",
        SchoolKind.PUBLIC,
        "S03",
        ("C0301", "C0302"),
        2,
        "翠苑路88号",
    ),
    (
        "XH-M01",
        "杭州市西湖区新苗民办小学",
        "Xinmiao Private Primary School",
        SchoolKind.PRIVATE,
        "S03",
        (),
        4,
        "学院路210号",
    ),
)
ROUND_SEED = "20261129-xihu"


def seed_schools(units: dict[str, OrgUnit], school_year: int) -> None:
    for code, zh, en, kind, street, communities, grade1, address in SCHOOLS:
        school = School(
            code=code,
            name_zh=zh,
            name_en=en,
            kind=kind,
            street_id=units[street].id,
            address=f"杭州市西湖区{address}",
            phone=f"0571-8781{code[-2:]}00",
            report_place=f"{zh}教务处",
        )
        db.session.add(school)
        db.session.flush()
        for community in communities:
            db.session.add(SchoolCatchment(community_id=units[community].id, school_id=school.id))
        for grade in range(1, 7):
            places = grade1 if grade == 1 else (2 if kind == SchoolKind.PUBLIC else 1)
            db.session.add(SchoolCapacity(school_id=school.id, school_year=school_year, grade=grade, places=places))
    db.session.flush()


def permit_holder(
    units: dict[str, OrgUnit],
    users: dict[str, User],
    rng: random.Random,
    *,
    community: str,
    issued_on: date,
    registered_months_before: int = 8,
) -> dict[str, Any]:
    """A parent aged 27–40 whose permit was issued through the residence-permit process on `issued_on`, their
    residence registered `registered_months_before` months earlier; returns their application."""
    birth = issued_on - timedelta(days=rng.randrange(27 * 365, 40 * 365))
    male = rng.random() < 0.5
    _permit, form = issue_demo_permit(
        community,
        issued_on,
        users,
        rng,
        birth_date=birth.isoformat(),
        sex="male" if male else "female",
        id_number=resident_id(rng, birth, male),
        residence_registered_on=(issued_on - timedelta(days=registered_months_before * 31)).isoformat(),
    )
    return form


def school_form(
    holder: dict[str, Any], rng: random.Random, school_year: int, *, entry_type: str = "grade1", **overrides: Any
) -> dict[str, Any]:
    if entry_type == "grade1":  # six by 31 August of the school year, not yet seven
        birth = date(school_year - 6, rng.randrange(1, 9), rng.randrange(1, 28))
    else:
        birth = date(school_year - 8, rng.randrange(1, 9), rng.randrange(1, 28))
    child = {
        "child_name": holder["applicant_name"][0] + rng.choice(("小雨", "子涵", "一诺", "浩然", "欣怡", "梓轩")),
        "child_birth_date": birth.isoformat(),
        "child_id_number": resident_id(rng, birth, rng.random() < 0.5),
    }
    form = {
        **{k: holder[k] for k in ("applicant_name", "id_number", "phone", "current_address", "community_code")},
        "hukou_address": holder["hukou_address"],
        "relationship": "father" if holder["sex"] == "male" else "mother",
        "insurance_months": str(rng.randrange(14, 40)),
        **child,
        "entry_type": entry_type,
        "school_year": str(school_year),
        "declaration": "true",
    }
    if entry_type == "transfer":
        form.update(grade="3", current_school="安徽省阜阳市颍州区第二小学")
    form.update({k: str(v) for k, v in overrides.items()})
    return form


MATERIALS = ("parent_id_card", "household_register", "insurance_record", "housing_proof", "employment_proof")


def materials_check(form: dict[str, Any], *, missing: tuple[str, ...] = (), paying: bool = True, **extra: Any) -> dict:
    data = {f"materials.{code}.verdict": "missing" if code in missing else "provided" for code in MATERIALS}
    if form["entry_type"] == "transfer":
        data["materials.transfer_certificate.verdict"] = "provided"
    data.update({"insurance_months": form["insurance_months"], "currently_paying": "true" if paying else "false"})
    data.update(extra)
    return data


def seed(units: dict[str, OrgUnit], users: dict[str, User], rng: random.Random) -> None:
    from app.points.demo import assess, points_form
    from app.schools.places import default_school_year
    from app.schools.rounds import run_round

    clock.freeze(None)
    real_today = clock.today()
    school_year = default_school_year()
    seed_schools(units, school_year)
    db.session.commit()
    bureau, head = users["education1"], users["education_lead"]

    def apply(community: str, days_ago: float, *, entry_type="grade1", issued=150, registered=8, year=None, **extra):
        issued_on = real_today - timedelta(days=issued)
        holder = permit_holder(
            units, users, rng, community=community, issued_on=issued_on, registered_months_before=registered
        )
        clock.freeze(moment(days_ago))
        form = school_form(holder, rng, year or school_year, entry_type=entry_type, **extra)
        case, _code = cases.open_case(service="school_placement", form=form, actor=bureau, locale="zh")
        return holder, form, case

    def check(case, form, days_ago: float, **kwargs) -> None:
        clock.freeze(moment(days_ago))
        _do(case.id, bureau, materials_check(form, **kwargs))

    # ---- the grade-1 round, run three days ago: S01's school is oversubscribed (3 places for 6 children)
    for index, community in enumerate(
        ("C0101", "C0101", "C0102", "C0102", "C0101", "C0102", "C0201", "C0201", "C0202", "C0301")
    ):
        holder, form, case = apply(community, 30 - index)
        if index in (1, 3):  # two parents have points: they rank first in their catchment
            assess(users, points_form(holder, education="bachelor", skill="technician"), days_ago=29 - index)
        check(case, form, 25 - index)
    clock.freeze(moment(3))
    run_round(
        school_year=school_year,
        grade=1,
        report_date=date(school_year, 8, 28),
        seed=ROUND_SEED,
        actor=head,
        locale="zh",
    )
    db.session.commit()

    # ---- waiting for a place: two late grade-1 applications and a transfer into grade 3
    for community, entry in (("C0202", "grade1"), ("C0302", "grade1"), ("C0201", "transfer")):
        _holder, form, case = apply(community, 2, entry_type=entry)
        check(case, form, 1.5)
    # ---- received, not yet checked
    for community in ("C0102", "C0301"):
        apply(community, 0.5)
    # ---- waiting for a supplement; not accepted (deadline passed, recorded after it)
    _h, form, case = apply("C0201", 4)
    check(
        case, form, 3.8, missing=("housing_proof",), supplement_deadline=(clock.today() + timedelta(days=7)).isoformat()
    )
    _h, form, case = apply("C0302", 20)
    deadline = clock.today() + timedelta(days=5)
    check(case, form, 19.8, missing=("insurance_record", "employment_proof"), supplement_deadline=deadline.isoformat())
    clock.freeze(moment(12))
    _do(case.id, bureau, {"supplied": "not_supplied", "insurance_months": form["insurance_months"]})
    # ---- refused (residence too short, no points) and still inside the re-check window
    _h, form, case = apply("C0202", 1.2, issued=100, registered=6)
    check(case, form, 1)
    # ---- re-check requested, waiting for the head's decision; and one upheld
    for days_ago, upheld in ((5, False), (12, True)):
        _h, form, case = apply("C0301", days_ago, issued=90, registered=6)
        check(case, form, days_ago - 0.3, paying=False, insurance_months="5")
        clock.freeze(moment(days_ago - 1))
        _do(
            case.id,
            bureau,
            {
                "requested": "requested",
                "requested_on": clock.today().isoformat(),
                "grounds": "已在本市缴纳社会保险，请求复核。",
            },
        )
        if upheld:
            clock.freeze(moment(days_ago - 3))
            _do(
                case.id,
                head,
                {
                    "outcome": "uphold",
                    "findings": "经核查，家长持居住证在本区居住时间不足十二个月，社会保险缴纳五个月且目前已停缴，"
                    "积分未达分数线，不符合本区规定条件",
                },
            )
    _seed_reporting(users, apply, check, school_year - 1)
    clock.freeze(None)
    db.session.commit()


def _seed_reporting(users, apply, check, current_year: int) -> None:
    """Transfers into this school year, placed three weeks ago with report dates already past: one child
    reported (closed), one parent gave the place up (followed up, closed), one never came (the deadline timer
    released the place; the follow-up is open)."""
    from app.cases import timers

    bureau = users["education1"]
    for school in db.session.scalars(db.select(School)):
        for grade in (3, 4):
            db.session.add(SchoolCapacity(school_id=school.id, school_year=current_year, grade=grade, places=1))
    db.session.flush()
    placed = []
    for index, (community, school_code) in enumerate((("C0101", "XH-P01"), ("C0201", "XH-P02"), ("C0301", "XH-P03"))):
        _holder, form, case = apply(community, 25 - index, entry_type="transfer", year=current_year)
        check(case, form, 24 - index)
        clock.freeze(moment(21 - index))
        report_on = clock.today() + timedelta(days=7)
        _do(case.id, bureau, {"school_code": school_code, "report_date": report_on.isoformat()})
        placed.append((case, report_on))
    (reported, report_on), (declined, _), _never_came = placed
    clock.freeze(moment(13))
    _do(reported.id, bureau, {"enrolment": "enrolled", "reported_on": report_on.isoformat(), "student_number": ""})
    _do(declined.id, bureau, {"enrolment": "declined", "enrolment_note": "家长书面放弃：全家返回原籍，孩子在老家就读"})
    clock.freeze(moment(11))
    _do(
        declined.id,
        bureau,
        {
            "contacted_on": clock.today().isoformat(),
            "attendance_finding": "left_district",
            "attendance_note": "电话联系家长，孩子已在原籍阜阳市颍州区第二小学就读。",
        },
    )
    clock.freeze(moment(2))
    timers.fire_due(now=clock.utcnow())  # the third child's report deadline passed: the place goes back
