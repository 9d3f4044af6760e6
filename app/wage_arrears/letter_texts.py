"""The words of the wage-arrears letters (rules.md §3.7, §6): one builder per kind, from plain facts.

Every sentence, citations included, is made here so that the stored context is the complete record of what a
letter said; the templates in templates/letters/ only lay it out. Letters to the complainant name the
complainant as the party; the defence notice, the order, the compensation decision and the listing decision
are addressed to the employer; the transfer of a suspected crime to the police bureau.
"""

from __future__ import annotations

from typing import Any

from app.letters.contexts import fact, iso_date, numbered, numeric_date_of, remedy_clause, text_of

REGULATION = "《劳动保障监察条例》"
RULES_25 = "《关于实施〈劳动保障监察条例〉若干规定》"
PAYMENT_REGULATION = "《保障农民工工资支付条例》"
CONTRACT_LAW = "《中华人民共和国劳动合同法》"
CRIMINAL_LAW = "《中华人民共和国刑法》"
SPC_2013 = "《最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释》"
TRANSFER_RULES = "《行政执法机关移送涉嫌犯罪案件的规定》"
ORDER_45 = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》"
DISPUTE_LAW = "《中华人民共和国劳动争议调解仲裁法》"

NOT_ACCEPTED_REASONS = {
    "beyond_two_years": (
        "经审查，你投诉的拖欠工资行为发生于{last}，至本机关收到投诉之日已超过二年，依照{reg}第二十条的规定，"
        "劳动保障行政部门不再查处。"
    ),
    "not_supplied": "截至补正期限届满，你未补正上述材料。",
}
DISPUTE_REASONS = {
    "in_dispute_procedure": "经审查，你投诉的事项已经按照劳动争议处理程序申请仲裁或者提起诉讼。",
    "not_in_scope": (
        "经审查，你投诉的事项需经劳动争议处理程序确认（如劳动关系、工资数额存在争议），不属于劳动保障监察的职责范围。"
    ),
}
SERVICE_METHODS = {"direct": "直接送达", "left": "留置送达", "posted": "在用人单位经营场所张贴并拍照、录像"}


def money(value: Any) -> str:
    return f"{float(value or 0):,.2f}元"


def _d(facts: dict, key: str) -> str:
    """A date of the decision facts as the body text writes it: 2026年11月2日."""
    return numeric_date_of(facts, f"decision.{key}")


def _m(facts: dict, key: str) -> str:
    return money(fact(facts, f"decision.{key}"))


def _t(facts: dict, key: str) -> str:
    """A text of the decision facts, without a closing 。 (the sentence adds its own)."""
    return text_of(fact(facts, f"decision.{key}")).rstrip("。")


def _complainant_lines(ctx: dict, facts: dict) -> list[str]:
    party = ctx["party"]
    group = fact(facts, "decision.complaint_type") == "group"
    lines = [f"投诉人：{party['name']}{'（集体投诉代表）' if group else ''}", f"公民身份号码：{party['id_number']}"]
    lines.append(f"现住址：{party['current_address']}")
    if party["phone"]:
        lines.append(f"联系电话：{party['phone']}")
    return lines


def _employer_lines(facts: dict) -> list[str]:
    employer = fact(facts, "decision.employer") or {}
    if not employer.get("name"):
        raise ValueError("wage-arrears letter: missing facts key 'decision.employer.name'")
    lines = [f"被投诉单位：{employer['name']}"]
    lines.append(f"统一社会信用代码：{employer.get('credit_code') or '（未查明）'}")
    if employer.get("legal_rep"):
        lines.append(f"法定代表人（主要负责人）：{employer['legal_rep']}")
    if employer.get("address"):
        lines.append(f"住所：{employer['address']}")
    return lines


def _complaint_history(ctx: dict, facts: dict) -> str:
    employer = _t(facts, "employer.name")
    claimed = fact(facts, "decision.claimed") or []
    total = sum(float(w.get("amount") or 0) for w in claimed)
    who = f"你等{len(claimed)}人" if fact(facts, "decision.complaint_type") == "group" else "你"
    return (
        f"{who}于{numeric_date_of(facts, 'case.received_on')}向本机关投诉{employer}拖欠工资，投诉金额共计{money(total)}"
    )


def _table(rows: list[dict], *, months: bool) -> list[dict]:
    return numbered(
        [
            {
                "name": text_of(w.get("name")),
                "months": text_of(w.get("months")) if months else "",
                "period": text_of(w.get("period")),
                "amount": money(w.get("amount")),
            }
            for w in rows
        ]
    )


