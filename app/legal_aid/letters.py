"""Legal-aid letters (rules.md §2.9, §6): one builder per kind, registered with the letters registry on import.

The case side (application.decision_facts) passes codes and values under `decision`; every sentence, the
statutory wording included, is written here, so the stored context is the complete letter. Templates:
app/legal_aid/templates/letters/<kind>.html. 文号 series are distinct per kind (援受, 援补, …).
"""

from __future__ import annotations

from app.legal_aid.wording import (
    AID_FORMS,
    EARLY_AID_REASONS,
    LAW,
    MATTERS,
    MEANS_CLAUSES,
    REFUSAL_GROUNDS,
    STATUSES,
    TERMINATION_GROUNDS,
    days_in_words,
)
from app.letters import kinds
from app.letters.contexts import fact, material_rows, numbered, numeric_date_of, remedy_clause, text_of

RECEIVED = frozenset({"provided", "ok"})
CHANNELS = {"window": "到本中心窗口", "online": "通过网上平台", "referral": "经劳动保障监察机构转介"}


def _matter(facts: dict) -> str:
    matter, _clause = MATTERS.get(fact(facts, "decision.matter_type") or "other", MATTERS["other"])
    opponent = text_of(fact(facts, "decision.opponent_name"))
    return f"{matter}（对方当事人：{opponent}）" if opponent else matter


def _yuan(value) -> str:
    return f"{float(value):,.2f}元"


def _submitted(facts: dict, *, centre: str = "本中心") -> str:
    """How the application came in; `centre` names the centre when another body (the justice bureau) writes."""
    channel = CHANNELS.get(fact(facts, "decision.channel") or "window", "")
    if centre != "本中心":
        channel = {"window": f"到{centre}窗口", "online": "通过网上平台向" + centre}.get(
            fact(facts, "decision.channel") or "window", f"{channel}向{centre}"
        )
    return f"你于{numeric_date_of(facts, 'case.received_on')}{channel}申请法律援助，申请事项为{_matter(facts)}"


def _accepted(facts: dict) -> str:
    return f"，本中心于{numeric_date_of(facts, 'case.accepted_on')}受理" if fact(facts, "case.accepted_on") else ""


def _objection_route(facts: dict) -> str:
    """Art. 49: the objection goes first to the justice bureau; reconsideration or litigation only after it upholds.
    The period for objecting is not in the national law (rules.md §2.5 [U]): the case's own (docs/legal-aid.md)."""
    bureau = text_of(fact(facts, "decision.justice_bureau"))
    days = fact(facts, "decision.objection_days")
    within = f"自收到本决定书之日起{days_in_words(int(days))}日内" if days else ""
    return (
        f"如对本决定有异议，可以{within}向{bureau}提出。{bureau}将自收到异议之日起五日内进行审查，作出维持本中心决定"
        f"或者责令本中心改正的决定（{LAW}第四十九条）。对{bureau}维持本决定不服的，可以依法申请行政复议或者提起"
        "行政诉讼。"
    )


def _lawyer(facts: dict, prefix: str = "") -> str:
    firm, name = (
        text_of(fact(facts, f"decision.{prefix}law_firm")),
        text_of(fact(facts, f"decision.{prefix}lawyer_name")),
    )
    licence = text_of(fact(facts, f"decision.{prefix}lawyer_licence"))
    phone = text_of(fact(facts, f"decision.{prefix}lawyer_phone"))
    details = "，".join(
        x for x in (f"执业证号：{licence}" if licence else "", f"联系电话：{phone}" if phone else "") if x
    )
    return f"{firm}{name}律师" + (f"（{details}）" if details else "")


def _green(facts: dict) -> str:
    if not fact(facts, "decision.green_channel"):
        return ""
    return (
        "本案为农民工法律援助绿色通道案件，实行优先受理、优先审查、优先指派（《保障农民工工资支付条例》第四十五条）。"
    )


