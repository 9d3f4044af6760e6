"""Demo permit cases in every state, driven through the real services with the clock moved back."""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.cn import ric, uscc

from app.accounts.models import OrgUnit, User
from app.cases import service as cases
from app.core import clock
from app.demo import HUKOU, NAMES, STREETS, moment
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import HumanTask, TaskState

SCENARIOS = [  # (name, weight)
    ("received", 14),
    ("awaiting", 14),
    ("not_accepted", 5),
    ("ineligible", 8),
    ("verification", 20),
    ("approval", 14),
    ("approved", 18),
    ("refused", 7),
]
MATERIAL_CODES = (
    "id_card",
    "photo",
    "proof_of_address",
    "proof_of_employment",
    "proof_of_study",
    "agent_id_card",
    "guardianship_proof",
)
AREAS = ("341202", "411602", "511302", "361102", "520502", "430502")


def resident_id(rng: random.Random, birth: date, male: bool) -> str:
    seq = rng.randrange(10, 99) * 10 + (rng.choice((1, 3, 5, 7, 9)) if male else rng.choice((0, 2, 4, 6, 8)))
    body = f"{rng.choice(AREAS)}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check digit


def credit_code(rng: random.Random) -> str:
    body = "9133010" + "".join(rng.choice("0123456789") for _ in range(10))
    return body + uscc.calc_check_digit(body)


def application(rng: random.Random, community: str, *, today: date, short_residence: bool, minor: bool) -> dict:
    male = rng.random() < 0.5
    birth = today - timedelta(days=rng.randrange(9 * 365, 13 * 365) if minor else rng.randrange(19 * 365, 58 * 365))
    basis = rng.choice(("stable_job", "stable_job", "stable_home", "continuous_study"))
    months = rng.randrange(1, 5) if short_residence else rng.randrange(7, 60)
    form = {
        "applicant_name": rng.choice(NAMES),
        "id_number": resident_id(rng, birth, male),
        "birth_date": birth.isoformat(),
        "sex": "male" if male else "female",
        "phone": f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
        "hukou_address": rng.choice(HUKOU),
        "current_address": f"杭州市西湖区文三路{rng.randrange(1, 400)}号{rng.randrange(1, 30)}幢",
        "community_code": community,
        "residence_registered_on": (today - timedelta(days=months * 31)).isoformat(),
        "purpose_of_stay": "study" if basis == "continuous_study" else "work",
        "basis": basis,
    }
    if basis == "stable_job":
        form.update(
            employer_name=rng.choice(
                ("杭州西溪电子科技有限公司", "杭州文三餐饮管理有限公司", "浙江翠苑物业服务有限公司")
            ),
            employer_credit_code=credit_code(rng),
        )
    elif basis == "stable_home":
        form["lease_or_property"] = "lease_contract"
    else:
        form["school_name"] = "杭州市西湖区职业高级中学"
    if minor:
        parent_birth = birth - timedelta(days=28 * 365)
        form.update(
            agent_name=rng.choice(NAMES),
            agent_id_number=resident_id(rng, parent_birth, True),
            agent_relationship="parent",
            agent_phone=f"139{rng.randrange(10**7, 10**8)}",
        )
    return form


def step_days(rng: random.Random, days_ago: float) -> dict[str, float]:
    """When each step of a case happens, in days before now: gaps that vary like real ones (so step times have a
    spread for the statistics), squeezed to fit before now for recent cases. Not supplying the materials is
    recorded 11.5 days after the check, when the 10-day supplement deadline has passed."""
    gaps = {
        "check": rng.uniform(0.05, 1.5),
        "supplied": rng.uniform(1, 6),
        "verify": rng.uniform(0.5, 6),
        "decide": rng.uniform(0.3, 4),
    }
    scale = min(1.0, (days_ago - 0.05) / sum(gaps.values()))
    when, elapsed = {}, 0.0
    for name, gap in gaps.items():
        elapsed += gap * scale
        when[name] = days_ago - elapsed
    when["not_supplied"] = when["check"] - 11.5
    return when