def _base(ctx: dict, facts: dict, *, to: str) -> dict:
    lines = _employer_lines(facts) if to == "employer" else _complainant_lines(ctx, facts)
    return {**ctx, "recipient_lines": lines, "paragraphs": [], "table": [], "items": [], "closing": [], "remedy": ""}


# ---------------------------------------------------------------- to the complainant


def build_receipt(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="complainant")
    decide_by = fact(facts, "decision.decide_by")
    by = f"（即{_d(facts, 'decide_by')}前）" if decide_by else ""
    out["paragraphs"] = [
        f"{_complaint_history(ctx, facts)}。本机关已收到你的投诉及所附材料，现予登记。",
        f"根据{RULES_25}第十八条的规定，本机关将自收到投诉之日起5个工作日内{by}依法审查，作出受理或者不予受理的决定，并书面告知你。",
        "投诉材料不齐全或者用人单位不明确的，本机关将一次性告知你需要补正的全部内容。",
    ]
    out["table"] = _table(fact(facts, "decision.claimed") or [], months=False)
    out["access_code"] = text_of(facts["access_code"])
    out["tracking"] = "可凭受理编号和查询码在网上查询办理进度。查询码请妥善保管，勿告知他人。"
    return out


def build_acceptance(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="complainant")
    registered = _d(facts, "registered_on")
    due = _d(facts, "investigation_due_on")
    out["paragraphs"] = [
        f"{_complaint_history(ctx, facts)}。经审查，你的投诉符合受理条件，根据{RULES_25}第十八条的规定，"
        f"本机关决定予以受理，并于{registered}立案调查。",
        f"根据{REGULATION}第十七条的规定，本机关将自立案之日起60个工作日内（即{due}前）完成调查处理；情况复杂的，"
        "经本机关负责人批准，可以延长30个工作日，并书面告知你。",
        "请你如实提供劳动关系、工资约定和拖欠情况的证据，保持联系电话畅通，配合调查。"
        "你如同时需要通过法律援助维护权益，可以向法律援助机构申请，农民工追索劳动报酬免予核查经济困难状况。",
    ]
    return out


def build_supplement(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="complainant")
    items = [
        {"label": m["label_zh"], "note": text_of(m.get("note")) or "该材料为审查投诉所需材料。"}
        for m in fact(facts, "decision.materials") or []
    ]
    if fact(facts, "decision.supplement_items"):
        items.append({"label": "用人单位的明确信息", "note": _t(facts, "supplement_items")})
    if not items:
        raise ValueError("wa_supplement letter: 'decision.materials' and 'decision.supplement_items' are both empty")
    deadline = _d(facts, "supplement_deadline")
    out["paragraphs"] = [
        f"{_complaint_history(ctx, facts)}。经审查，你提交的投诉材料不齐全或者被投诉的用人单位不明确。"
        f"根据{RULES_25}第十八条的规定，现将需要补正的全部内容一次性告知如下：",
    ]
    out["items"] = numbered(items)
    out["closing"] = [
        f"请你于{deadline}前（含当日）到本机关补正。补正期间不计入受理审查期限。",
        "逾期未补正的，本机关将对你的投诉不予受理；补正后符合受理条件的，本机关将予以受理。",
    ]
    out["supplement_deadline"] = iso_date(facts, "decision.supplement_deadline")
    return out


def build_not_accepted(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="complainant")
    reason = fact(facts, "decision.reason")
    if reason not in NOT_ACCEPTED_REASONS:
        raise ValueError(f"wa_not_accepted letter: unknown reason {reason!r}")
    history = f"{_complaint_history(ctx, facts)}。"
    if reason == "not_supplied":
        number = _t(facts, "supplement_notice_number")
        history += (
            f"本机关于{_d(facts, 'supplement_notice_on')}向你送达《欠薪投诉补正通知书》"
            f"（{number}），一次性告知你于{_d(facts, 'supplement_deadline')}前补正下列内容："
            if fact(facts, "decision.supplement_notice_on")
            else f"本机关一次性告知你于{_d(facts, 'supplement_deadline')}前补正下列内容："
        )
        items = [{"label": m["label_zh"]} for m in fact(facts, "decision.materials") or []]
        if fact(facts, "decision.supplement_items"):
            items.append({"label": f"用人单位的明确信息（{_t(facts, 'supplement_items')}）"})
        out["items"] = numbered(items)
    last = _d(facts, "violation_last_date") if fact(facts, "decision.violation_last_date") else ""
    out["paragraphs"] = [history]
    out["closing"] = [
        NOT_ACCEPTED_REASONS[reason].format(last=last, reg=REGULATION)
        + f"根据{RULES_25}第十八条的规定，本机关决定对你的投诉不予受理。",
        "你与用人单位之间的工资争议，可以依照"
        f"{DISPUTE_LAW}的规定向劳动人事争议仲裁委员会申请仲裁（劳动关系存续期间因拖欠劳动报酬发生争议的，申请仲裁不受一年仲裁时效期间的限制）。",
    ]
    out["remedy"] = remedy_clause(ctx["agency"])
    return out