def _early(facts: dict) -> str:
    reason = EARLY_AID_REASONS.get(text_of(fact(facts, "decision.early_aid_reason")))
    if not fact(facts, "decision.early_aid") or not reason:
        return ""
    started = fact(facts, "decision.early_aid_on")
    done = f"本中心已于{numeric_date_of(facts, 'decision.early_aid_on')}先行提供法律援助。" if started else ""
    return (
        f"因{reason}，根据{LAW}第四十四条的规定，本中心可以先行提供法律援助。{done}"
        "受援人应当及时补办有关手续，补充有关材料。"
    )


def _missing(facts: dict, ctx: dict) -> list[dict]:
    missing = numbered([m for m in material_rows(facts, ctx["kind"]) if m["verdict"] not in RECEIVED])
    if not missing:
        raise ValueError(f"{ctx['kind']} letter: 'decision.materials' lists no missing or invalid material")
    for item in missing:
        item["note"] = item["note"] or "该材料为审查法律援助申请所需材料。"
    return missing


def build_receipt(facts: dict, ctx: dict) -> dict:
    due = f"（即{numeric_date_of(facts, 'decision.due_on')}前）" if fact(facts, "decision.due_on") else ""
    return {
        **ctx,
        "history": f"{_submitted(facts)}。本中心已收到你的申请及所附材料。",
        "time_limit": (
            f"根据{LAW}第四十三条的规定，本中心将自收到申请之日起七日内{due}进行审查，作出是否给予法律援助的决定。"
            "申请材料不齐全的，本中心将一次性告知需要补充的材料，补充材料期间不计入审查期限。"
        ),
        "green": _green(facts),
        "early": _early(facts),
        "access_code": text_of(facts["access_code"]),
        "tracking": "可凭受理编号和查询码在网上查询办理进度、补充材料。查询码请妥善保管，勿告知他人。",
    }


def build_supplement(facts: dict, ctx: dict) -> dict:
    deadline = numeric_date_of(facts, "decision.supplement_deadline")
    return {
        **ctx,
        "history": f"{_submitted(facts)}。经审查，你提交的申请材料不齐全。",
        "basis": f"根据{LAW}第四十三条第二款的规定，现一次性告知你需要补充的全部材料如下：",
        "missing": _missing(facts, ctx),
        "instruction": (
            f"请你于{deadline}前（含当日）将上述材料提交至本中心（{ctx['agency']['address']}），或者作出说明。"
        ),
        "consequence": "补充材料期间不计入审查期限。你未按要求补充材料或者作出说明的，视为撤回申请。",
    }


def build_withdrawn(facts: dict, ctx: dict) -> dict:
    notice = ""
    if fact(facts, "decision.supplement_notice_on"):
        number = text_of(fact(facts, "decision.supplement_notice_number"))
        notice = (
            f"本中心于{numeric_date_of(facts, 'decision.supplement_notice_on')}向你送达"
            f"《{kinds.KINDS['la_supplement'].title}》{f'（{number}）' if number else ''}，"
        )
    deadline = numeric_date_of(facts, "decision.supplement_deadline")
    return {
        **ctx,
        "history": f"{_submitted(facts)}。{notice}一次性告知你于{deadline}前补充下列材料：",
        "missing": _missing(facts, ctx),
        "facts_found": "截至补充期限届满，你未补充上述材料，也未作出说明。",
        "decision": f"根据{LAW}第四十三条第二款的规定，你的法律援助申请视为撤回。",
        "reapply": "你备齐申请材料后，可以重新向本中心申请法律援助。",
    }


