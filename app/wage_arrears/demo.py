"""Demo wage-arrears complaints in every state, driven through the real services with the clock moved back.

Called by app.demo.seed through Service.demo (after the permit cases). Every case is opened at the labour
inspection window by labour1/labour2 and worked by the brigade (labour1, labour2), its head (labour_lead: the
approvals) and the police bureau (police_lead: the decision on a transferred case), exactly as people would.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from app.accounts.models import OrgUnit, User
from app.cases import service as cases
from app.cases import services
from app.core import clock
from app.demo import NAMES, STREETS, moment
from app.demo_cases import credit_code, resident_id
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import HumanTask, TaskState

EMPLOYERS = (
    ("杭州西溪建筑劳务有限公司", "王建国", "杭州市西湖区西溪路518号"),
    ("杭州文三餐饮管理有限公司", "李红梅", "杭州市西湖区文三路259号"),
    ("浙江翠苑物业服务有限公司", "陈志强", "杭州市西湖区翠苑路76号"),
    ("杭州保俶装饰工程有限公司", "赵立新", "杭州市西湖区保俶路143号"),
)
# (scenario, how many) — every state a complaint can be in, and every open step somebody may be asked to do.
SCENARIOS = (
    ("received", 2),
    ("awaiting", 1),
    ("not_accepted", 1),
    ("referred", 1),
    ("redirected", 1),
    ("investigating", 2),
    ("extension_requested", 1),
    ("extended", 1),
    ("defence", 1),
    ("ordered", 2),
    ("no_arrears", 1),
    ("paid", 2),
    ("transfer_pending", 1),
    ("police_review", 1),
    ("enforced", 1),
)


# How long ago each scenario's complaint came in (days): enough time for the steps it has been through.
STARTED_DAYS_AGO = {
    "extension_requested": (8, 12),
    "defence": (8, 12),
    "ordered": (12, 18),
    "extended": (20, 40),
    "paid": (20, 40),
    "no_arrears": (20, 40),
    "transfer_pending": (40, 70),
    "police_review": (40, 70),
    "enforced": (40, 70),
}
TRANSFERRED = ("transfer_pending", "police_review", "enforced")


def complaint_form(
    rng: random.Random,
    community: str,
    *,
    group: bool = False,
    worker_count: int | None = None,
    wants_legal_aid: bool = False,
    months_ago: int = 2,
    **overrides: Any,
) -> dict[str, Any]:
    """A complete complaint as the window form would send it (workers as a list: the JSON shape)."""
    today = clock.today()
    employer, legal_rep, address = rng.choice(EMPLOYERS)
    count = worker_count or (rng.randrange(3, 8) if group else 1)
    people = []
    for i in range(count):
        birth = today - timedelta(days=rng.randrange(20 * 365, 50 * 365))
        months = rng.randrange(1, 6)
        end = today - timedelta(days=30 * months_ago)
        people.append(
            {
                "name": rng.choice(NAMES),
                "id_number": resident_id(rng, birth, rng.random() < 0.6),
                "phone": f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
                "current_address": f"杭州市西湖区文三路{rng.randrange(1, 400)}号{rng.randrange(1, 30)}幢",
                "amount_owed": float(months * rng.randrange(45, 90) * 100),
                "months_owed": f"{(end - timedelta(days=30 * months)):%Y年%m月}至{end:%Y年%m月}",
                "wants_legal_aid": wants_legal_aid and i == 0,
            }
        )
    form = {
        "complaint_type": "group" if group else "individual",
        "applicant_name": people[0]["name"],
        "id_number": people[0]["id_number"],
        "phone": people[0]["phone"],
        "current_address": people[0]["current_address"],
        "employer_name": employer,
        "employer_credit_code": credit_code(rng),
        "employer_legal_rep": legal_rep,
        "employer_address": address,
        "workplace_address": address,
        "community_code": community,
        "workers": people,
        "violation_last_date": (today - timedelta(days=30 * months_ago)).isoformat(),
        "in_dispute_procedure": "false",
        "facts": f"{employer}自{people[0]['months_owed']}拖欠工资，多次催讨未果，请求责令支付。",
    }
    if group:
        form["representatives"] = [{key: people[1][key] for key in ("name", "id_number", "phone")}]
    form.update(overrides)
    return form


ACCEPT = {
    "materials.identity.verdict": "provided",
    "materials.employment_evidence.verdict": "provided",
    "materials.arrears_evidence.verdict": "provided",
    "materials.representation.verdict": "provided",
    "employer_identified": "true",
    "in_inspection_scope": "true",
    "in_our_jurisdiction": "true",
}


def findings(form: dict[str, Any], *, at_least: float = 0) -> dict[str, Any]:
    """The investigation's result: every worker's claim confirmed (3 months), at least `at_least` yuan each."""
    return {
        "result": "arrears_confirmed",
        "inspectors": "蒋队员、尤队员",
        "findings": "经调取考勤记录、工资表并询问用人单位负责人，查明该单位未按约定支付劳动者工资",
        "confirmed_workers": [
            {"name": w["name"], "months": 3, "amount": max(w["amount_owed"], at_least), "period": w["months_owed"]}
            for w in form["workers"]
        ],
    }


def _do(case_id: int, actor: User, form: dict, *, task_name: str | None = None) -> None:
    open_rows = db.session.scalars(
        db.select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == TaskState.OPEN)
    ).all()
    task = next(row for row in open_rows if task_name in (None, row.task_name))
    inbox.claim_task(task_id=task.id, actor=actor)
    cases.complete_task(task_id=task.id, actor=actor, form=form, locale="zh")


def _at(days_ago: float) -> None:
    clock.freeze(moment(days_ago))


def bureau_contacts(units: dict[str, OrgUnit]) -> None:
    """The HRSS bureau signs the letters, which print its address and phone (rules.md §6.1 item 11): the
    demo org leaves them empty, so the demo fills them in as an admin would (accounts: unit details)."""
    for code, address, phone in (
        ("HRSS", "杭州市西湖区文三路158号", "0571-87003300"),
        ("LSI", "杭州市西湖区文三路158号", "0571-12333"),
    ):
        unit = units.get(code)
        if unit is not None and not unit.address:
            unit.address, unit.phone = address, phone


def make_cases(units: dict[str, OrgUnit], users: dict[str, User], rng: random.Random) -> None:
    from app.cases import timers

    bureau_contacts(units)

    communities = [c[0] for s in STREETS for c in s[6]]
    staff = [users["labour1"], users["labour2"]]
    lead, police = users["labour_lead"], users["police_lead"]
    plan = [name for name, count in SCENARIOS for _ in range(count)]
    if services.get("legal_aid") is not None:  # the referral's receiver is installed: show a linked case too
        plan.append("legal_aid")
    for index, scenario in enumerate(plan):
        low, high = STARTED_DAYS_AGO.get(scenario, (1.5, 4))
        start = rng.uniform(low, high)
        _at(start)
        who = staff[index % 2]
        group = scenario in ("investigating", "ordered", "enforced") and index % 2 == 0
        form = complaint_form(
            rng,
            rng.choice(communities),
            group=group,
            wants_legal_aid=scenario == "legal_aid",
            months_ago=30 if scenario == "not_accepted" else rng.randrange(1, 6),
            in_dispute_procedure="true" if scenario == "redirected" else "false",
        )
        case, _code = cases.open_case(service="wage_arrears", form=form, actor=who, locale="zh")
        db.session.flush()
        if scenario == "received":
            db.session.commit()
            continue
        _at(start - 1)
        review = dict(ACCEPT)
        if scenario == "awaiting":
            review.update(
                {
                    "materials.arrears_evidence.verdict": "missing",
                    "materials.arrears_evidence.note": "请提供工资条、欠条或者与用人单位的聊天记录",
                    "supplement_deadline": (clock.today() + timedelta(days=max(7, int(start) + 3))).isoformat(),
                }
            )
        if scenario == "referred":
            review.update(in_our_jurisdiction="false", competent_bureau="杭州市拱墅区劳动保障监察大队")
        _do(case.id, who, review)
        if scenario in ("awaiting", "not_accepted", "referred", "redirected", "legal_aid", "investigating"):
            db.session.commit()
            continue
        _at(start - 5)
        if scenario in ("extension_requested", "extended"):
            _do(
                case.id,
                who,
                {
                    "result": "extension_needed",
                    "inspectors": "蒋队员、尤队员",
                    "findings": "用人单位账册不全，需调取银行流水",
                    "extension_reason": "需向银行调取工资代发流水",
                },
            )
            if scenario == "extended":
                _at(start - 6)
                _do(case.id, lead, {"decision": "approve"})
            db.session.commit()
            continue
        if scenario == "no_arrears":
            _do(
                case.id, who, {"result": "no_arrears", "inspectors": "蒋队员、尤队员", "findings": "工资已按月足额发放"}
            )
            db.session.commit()
            continue
        _do(case.id, who, findings(form, at_least=15000 if scenario in TRANSFERRED else 0))
        if scenario == "defence":
            db.session.commit()
            continue
        _at(start - 9)
        _do(
            case.id,
            who,
            {
                "defence_made": "made",
                "defence_summary": "工程款未结算，资金周转困难",
                "defence_response": "不影响工资支付义务，不予采纳",
            },
        )
        deadline = clock.today() + timedelta(days=10)
        _do(case.id, who, {"payment_deadline": deadline.isoformat(), "service_method": "direct"})
        if scenario == "ordered":
            db.session.commit()
            continue
        if scenario == "paid":
            _at(start - 14)
            total = sum(w["amount_owed"] for w in form["workers"])
            _do(
                case.id,
                who,
                {
                    "paid_on": clock.today().isoformat(),
                    "amount_paid": f"{total:.2f}",
                    "payment_evidence": "银行转账凭证",
                },
            )
            db.session.commit()
            continue
        db.session.commit()
        _at(start - 21)  # the payment deadline has passed: the scan moves the case on, as it would at night
        timers.fire_due(now=clock.utcnow())
        _do(
            case.id,
            who,
            {
                "amount_paid_so_far": "0",
                "evasion": "false",
                "able_to_pay": "true",
                "mass_incident": "false",
                "non_payment_facts": "该单位账户有资金往来，有能力支付而拒不支付",
                # Ordered to correct and did not (条例 Art. 30(1)(三)): a fine is proposed beside the compensation.
                "penalty_ground": "refused_order",
                "proposed_fine": "15000",
                "penalty_facts": "支付期限内你单位银行账户有工程款进账，有能力支付而拒不支付",
            },
        )
        _do(case.id, who, {"defence_made": "waived"})
        _do(
            case.id,
            who,
            {
                "compensation_rate": "80",
                "compensation_deadline": (clock.today() + timedelta(days=15)).isoformat(),
                "rate_reason": "拖欠时间较长，经责令仍拒不支付",
            },
        )
        _at(start - 23)
        _do(
            case.id,
            who,
            {
                "team": "蒋队员、尤队员",
                "report": "该单位有能力支付而拒不支付，数额较大",
                "evidence_list": "工资表、考勤记录、银行流水、询问笔录",
            },
            task_name="prepare_transfer",
        )
        if scenario == "transfer_pending":
            db.session.commit()
            continue
        _do(case.id, lead, {"decision": "approve"}, task_name="approve_transfer")
        _do(
            case.id,
            who,
            {"delivered_on": clock.today().isoformat(), "received_by": "西湖分局 孙警官"},
            task_name="deliver_transfer",
        )
        if scenario == "police_review":
            db.session.commit()
            continue
        _at(start - 25)
        _do(
            case.id,
            police,
            {"police_decision": "opened", "police_case_number": f"西公刑〔{clock.today().year}〕{index}号"},
            task_name="police_review",
        )
        _do(case.id, lead, {"decision": "approve"}, task_name="approve_blacklist")
        _do(
            case.id,
            who,
            {"court": "杭州市西湖区人民法院", "filed_on": clock.today().isoformat()},
            task_name="apply_enforcement",
        )
        _do(case.id, who, {"defence_made": "waived", "hearing": "not_requested"}, task_name="hear_penalty_defence")
        _do(
            case.id,
            who,
            {"fine_amount": "12000", "fine_reason": "经责令仍拒不支付，拖欠时间较长"},
            task_name="decide_penalty",
        )
        db.session.commit()
