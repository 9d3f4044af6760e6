"""The fine (行政处罚) letters of a wage-arrears case, addressed to the employer (rules.md §3.7, §6.2):

* 劳动保障监察行政处罚告知书 — the proposed fine, its facts and basis, the right to state its case and, for a
  large fine, to ask for a hearing (行政处罚法 Arts. 44, 45, 63, 64);
* 劳动保障监察行政处罚决定书 — the elements of 行政处罚法 Art. 59: the party; the facts and evidence; the penalty
  and its basis; how and by when to pay; the remedies; the agency's seal and the date (the base template).
"""

from __future__ import annotations

from app.letters.contexts import fact, remedy_clause
from app.wage_arrears.employer_letters import ORDER_TITLE
from app.wage_arrears.letter_texts import REGULATION, _base, _d, _m, _t

PENALTY_LAW = "《中华人民共和国行政处罚法》"
# penalty_ground (forms/wa_non_payment.json) → (clause of 条例 Art. 30 para. 1, its words)
GROUNDS = {
    "refused_order": ("（三）", "经劳动保障行政部门责令改正拒不改正"),
    "obstruction": ("（一）", "无理抗拒、阻挠劳动保障行政部门依照本条例的规定实施劳动保障监察"),
    "false_materials": (
        "（二）",
        "不按照劳动保障行政部门的要求报送书面材料，隐瞒事实真相，出具伪证或者隐匿、毁灭证据",
    ),
}
HEARINGS = {
    "not_applicable": "",
    "not_requested": "本机关已告知你单位要求听证的权利，你单位在规定期限内未要求听证。",
    "held": "应你单位要求，本机关依法组织了听证。{record}。",
}


def _ground(facts: dict, kind: str) -> tuple[str, str]:
    ground = fact(facts, "decision.penalty_ground")
    if ground not in GROUNDS:
        raise ValueError(f"{kind} letter: unknown penalty ground {ground!r}")
    return GROUNDS[ground]


def _history(facts: dict) -> str:
    history = f"本机关于{_d(facts, 'registered_on')}对你单位涉嫌拖欠劳动者工资一案立案调查。"
    if fact(facts, "decision.order_number"):
        history += (
            f"本机关于{_d(facts, 'order_on')}向你单位送达{ORDER_TITLE}（{_t(facts, 'order_number')}），责令你单位于"
            f"{_d(facts, 'payment_deadline')}前支付拖欠的工资，你单位逾期仍有{_m(facts, 'unpaid_total')}未支付。"
        )
    return history


def _violation(facts: dict, kind: str) -> str:
    clause, words = _ground(facts, kind)
    return (
        f"经查，{_t(facts, 'penalty_facts')}。你单位的上述行为属于{REGULATION}第三十条第一款第{clause}项规定的"
        f"“{words}”的情形。"
    )


def build_penalty_notice(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="employer")
    deadline = _d(facts, "penalty_defence_deadline")
    out["paragraphs"] = [
        _history(facts),
        _violation(facts, "wa_penalty_notice"),
        f"依据{REGULATION}第三十条的规定，本机关拟对你单位处以罚款人民币{_m(facts, 'proposed_fine')}。",
    ]
    hearing = fact(facts, "decision.hearing_right")  # a large fine (Art. 63): the hearing right is told too
    articles = "第四十四条、第四十五条、第六十三条、第六十四条" if hearing else "第四十四条、第四十五条"
    rights, asks = (
        ("进行陈述、申辩，并有权要求听证", "书面陈述、申辩意见或者听证要求")
        if hearing
        else (
            "进行陈述和申辩",
            "书面陈述、申辩意见",
        )
    )
    out["closing"] = [
        f"根据{PENALTY_LAW}{articles}的规定，你单位有权{rights}。请于{deadline}前（含当日）向本机关提出{asks}，"
        "并提交相关证据；逾期未提出的，视为放弃上述权利。本机关不因你单位陈述、申辩而给予更重的处罚。"
    ]
    return out


def build_penalty(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="employer")
    notice = (
        f"本机关于{_d(facts, 'notice_on')}向你单位送达《劳动保障监察行政处罚告知书》（{_t(facts, 'notice_number')}），"
        "告知了拟作出的行政处罚及你单位依法享有的权利。"
        if fact(facts, "decision.notice_number")
        else ""
    )
    defence = fact(facts, "decision.defence") or {}
    if defence.get("made"):
        heard = (
            f"你单位提出陈述和申辩：{str(defence.get('summary') or '').rstrip('。')}。"
            f"经复核，{str(defence.get('response') or '').rstrip('。')}。"
        )
    else:
        heard = "你单位在规定期限内未提出陈述和申辩。"
    hearing = HEARINGS.get(fact(facts, "decision.hearing") or "not_applicable", "")
    heard += hearing.format(record=_t(facts, "hearing_record"))
    out["paragraphs"] = [_history(facts), _violation(facts, "wa_penalty"), notice + heard]
    out["closing"] = [
        f"本机关根据你单位违法行为的事实、性质、情节和社会危害程度（{_t(facts, 'fine_reason')}），依据"
        f"{REGULATION}第三十条的规定，决定对你单位处以罚款人民币{_m(facts, 'fine_amount')}。",
        f"你单位应当自收到本决定书之日起十五日内，持本决定书到指定的银行或者通过电子支付系统缴纳罚款（{PENALTY_LAW}"
        f"第六十七条）。到期不缴纳罚款的，本机关每日按罚款数额的百分之三加处罚款，并可以依法申请人民法院强制执行"
        "（第七十二条）。本决定不免除你单位支付所欠劳动者工资和加付赔偿金的义务。",
    ]
    out["remedy"] = remedy_clause(ctx["agency"])
    return out