def _eligibility(facts: dict) -> tuple[str, list[str]]:
    """Why the applicant qualifies: the matter's clause, and the hardship test or the clause lifting it."""
    matter, clause = MATTERS.get(fact(facts, "decision.matter_type") or "other", MATTERS["other"])
    bases = [clause] if clause else []
    reason = text_of(fact(facts, "decision.means_reason"))
    if reason.startswith("art32"):
        means = f"依照{LAW}{MEANS_CLAUSES[reason]}的规定，不受经济困难条件的限制"
        bases.append(MEANS_CLAUSES[reason])
    elif reason.startswith("art42"):
        status = STATUSES.get(text_of(fact(facts, "decision.applicant_status")), "免予核查人员")
        means = f"你属于{status}，依照{LAW}{MEANS_CLAUSES[reason]}的规定免予核查经济困难状况"
        bases.append(MEANS_CLAUSES[reason])
    else:
        income, threshold = fact(facts, "decision.per_capita_income"), fact(facts, "decision.hardship_threshold")
        means = (
            f"你的家庭人均月收入为{_yuan(income)}，未超过本地经济困难标准（人均月收入{_yuan(threshold)}），符合经济困难条件"
            if income is not None and threshold is not None
            else "你符合经济困难条件"
        )
        bases.append("第三十四条、第四十一条")
    # An Art. 32 matter is both the matter's clause and the reason the hardship condition does not apply: cite once.
    return f"经审查，你申请的事项属于{matter}，{means}。", list(dict.fromkeys(bases))


def build_grant(facts: dict, ctx: dict) -> dict:
    findings, bases = _eligibility(facts)
    aid_form = AID_FORMS.get(text_of(fact(facts, "decision.aid_form")), text_of(fact(facts, "decision.aid_form")))
    return {
        **ctx,
        "history": f"{_submitted(facts)}{_accepted(facts)}。",
        "facts_found": findings,
        "decision": (
            f"根据{LAW}{'、'.join(bases)}和第四十三条的规定，本中心于{numeric_date_of(facts, 'decision.decided_on')}"
            "决定给予你法律援助。"
        ),
        "aid": f"援助形式：{aid_form}；援助范围：{text_of(fact(facts, 'decision.aid_scope')).rstrip('。')}。",
        "appointment": (
            f"本中心已于{numeric_date_of(facts, 'decision.appointed_on')}指派{_lawyer(facts)}承办，承办律师将与你联系。"
        ),
        "notices": [
            x
            for x in (
                _green(facts),
                _early(facts),
                "法律援助人员不得向你收取任何财物（第四十六条）。你有权了解法律援助事项的办理情况；法律援助人员未依法"
                "履行职责的，你可以向司法行政部门投诉，并可以请求本中心更换法律援助人员（第五十五条）。你应当如实陈述"
                "与法律援助事项有关的情况，及时提供证据材料，协助、配合办理法律援助事项；出现第四十八条规定情形的，"
                "本中心将终止法律援助。",
            )
            if x
        ],
    }


def _client(party: dict) -> str:
    """The client as the law firm needs to reach them, in one phrase (the notice is addressed to the firm)."""
    details = [f"公民身份号码：{party['id_number']}"] + ([f"联系电话：{party['phone']}"] if party["phone"] else [])
    return f"{party['name']}（{'，'.join(details)}，现居住地址：{party['current_address']}）"


def build_appointment(facts: dict, ctx: dict) -> dict:
    aid_form = AID_FORMS.get(text_of(fact(facts, "decision.aid_form")), text_of(fact(facts, "decision.aid_form")))
    return {
        **ctx,
        "recipient": f"{text_of(fact(facts, 'decision.law_firm'))}：",
        "history": (
            f"申请人{_client(ctx['party'])}于{numeric_date_of(facts, 'case.received_on')}向本中心申请法律援助，"
            f"申请事项为{_matter(facts)}。本中心经审查，于{numeric_date_of(facts, 'decision.decided_on')}"
            "决定给予法律援助。"
        ),
        "decision": (
            f"根据{LAW}第十六条、第四十三条的规定，现指派你所{_lawyer(facts)}承办本案。"
            f"援助形式：{aid_form}；援助范围：{text_of(fact(facts, 'decision.aid_scope'))}。"
        ),
        "duties": [
            "请你所在收到本通知书后及时安排承办律师与受援人联系，签订委托协议，依法提供法律援助。",
            "承办律师不得向受援人收取任何财物，应当向受援人通报法律援助事项办理情况（第四十六条）；发现第四十八条"
            "规定情形的，应当及时向本中心报告。",
            "法律援助事项办理结束后，承办律师应当及时向本中心报告，提交有关法律文书的副本或者复印件、办理情况报告"
            "等材料（第五十条）。",
        ],
        "green": _green(facts) + ("请优先安排、尽快办理。" if fact(facts, "decision.green_channel") else ""),
        "early": _early(facts),
    }


