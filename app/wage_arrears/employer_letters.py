"""The wage-arrears letters addressed to the employer (defence notice, order, compensation decision, listing)
and to the police (transfer of a suspected crime). Helpers and the complainant's letters: letter_texts.py."""

from __future__ import annotations

from app.letters.contexts import fact, numbered, remedy_clause, text_of
from app.wage_arrears.letter_texts import (
    CONTRACT_LAW,
    CRIMINAL_LAW,
    ORDER_45,
    PAYMENT_REGULATION,
    REGULATION,
    SPC_2013,
    TRANSFER_RULES,
    _base,
    _d,
    _m,
    _t,
    _table,
)

CRIME_REASONS = {
    "single_worker_threshold": "拒不支付一名劳动者三个月以上的劳动报酬且数额达到本省规定的数额较大标准",
    "group_threshold": "拒不支付十名以上劳动者的劳动报酬且数额累计达到本省规定的数额较大标准",
}
BLACKLIST_REASONS = {
    "arrears_over_threshold": "克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准",
    "mass_incident": "因拖欠农民工工资违法行为引发群体性事件、极端事件，造成严重不良社会影响",
}
SERVICE_METHODS = {"direct": "直接送达", "left": "留置送达", "posted": "在用人单位经营场所张贴并拍照、录像"}
ORDER_TITLE = "《劳动保障监察限期改正指令书》"
SURCHARGE = "按应付金额百分之五十以上百分之一百以下的标准向劳动者加付赔偿金"


def _percent_in_words(rate: int) -> str:
    """50 → 五十, 85 → 八十五, 100 → 一百 (the rate is 50 to 100: 条例 Art. 26)."""
    digits = "〇一二三四五六七八九"
    if rate == 100:
        return "一百"
    tens, units = divmod(rate, 10)
    return digits[tens] + "十" + (digits[units] if units else "")


def _found(facts: dict, kind: str) -> tuple[str, list[dict]]:
    confirmed = fact(facts, "decision.confirmed") or []
    if not confirmed:
        raise ValueError(f"{kind} letter: missing facts key 'decision.confirmed'")
    return (
        f"经调查，{_t(facts, 'findings')}。你单位拖欠{len(confirmed)}名劳动者工资共计{_m(facts, 'confirmed_total')}"
        f"（明细见下表），违反了{CONTRACT_LAW}第三十条第一款和{PAYMENT_REGULATION}第三条的规定。",
        _table(confirmed, months=True),
    )


def _history(facts: dict) -> str:
    number = text_of(fact(facts, "case.number"))
    return f"本机关于{_d(facts, 'registered_on')}对你单位涉嫌拖欠劳动者工资一案立案调查（受理编号{number}）。"


def _ordered(facts: dict) -> str:
    """What the order said and when: the start of every letter after it."""
    return (
        f"本机关于{_d(facts, 'order_on')}向你单位送达{ORDER_TITLE}（{_t(facts, 'order_number')}），"
        f"责令你单位于{_d(facts, 'payment_deadline')}前支付拖欠的工资"
    )


def _heard(facts: dict) -> str:
    defence = fact(facts, "decision.defence") or {}
    if not defence.get("made"):
        return "本机关已告知你单位陈述、申辩的权利，你单位在规定期限内未提出陈述和申辩。"
    summary = text_of(defence.get("summary")).rstrip("。")
    response = text_of(defence.get("response")).rstrip("。")
    return f"你单位提出陈述和申辩：{summary}。经复核，{response}。"


def build_defence_notice(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="employer")
    found, out["table"] = _found(facts, "wa_defence_notice")
    basis = f"{REGULATION}第二十六条、{CONTRACT_LAW}第八十五条"
    if fact(facts, "decision.stage") == "compensation":
        proposed = (
            f"{_ordered(facts)}，你单位逾期仍有{_m(facts, 'unpaid_total')}未支付。"
            f"本机关拟依据{basis}的规定，责令你单位{SURCHARGE}。"
        )
    else:
        proposed = f"本机关拟依据{basis}的规定，责令你单位限期支付上述劳动者工资。"
    out["paragraphs"] = [_history(facts) + found, proposed]
    out["closing"] = [
        f"根据{REGULATION}第十九条的规定，你单位有权进行陈述和申辩。请于{_d(facts, 'defence_deadline')}前"
        "（含当日）向本机关提出书面陈述、申辩意见，并提交相关证据；逾期未提出的，视为放弃陈述和申辩的权利。",
        "本机关对你单位提出的事实、理由和证据将进行复核；成立的，予以采纳。",
    ]
    return out


def build_order(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="employer")
    found, out["table"] = _found(facts, "wa_order")
    out["paragraphs"] = [_history(facts) + found, _heard(facts)]
    basis = f"{REGULATION}第十八条第一款第（二）项、第二十六条和{CONTRACT_LAW}第八十五条"
    out["closing"] = [
        f"根据{basis}的规定，现责令你单位于{_d(facts, 'payment_deadline')}前（含当日）将上表所列工资共计"
        f"{_m(facts, 'confirmed_total')}足额支付给各劳动者本人，并将支付凭证报送本机关。",
        f"逾期不支付的，本机关将依照{REGULATION}第二十六条的规定，责令你单位{SURCHARGE}，"
        "并依法申请人民法院强制执行；情节严重的，将依法列入拖欠农民工工资失信联合惩戒对象名单。",
        "以转移财产、逃匿等方法逃避支付劳动者的劳动报酬或者有能力支付而不支付，经本指令书责令支付仍不支付，"
        f"数额较大的，涉嫌构成{CRIMINAL_LAW}第二百七十六条之一规定的拒不支付劳动报酬罪，"
        f"本机关将依法移送公安机关追究刑事责任（{SPC_2013}第四条）。",
    ]
    out["service"] = f"送达方式：{SERVICE_METHODS.get(fact(facts, 'decision.service_method'), '直接送达')}。"
    out["remedy"] = remedy_clause(ctx["agency"])
    return out


