"""Demo legal-aid cases in every state, driven through the real services with the clock moved back.

Called by app.demo.seed through Service.demo. Applications are taken at the legal-aid centre's window by
legal_aid1 (one online), checked and decided by the centre's staff (legal_aid1, legal_aid2), and objections are
heard by the justice bureau (justice1), exactly as people would; the supplement deadline is passed by the timer
scan. Steps happen in working hours; green-channel cases are decided and appointed the day they arrive.
The wage-arrears demo adds one more case: a worker referred from a complaint (app/wage_arrears/demo.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from app.accounts.models import OrgUnit, User
from app.cases import service as cases
from app.core import clock
from app.demo import NAMES, STREETS
from app.demo_cases import credit_code, resident_id
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import HumanTask, TaskState

MATERIALS = ("id_proof", "application_form", "hardship_statement", "status_proof", "case_materials", "wage_evidence")
# Who applies for what (forms/la_application.json): the green channel (Art. 42(3)), the means test (Art. 41), an
# exemption from the check (Art. 42(1)), not subject to the condition (Art. 32), and a matter out of scope.
APPLICANTS: dict[str, dict[str, Any]] = {
    "wage": {"applicant_status": "migrant_worker", "matter_type": "wage_claim", "aid_requested": "arbitration"},
    "injury": {"applicant_status": "migrant_worker", "matter_type": "work_injury", "aid_requested": "arbitration"},
    "support": {"applicant_status": "none", "matter_type": "support_payment", "aid_requested": "litigation"},
    "pension": {"applicant_status": "elderly_no_income", "matter_type": "pension", "aid_requested": "non_litigation"},
    "violence": {"applicant_status": "none", "matter_type": "domestic_violence", "aid_requested": "litigation"},
    "other": {"applicant_status": "none", "matter_type": "other", "aid_requested": "litigation"},
}
OPPONENTS = {
    "wage_claim": ("杭州西溪建筑劳务有限公司", "杭州文三餐饮管理有限公司", "浙江翠苑物业服务有限公司"),
    "work_injury": ("杭州保俶装饰工程有限公司", "杭州西溪建筑劳务有限公司"),
}
FACTS = {
    "wage_claim": "申请人在被申请人处从事{job}工作，被拖欠{months}工资共计{amount}元，多次催讨未果，拟申请劳动仲裁。",
    "work_injury": "申请人在被申请人承建的工地作业时从脚手架跌落致左腿骨折，已认定工伤，单位拒不支付工伤待遇。",
    "support_payment": "申请人之子长期拒绝支付赡养费，申请人年老多病，生活困难，拟提起赡养费诉讼。",
    "pension": "申请人系烈士遗属，户籍迁移后抚恤金停发，多次申请未获答复，请求协助申请发放。",
    "domestic_violence": "申请人多次遭受配偶殴打，已报警并取得告诫书，拟申请人身安全保护令并提起离婚诉讼。",
    "other": "申请人与邻居因房屋漏水发生纠纷，请求代为起诉要求赔偿装修损失。",
}
FIRMS = (
    ("浙江西湖律师事务所", "郑明"),
    ("浙江文三律师事务所", "钱丽"),
    ("浙江求是律师事务所", "孙浩"),
    ("浙江翠苑律师事务所", "周敏"),
)

Form = Callable[[], dict[str, Any]]
# (hours after the previous step, task to complete — or "timers" for the scan —, who, the form at that moment)
Step = tuple[float, str, str, Form | None]


def _materials(*, missing: bool = False) -> dict[str, Any]:
    form: dict[str, Any] = {f"materials.{code}.verdict": "provided" for code in MATERIALS}
    if missing:
        form["materials.case_materials.verdict"] = "missing"
        form["materials.case_materials.note"] = "请提供与对方当事人之间的劳动合同、聊天记录等证明案件事实的材料"
        form["supplement_deadline"] = (clock.today() + timedelta(days=7)).isoformat()
    return form


def _grant(aid_form: str) -> Form:
    scope = {"arbitration": "劳动争议仲裁代理", "litigation": "一审诉讼代理", "non_litigation": "代为申请、协商"}
    return lambda: {"decision": "grant", "aid_form": aid_form, "aid_scope": scope[aid_form] + "至本阶段结束"}


REFUSE: Form = lambda: {  # noqa: E731 — a form like the others
    "decision": "refuse",
    "refusal_ground": "no_basis",
    "refusal_reasons": "经核实，被申请人每月已按调解协议支付赡养费，申请事项明显缺乏事实依据。",
}


def _appointment(rng: random.Random) -> Form:
    firm, lawyer = rng.choice(FIRMS)
    licence = f"1330120{rng.randrange(10**9, 10**10)}"
    phone = f"13{rng.randrange(10**8, 10**9)}"
    return lambda: {
        "law_firm": firm,
        "lawyer_name": lawyer,
        "lawyer_licence": licence,
        "lawyer_phone": phone,
        "appointed_on": clock.today().isoformat(),
    }


def _means(income: int) -> Form:
    return lambda: {
        "household_size": "3",
        "monthly_household_income": str(income),
        "verification_method": "info_sharing",
    }


def _closed() -> dict[str, Any]:
    return {
        "outcome": "closed",
        "case_result": "won",
        "report_received_on": clock.today().isoformat(),
        "result_summary": "承办律师代理申请仲裁，仲裁委员会裁决支持申请人的全部请求，已提交结案报告及裁决书副本。",
    }


def _objection(grounds: str) -> Form:
    return lambda: {
        "objected": "objected",
        "objection_received_on": clock.today().isoformat(),
        "objection_grounds": grounds,
    }


def _objection_decision(outcome: str, reasons: str) -> Form:
    return lambda: {"objection_outcome": outcome, "objection_reasons": reasons}


TERMINATE: Form = lambda: {  # noqa: E731
    "outcome": "terminate",
    "termination_ground": "own_lawyer",
    "termination_facts": "受援人于承办期间另行委托律师代理本案，并向本中心书面说明。",
}


def _change_lawyer(rng: random.Random) -> Form:
    firm, lawyer = rng.choice(FIRMS)
    return lambda: {
        "outcome": "change_lawyer",
        "new_law_firm": firm,
        "new_lawyer_name": lawyer,
        "new_lawyer_licence": f"1330120{rng.randrange(10**9, 10**10)}",
        "new_lawyer_phone": f"13{rng.randrange(10**8, 10**9)}",
        "change_reason": "原承办律师因病长期住院，无法继续承办",
    }


def scenarios(rng: random.Random) -> list[tuple[str, str, tuple[int, int], list[Step]]]:
    """(name, applicant, started between (a, b) days ago, steps): every state, every open step somebody may act on.

    Each path fits in its youngest start (hours < a × 24) and a refusal or termination still waiting for an
    objection is younger than the 30-day objection period, so nothing is left in the future or already timed out."""
    a, b, j = "legal_aid1", "legal_aid2", "justice1"
    ok, missing = (lambda: _materials()), (lambda: _materials(missing=True))
    green = [(1, "check_materials", a, ok), (2, "decide_green", b, _grant("arbitration"))]
    green_granted = [*green, (2, "appoint_green", b, _appointment(rng))]
    means_granted = [
        (3, "check_materials", a, ok),
        (24, "means_test", a, _means(5400)),  # 1,800 yuan a head: under the district's 2,490 (la_means_threshold)
        (20, "decide", b, _grant("litigation")),
        (24, "appoint", b, _appointment(rng)),
    ]
    not_means_granted = [(3, "check_materials", a, ok), (20, "decide", b, _grant("litigation"))]
    not_means_granted.append((24, "appoint", b, _appointment(rng)))
    refused = [*means_granted[:2], (20, "decide", b, REFUSE)]
    objected = [
        *refused,
        (72, "register_objection", j, _objection("被申请人自今年起已停止支付，申请人有转账记录为证。")),
    ]
    terminated = [*means_granted, (200, "conduct", b, TERMINATE)]
    objected_termination = [
        *terminated,
        (48, "register_objection", j, _objection("受援人仅咨询过其他律师，并未另行委托。")),
    ]
    uphold = _objection_decision("uphold", "原决定认定事实清楚，适用法律正确，予以维持。")
    correct = _objection_decision("correct", "申请人补充的转账记录表明被申请人已停止支付，原决定认定事实有误。")
    restore = _objection_decision("correct", "受援人并未另行委托律师，终止法律援助的理由不成立。")
    return [
        ("received_green", "wage", (0, 0), []),
        ("received", "support", (1, 2), []),
        ("received_online", "pension", (1, 2), []),
        ("early_aid", "injury", (0, 1), []),  # the limitation period ends in 3 days: aid first (Art. 44)
        ("awaiting", "support", (2, 4), [(3, "check_materials", a, missing)]),
        ("withdrawn", "support", (20, 30), [(3, "check_materials", a, missing), (24 * 8, "timers", "", None)]),
        ("means_test", "support", (1, 3), [(3, "check_materials", a, ok)]),
        ("decision", "support", (2, 4), means_granted[:2]),
        ("decision_exempt", "pension", (1, 3), [(3, "check_materials", a, ok)]),
        ("decision_green", "injury", (0, 0), green[:1]),
        ("appointment_green", "wage", (0, 0), green),  # decided this morning, the lawyer is appointed today
        ("appointment", "support", (2, 4), means_granted[:3]),
        ("granted_green", "wage", (3, 10), green_granted),
        ("granted", "violence", (8, 20), not_means_granted),
        ("lawyer_changed", "support", (15, 30), [*means_granted, (240, "conduct", b, _change_lawyer(rng))]),
        ("refused_means", "support", (3, 10), [(3, "check_materials", a, ok), (24, "means_test", a, _means(12000))]),
        ("refused_scope", "other", (5, 12), [(3, "check_materials", a, ok)]),
        ("refused", "support", (3, 10), refused),
        ("objection_pending", "support", (6, 12), objected),
        ("objection_upheld", "support", (30, 50), [*objected, (48, "decide_objection", j, uphold)]),
        ("objection_corrected", "support", (8, 14), [*objected, (48, "decide_objection", j, correct)]),
        (
            "corrected_and_granted",
            "support",
            (25, 45),
            [*objected, (48, "decide_objection", j, correct), *means_granted[2:]],
        ),
        ("terminated", "support", (12, 20), terminated),
        ("termination_restored", "support", (30, 60), [*objected_termination, (48, "decide_objection", j, restore)]),
        ("closed_green", "wage", (30, 60), [*green_granted, (24 * 20, "conduct", b, _closed)]),
        ("closed", "violence", (40, 80), [*not_means_granted, (24 * 30, "conduct", b, _closed)]),
    ]


def application(rng: random.Random, applicant: str, community: str, *, urgent: bool = False) -> dict[str, Any]:
    """A complete application as the window form sends it."""
    today = clock.today()
    fields = APPLICANTS[applicant]
    matter = fields["matter_type"]
    birth = today - timedelta(days=rng.randrange(22 * 365, 58 * 365) if applicant != "pension" else 72 * 365)
    months = rng.randrange(2, 6)
    end = today - timedelta(days=30 * rng.randrange(1, 4))
    owed = f"{(end - timedelta(days=30 * months)):%Y年%m月}至{end:%Y年%m月}"
    amount = months * rng.randrange(45, 90) * 100
    opponent = rng.choice(OPPONENTS.get(matter, ("刘某某", "陈某某", "张某某")))
    form: dict[str, Any] = {
        "applicant_name": rng.choice(NAMES),
        "id_number": resident_id(rng, birth, rng.random() < 0.6),
        "phone": f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
        "current_address": f"杭州市西湖区文三路{rng.randrange(1, 400)}号{rng.randrange(1, 30)}幢",
        "community_code": community,
        **fields,
        "opponent_name": opponent,
        "facts": FACTS[matter].format(job=rng.choice(("钢筋", "木工", "厨师", "保洁")), months=owed, amount=amount),
    }
    if matter in OPPONENTS:
        form["opponent_credit_code"] = credit_code(rng)
    if matter == "wage_claim":
        form.update(amount_claimed=str(amount), months_owed=owed)
    if urgent:  # fewer than 7 days before the arbitration limitation period ends (Art. 44)
        form["limitation_deadline"] = (today + timedelta(days=3)).isoformat()
    return form


def _task(case_id: int, name: str) -> HumanTask:
    return db.session.scalars(
        db.select(HumanTask).where(
            HumanTask.case_id == case_id, HumanTask.state == TaskState.OPEN, HumanTask.task_name == name
        )
    ).one()


def make_cases(
    units: dict[str, OrgUnit], users: dict[str, User], rng: random.Random, *, now: datetime | None = None
) -> None:
    """`now`: the moment the demo is seen from (tests pin it); by default the real present."""
    from app.cases import timers

    communities = [c[0] for s in STREETS for c in s[6]]
    clock.freeze(None)
    now = now or clock.utcnow()
    ten = now.astimezone(clock.CHINA_TZ).replace(hour=10, minute=0, second=0, microsecond=0)
    for name, applicant, (low, high), steps in scenarios(rng):
        days_ago = rng.randint(low, high)
        when = ten - timedelta(days=days_ago, hours=rng.choice((-0.5, 0, 0.5, 1)))  # 09:00–10:30 China time
        # Today's cases before 10:00: the whole path is done by now, never in the future.
        when = min(when, now - timedelta(hours=sum(step[0] for step in steps) + 0.5))
        clock.freeze(when)
        form = application(rng, applicant, rng.choice(communities), urgent=name == "early_aid")
        online = name == "received_online"
        case, _code = cases.open_case(
            service="legal_aid",
            form=form,
            actor=None if online else users["legal_aid1"],
            locale="zh",
            channel="online" if online else "window",
        )
        db.session.flush()
        for hours, task_name, who, make_form in steps:
            when += timedelta(hours=hours)
            clock.freeze(when)
            if task_name == "timers":  # the deadline passed: the scan acts, as it would at night
                db.session.commit()
                timers.fire_due(now=clock.utcnow())
                continue
            task = _task(case.id, task_name)
            inbox.claim_task(task_id=task.id, actor=users[who])
            cases.complete_task(task_id=task.id, actor=users[who], form=make_form(), locale="zh")
        db.session.commit()