def build_refusal(facts: dict, ctx: dict) -> dict:
    reasons = []
    ground = text_of(fact(facts, "decision.refusal_ground"))
    if ground in REFUSAL_GROUNDS:
        text, basis = REFUSAL_GROUNDS[ground]
        if ground == "no_hardship" and fact(facts, "decision.per_capita_income") is not None:
            text = (
                f"你的家庭人均月收入为{_yuan(fact(facts, 'decision.per_capita_income'))}，超过本地经济困难标准"
                f"（人均月收入{_yuan(fact(facts, 'decision.hardship_threshold'))}），{text}"
            )
        reasons.append({"text": text, "basis": basis})
    free_text = text_of(fact(facts, "decision.refusal_reasons")).strip()
    if free_text:
        reasons.append({"text": free_text.rstrip("。"), "basis": ""})
    if not reasons:
        raise ValueError("la_refusal letter: missing facts key 'decision.refusal_ground'")
    return {
        **ctx,
        "history": f"{_submitted(facts)}{_accepted(facts)}。",
        "reasons_intro": "经审查，你的申请存在下列情形：",
        "reasons": numbered(reasons),
        "decision": f"根据{LAW}第四十三条的规定，本中心决定不予法律援助。",
        "objection": _objection_route(facts),
    }


def build_termination(facts: dict, ctx: dict) -> dict:
    ground = text_of(fact(facts, "decision.termination_ground"))
    if ground not in TERMINATION_GROUNDS:
        raise ValueError(f"la_termination letter: unknown termination ground {ground!r}")
    clause, wording = TERMINATION_GROUNDS[ground]
    return {
        **ctx,
        "history": (
            f"{_submitted(facts)}。本中心于{numeric_date_of(facts, 'decision.decided_on')}决定给予你法律援助，"
            f"并指派{_lawyer(facts)}承办。"
        ),
        "facts_found": f"经查，{text_of(fact(facts, 'decision.termination_facts')).strip().rstrip('。')}。",
        "reason": f"上述情形属于{LAW}第四十八条第一款第{clause}项规定的“{wording}”。",
        "decision": (
            f"根据{LAW}第四十八条的规定，本中心决定终止对你的法律援助。本决定送达后，承办律师停止提供法律援助。"
        ),
        "objection": _objection_route(facts),
    }


def build_change_lawyer(facts: dict, ctx: dict) -> dict:
    return {
        **ctx,
        "history": (
            f"{_submitted(facts)}。本中心于{numeric_date_of(facts, 'decision.decided_on')}决定给予你法律援助，"
            f"原指派{_lawyer(facts, 'previous_')}承办。"
        ),
        "reason": f"因{text_of(fact(facts, 'decision.change_reason')).strip().rstrip('。')}，",
        "decision": (
            f"根据{LAW}第五十五条的规定，本中心决定更换承办本案的法律援助人员，"
            f"现改派{_lawyer(facts, 'new_')}承办，原承办律师应当做好交接。"
        ),
        "notice": "新承办律师将与你联系。法律援助人员不得向你收取任何财物（第四十六条）。",
    }