def build_compensation(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="employer")
    _found_text, out["table"] = _found(facts, "wa_compensation")
    rate = int(fact(facts, "decision.compensation_rate") or 0)
    if not 50 <= rate <= 100:
        raise ValueError("wa_compensation letter: 'decision.compensation_rate' must be 50 to 100")
    out["paragraphs"] = [
        f"{_history(facts)}{_ordered(facts)}{_m(facts, 'confirmed_total')}。",
        f"经查，你单位逾期未足额支付，已支付{_m(facts, 'amount_paid_so_far')}，尚有{_m(facts, 'unpaid_total')}"
        f"未支付。{_t(facts, 'non_payment_facts')}。",
        _heard(facts),
        f"本机关根据你单位违法行为的情节（{_t(facts, 'rate_reason')}），确定加付赔偿金的比例为应付金额的"
        f"百分之{_percent_in_words(rate)}。",
    ]
    basis = f"{REGULATION}第十九条、第二十六条和{CONTRACT_LAW}第八十五条"
    out["closing"] = [
        f"根据{basis}的规定，本机关决定：责令你单位于{_d(facts, 'compensation_deadline')}前（含当日）"
        f"向上表所列劳动者支付所欠工资{_m(facts, 'unpaid_total')}，并加付赔偿金{_m(facts, 'compensation_amount')}"
        "（按各劳动者未获支付的金额同比例计算）。",
        f"你单位逾期不履行本决定的，本机关将依照{PAYMENT_REGULATION}第四十二条的规定申请人民法院强制执行；"
        "涉嫌拒不支付劳动报酬罪的，依法移送公安机关。",
    ]
    out["remedy"] = remedy_clause(ctx["agency"])
    return out


def build_blacklist(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="employer")
    reason = fact(facts, "decision.blacklist_reason")
    if reason not in BLACKLIST_REASONS:
        raise ValueError(f"wa_blacklist letter: unknown reason {reason!r}")
    legal_rep = _t(facts, "employer.legal_rep")
    persons = f"你单位及其法定代表人（主要负责人）{legal_rep}"
    out["paragraphs"] = [
        f"{_history(facts)}{_ordered(facts)}，你单位逾期仍有{_m(facts, 'unpaid_total')}未支付。",
        f"经查，你单位{BLACKLIST_REASONS[reason]}。",
    ]
    out["closing"] = [
        f"根据{PAYMENT_REGULATION}第四十八条和{ORDER_45}第五条的规定，本机关决定将{persons}、直接负责的主管人员"
        f"和其他直接责任人员列入拖欠农民工工资失信联合惩戒对象名单，自{_d(facts, 'listed_on')}起至"
        f"{_d(facts, 'listed_until')}止，有效期3年，期间依法实施联合惩戒。",
        f"你单位改正拖欠工资违法行为、自列入之日起满6个月（即{_d(facts, 'earliest_removal')}以后）"
        "且作出书面信用承诺的，可以向本机关申请提前移出名单。",
    ]
    out["remedy"] = remedy_clause(ctx["agency"])
    return out


def build_crime_transfer(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="employer")
    police = _t(facts, "police_name")
    if not police:
        raise ValueError("wa_crime_transfer letter: missing facts key 'decision.police_name'")
    out["recipient_lines"] = [f"{police}："]
    conduct = "以转移财产、逃匿等方法逃避支付" if fact(facts, "decision.evasion") else "有能力支付而不支付"
    code = _t(facts, "employer.credit_code") or "未查明"
    number = text_of(fact(facts, "case.number"))
    out["paragraphs"] = [
        f"本机关在查处{_t(facts, 'employer.name')}（统一社会信用代码：{code}）拖欠劳动者工资一案中"
        f"（受理编号{number}），于{_d(facts, 'order_on')}以{ORDER_TITLE}（{_t(facts, 'order_number')}）"
        f"责令其于{_d(facts, 'payment_deadline')}前支付，该单位逾期仍有{_m(facts, 'unpaid_total')}未支付。",
        f"经调查，该单位{conduct}，{CRIME_REASONS.get(fact(facts, 'decision.crime_reason'), '数额较大')}，"
        f"涉嫌构成{CRIMINAL_LAW}第二百七十六条之一规定的拒不支付劳动报酬罪（{SPC_2013}第二条至第四条）。"
        f"调查情况：{_t(facts, 'report')}。",
        f"根据{PAYMENT_REGULATION}第四十一条和{TRANSFER_RULES}第三条、第六条的规定，经本机关负责人批准，"
        "现将该案移送你局，请依法审查，自接受移送之日起3日内作出立案或者不予立案的决定，并书面告知本机关。",
    ]
    out["items"] = numbered(
        [
            {"label": "涉嫌犯罪案件调查报告"},
            {"label": f"涉案物品和证据清单（{_t(facts, 'evidence_list')}）"},
            {"label": f"{ORDER_TITLE}及送达凭证"},
            {"label": "拖欠工资劳动者名单及金额明细"},
        ]
    )
    out["team"] = f"专案组成员：{_t(facts, 'team')}。"
    return out