def _task(case_id: int) -> HumanTask:
    return db.session.scalars(
        db.select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == TaskState.OPEN)
    ).one()


def _do(case_id: int, actor: User, form: dict, *, claim: bool = True) -> None:
    task = _task(case_id)
    if claim:
        inbox.claim_task(task_id=task.id, actor=actor)
    cases.complete_task(task_id=task.id, actor=actor, form=form, locale="zh")


def make_cases(units: dict[str, OrgUnit], users: dict[str, User], *, count: int, rng: random.Random) -> None:
    names = [name for name, weight in SCENARIOS for _ in range(weight)]
    communities = [c[0] for s in STREETS for c in s[6]]
    window = [users["window1"], users["window2"]]
    for i in range(count):
        scenario = names[i % len(names)] if i < len(names) else rng.choice(names)
        finished = scenario in ("not_accepted", "ineligible", "approved", "refused")
        days_ago = rng.uniform(25, 80) if finished else rng.uniform(0.5, 24)
        clock.freeze(moment(days_ago))
        when = step_days(random.Random(i), days_ago)
        community = rng.choice(communities)
        form = application(
            rng, community, today=clock.today(), short_residence=scenario == "ineligible", minor=rng.random() < 0.08
        )
        case, _code = cases.open_case(service="residence_permit", form=form, actor=rng.choice(window), locale="zh")
        db.session.flush()
        if scenario == "received":
            if rng.random() < 0.5:
                inbox.claim_task(task_id=_task(case.id).id, actor=users["window1"])
            db.session.commit()
            continue
        missing = scenario in ("awaiting", "not_accepted") or (
            scenario in ("approved", "verification") and rng.random() < 0.2
        )
        verdicts = {f"materials.{code}.verdict": "provided" for code in MATERIAL_CODES}
        verdicts["materials.photo.verdict"] = "not_applicable"
        extra = {}
        if missing:
            verdicts["materials.proof_of_address.verdict"] = "missing"
            verdicts["materials.proof_of_address.note"] = "租赁合同未备案，请提供备案后的合同或房东出具的住宿证明"
            deadline = clock.today() + timedelta(days=10)
            if scenario == "awaiting":  # still waiting when the demo starts, or its deadline timer closes it
                deadline = max(deadline, moment(0).astimezone(clock.CHINA_TZ).date() + timedelta(days=5))
            extra["supplement_deadline"] = deadline.isoformat()
        clock.freeze(moment(when["check"]))
        _do(case.id, rng.choice(window), {**verdicts, **extra})
        if scenario == "awaiting" or (scenario == "ineligible"):
            db.session.commit()
            continue
        if missing:
            if scenario == "not_accepted":
                clock.freeze(moment(when["not_supplied"]))
                _do(case.id, users["window1"], {"supplied": "not_supplied", "note": "申请人逾期未补正"})
                db.session.commit()
                continue
            clock.freeze(moment(when["supplied"]))
            _do(case.id, users["window1"], {"supplied": "supplied", "supplied_on": clock.today().isoformat()})
        if scenario == "verification":
            db.session.commit()
            continue
        officer = users[f"community_{community.lower()}"]
        clock.freeze(moment(when["verify"]))
        _do(
            case.id,
            officer,
            {
                "lives_at_address": "true",
                "visit_date": clock.today().isoformat(),
                "observations": "经入户核查，申请人实际居住于申报地址，与房东陈述一致。",
            },
        )
        if scenario == "approval":
            db.session.commit()
            continue
        station = next(s[3] for s in STREETS if any(c[0] == community for c in s[6]))
        police = users[f"police_{station.lower()}"]
        clock.freeze(moment(when["decide"]))
        if scenario == "approved":
            _do(case.id, police, {"decision": "approve", "issue_date": clock.today().isoformat()})
        else:
            _do(
                case.id,
                police,
                {"decision": "refuse", "refusal_reasons": "经核查，申请人提交的劳动合同系伪造，不具有合法稳定就业。"},
            )
        db.session.commit()