def build_objection_decision(facts: dict, ctx: dict) -> dict:
    centre = text_of(fact(facts, "decision.centre_name"))
    original = (
        f"《{text_of(fact(facts, 'decision.original_title'))}》（{text_of(fact(facts, 'decision.original_number'))}）"
    )
    upheld = fact(facts, "decision.objection_outcome") == "uphold"
    context = {
        **ctx,
        "history": (
            f"{_submitted(facts, centre=centre)}。"
            f"{centre}于{numeric_date_of(facts, 'decision.original_on')}作出{original}。"
            f"你对该决定有异议，于{numeric_date_of(facts, 'decision.objection_received_on')}向本机关提出。"
        ),
        "grounds": f"你提出的异议理由：{text_of(fact(facts, 'decision.objection_grounds')).strip().rstrip('。')}。",
        "facts_found": f"经审查，{text_of(fact(facts, 'decision.objection_reasons')).strip().rstrip('。')}。",
    }
    if upheld:
        context["decision"] = f"根据{LAW}第四十九条的规定，本机关决定维持{centre}作出的{original}。"
        context["remedy"] = remedy_clause(ctx["agency"])
    elif fact(facts, "decision.original_kind") == "la_termination":  # the aid goes on (bpmn: ev_aid_restored)
        context["decision"] = (
            f"根据{LAW}第四十九条的规定，本机关决定责令{centre}改正，撤销其作出的{original}，恢复对你的法律援助。"
        )
        context["remedy"] = f"{centre}将恢复对你提供法律援助，并将承办人员告知你。"
    else:
        context["decision"] = (
            f"根据{LAW}第四十九条的规定，本机关决定责令{centre}改正，对你的法律援助申请重新审查并作出决定。"
        )
        context["remedy"] = f"{centre}将重新作出决定并书面告知你。"
    return context


_KINDS = (
    # kind, title, 文号 series, facts keys beyond the common ones, builder, role
    ("la_receipt", "法律援助申请受理回执", "援受", ("access_code",), build_receipt, ""),
    (
        "la_supplement",
        "法律援助申请补充材料通知书",
        "援补",
        ("decision.materials", "decision.supplement_deadline"),
        build_supplement,
        "supplement",
    ),
    (
        "la_withdrawn",
        "视为撤回法律援助申请通知书",
        "援撤",
        ("decision.materials", "decision.supplement_deadline"),
        build_withdrawn,
        "",
    ),
    (
        "la_grant",
        "给予法律援助决定书",
        "援决",
        (
            "decision.decided_on",
            "decision.aid_form",
            "decision.aid_scope",
            "decision.law_firm",
            "decision.appointed_on",
        ),
        build_grant,
        "",
    ),
    (
        "la_appointment",
        "法律援助案件指派通知书",
        "援指",
        ("decision.decided_on", "decision.aid_form", "decision.aid_scope", "decision.law_firm", "decision.lawyer_name"),
        build_appointment,
        "",
    ),
    ("la_refusal", "不予法律援助决定书", "援不", ("decision.justice_bureau",), build_refusal, ""),
    (
        "la_termination",
        "终止法律援助决定书",
        "援终",
        ("decision.justice_bureau", "decision.termination_ground", "decision.termination_facts", "decision.decided_on"),
        build_termination,
        "",
    ),
    (
        "la_change_lawyer",
        "更换法律援助人员通知书",
        "援更",
        ("decision.decided_on", "decision.new_law_firm", "decision.new_lawyer_name", "decision.change_reason"),
        build_change_lawyer,
        "",
    ),
    (
        "la_objection_decision",
        "法律援助异议审查决定书",
        "援异",
        (
            "decision.centre_name",
            "decision.original_title",
            "decision.original_number",
            "decision.original_on",
            "decision.objection_outcome",
            "decision.objection_received_on",
            "decision.objection_grounds",
            "decision.objection_reasons",
            "agency.reconsideration_body",
            "agency.court",
        ),
        build_objection_decision,
        "",
    ),
)
for _kind, _title, _series, _keys, _builder, _role in _KINDS:
    kinds.register_kind(_kind, title=_title, series=_series, keys=_keys, builder=_builder, role=_role)
# Signed by the legal-aid centre whatever lane issues them; the objection decision is the justice bureau's.
CENTRE_KINDS = tuple(k for k, *_rest in _KINDS if k != "la_objection_decision")