def build_referral(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="complainant")
    bureau = _t(facts, "competent_bureau")
    if not bureau:
        raise ValueError("wa_referral letter: missing facts key 'decision.competent_bureau'")
    workplace = _t(facts, "employer.workplace_address")
    where = f"（{workplace}）" if workplace else ""
    out["paragraphs"] = [
        f"{_complaint_history(ctx, facts)}。经审查，被投诉单位的用工所在地{where}不在本机关管辖范围内。",
        f"根据{REGULATION}第十三条“对用人单位的劳动保障监察，由用人单位用工所在地的县级或者设区的市级劳动保障行政部门管辖”"
        f"和{PAYMENT_REGULATION}第十条的规定，本机关已将你的投诉移送{bureau}处理，请你与该机关联系。",
        "移送前你已提交的材料随案移送，你无需重复提交。",
    ]
    return out


def build_dispute_notice(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="complainant")
    reason = fact(facts, "decision.reason")
    if reason not in DISPUTE_REASONS:
        raise ValueError(f"wa_dispute_notice letter: unknown reason {reason!r}")
    body = ctx["agency"].get("arbitration_body") or ctx["agency"]["court"].replace("人民法院", "劳动人事争议仲裁委员会")
    out["paragraphs"] = [
        f"{_complaint_history(ctx, facts)}。{DISPUTE_REASONS[reason]}",
        f"根据{REGULATION}第二十一条第二款的规定，对应当通过劳动争议处理程序解决的事项，或者已经按照劳动争议处理程序申请调解、"
        "仲裁或者已经提起诉讼的事项，劳动保障行政部门应当告知投诉人依照劳动争议处理或者诉讼的程序办理。",
        f"请你依照{DISPUTE_LAW}的规定向{body}申请仲裁，或者继续按照已经进行的仲裁、诉讼程序办理。"
        "劳动关系存续期间因拖欠劳动报酬发生争议的，申请仲裁不受一年仲裁时效期间的限制；劳动关系终止的，应当自劳动关系终止之日起一年内提出。",
        "你需要法律援助的，可以向法律援助机构申请；农民工追索劳动报酬的，免予核查经济困难状况。",
    ]
    return out


def build_extension_notice(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="complainant")
    reason = _t(facts, "extension_reason").rstrip("。")
    out["paragraphs"] = [
        f"{_complaint_history(ctx, facts)}，本机关于{_d(facts, 'registered_on')}立案调查。",
        f"因{reason}，案情复杂，根据{REGULATION}第十七条的规定，经本机关负责人批准，办案期限延长30个工作日，"
        f"至{_d(facts, 'investigation_due_on')}。",
        "特此告知。",
    ]
    return out


def build_closure(facts: dict, ctx: dict) -> dict:
    out = _base(ctx, facts, to="complainant")
    result = fact(facts, "decision.result")
    findings = _t(facts, "findings")
    history = f"{_complaint_history(ctx, facts)}，本机关于{_d(facts, 'registered_on')}立案调查。"
    if result == "no_arrears":
        decision = (
            f"经调查，{findings}。现有证据不能证明被投诉单位存在拖欠你工资的违法行为。"
            f"根据{REGULATION}第十八条第一款第（三）项的规定，本机关决定撤销立案，本案办结。你对工资数额等事项仍有争议的，可以依法申请劳动争议仲裁。"
        )
        out["remedy"] = remedy_clause(ctx["agency"])
    elif result == "paid":
        decision = (
            f"经调查，{findings}。调查期间被投诉单位已足额支付所欠工资，违法行为已经改正。"
            f"根据{REGULATION}第十八条的规定，本案办结。"
        )
    elif result == "paid_after_order":
        decision = (
            f"本机关向被投诉单位送达《劳动保障监察限期改正指令书》（{_t(facts, 'order_number')}）后，"
            f"被投诉单位已于{_d(facts, 'paid_on')}支付{_m(facts, 'amount_paid')}。本案办结。"
        )
    else:
        raise ValueError(f"wa_closure letter: unknown result {result!r}")
    out["paragraphs"] = [history, decision, "特此告知。"]
    return out
