"""Wage-arrears complaint at labour inspection (欠薪投诉), rules.md §3.

Edit here, then:
    python tools/bpmn_layout.py wage_arrears        → bpmn/wage_arrears.bpmn
    python tools/process_wage_arrears.py            → bpmn/wa_*.dmn (the decision tables D-WA-1/3/4)
"""

import re

# Facts the decision tables read, computed once at intake (rules.md §3.4; 条例 Art. 20: two years from the
# violation, or from its end when it continues).
COMPUTE_FACTS = """within_2_years = add_years(violation_last_date, 2) >= received_on
workers_count = len(workers)
claimed_total = sum([w.get("amount_owed") for w in workers])
wants_legal_aid = len([w for w in workers if w.get("wants_legal_aid")]) > 0"""

# The one-time supplement notice went out and came back: what was missing is now there, so the table cannot
# send the complaint round the supplement path a second time (一次性告知).
SUPPLEMENT_DONE = """employer_identified = True
materials_complete = True"""

# Case registration (立案) the day the complaint is accepted; the 60-WD investigation period runs from it.
REGISTER = """registered_on = today()
investigation_due_on = after_working_days(60, registered_on)[:10]"""

ACCEPTANCE_INPUTS = """materials_complete = len(missing_materials(materials)) == 0"""

EXTEND = """investigation_due_on = after_working_days(90, registered_on)[:10]
extended = True"""

# The referral payload: the contract with legal aid (docs/wage-arrears.md). Only the workers who asked.
REFERRAL = """legal_aid_payload = {
    "workers": [
        {
            "applicant_name": w.get("name"),
            "id_number": w.get("id_number"),
            "phone": w.get("phone"),
            "current_address": w.get("current_address"),
            "community_code": community_code,
            "amount_claimed": w.get("amount_owed"),
            "months_owed": w.get("months_owed"),
        }
        for w in workers
        if w.get("wants_legal_aid")
    ],
    "matter_type": "wage_claim",
    "opponent_name": employer_name,
    "opponent_credit_code": employer_credit_code,
    "facts": facts,
    "source_case_number": case_number,
}"""

# Deadline for the employer's statement and defence: 3 working days from the notice (rules silent, [U]).
DEFENCE_DEADLINE = """defence_deadline = after_working_days(3)[:10]"""

# The employer's time to state its case on a proposed fine and to ask for a hearing: 5 working days from the notice
# (行政处罚法 Arts. 64, 85: "五日" in that law are working days).
PENALTY_DEADLINE = """penalty_defence_deadline = after_working_days(5)[:10]"""

# Inputs of D-WA-3 (crime) and D-WA-4 (blacklist): the arrears still unpaid after the order's deadline.
NON_PAYMENT_FACTS = """confirmed_total = sum([w.get("amount") for w in confirmed_workers])
unpaid_total = confirmed_total - (amount_paid_so_far or 0)
max_single_three_months = max([w.get("amount") for w in confirmed_workers if w.get("months") >= 3] + [0])
confirmed_count = len(confirmed_workers)
refusal_conduct = evasion or able_to_pay"""


def overdue_timer(due: str) -> dict:
    """The boundary timer at a task's due date ("3WD", "3CAL"): the same rule as the inbox row's due date."""
    number, kind = re.fullmatch(r"(\d+)(WD|CAL)", due).groups()
    return {"date": f"{'after_working_days' if kind == 'WD' else 'after_calendar_days'}({number})"}


def escalation(task: str, timer: dict, *, row: int, side: int = -1, name: str = "办理超时") -> tuple[list, list]:
    """Non-interrupting boundary timer on `task` → escalation event (priority up, supervisors told) → end."""
    host = next(e for e in ELEMENTS if e["id"] == task)
    x = host["x"] + 25 * side
    elements = [
        {
            "id": f"b_overdue_{task}",
            "kind": "boundary",
            "name": name,
            "en": "Overdue" if name == "办理超时" else None,
            "attached": task,
            "offset": 25 * side,
            "cancel": False,
            "timer": timer,
        },
        {
            "id": f"esc_{task}",
            "kind": "throw",
            "name": "超期督办",
            "en": "Escalated as overdue",
            "lane": host["lane"],
            "x": x,
            "y": row,
            "props": {"escalate": "overdue"},
        },
        {
            "id": f"end_esc_{task}",
            "kind": "end",
            "name": "已督办",
            "en": "Escalated",
            "lane": host["lane"],
            "x": x - 70,
            "y": row,
        },
    ]
    flows = [
        {"id": f"f_overdue_{task}", "from": f"b_overdue_{task}", "to": f"esc_{task}", "route": "v"},
        {"id": f"f_escalated_{task}", "from": f"esc_{task}", "to": f"end_esc_{task}", "route": ["l", "r"]},
    ]
    return elements, flows


def el(id_, kind, name, x, y, lane="labour_inspection", **extra):
    return {"id": id_, "kind": kind, "name": name, "lane": lane, "x": x, "y": y, **extra}


def user(id_, name, x, y, form, lane="labour_inspection", **props):
    return el(id_, "user", name, x, y, lane, props={"form": form, **props})


def throw(id_, name, x, y, lane="labour_inspection", **props):
    return el(id_, "throw", name, x, y, lane, props=props)


A, B, C, D, E = 100, 260, 470, 640, 820  # rows of the labour-inspection lane
G = 980  # the blacklist row, clear of the transfer row's escalations
F = 1100  # the fine (行政处罚) row, below the blacklist's
POLICE = 1290  # the police lane's row

ELEMENTS = [
    # ---- intake and acceptance (row A)
    el("start", "start", "收到欠薪投诉", 70, A, props={"form": "wa_complaint", "statutory": "5WD"}),
    throw("ev_received", "出具投诉登记回执", 140, A, status="received", letter="wa_receipt"),
    el("compute_facts", "script", "计算时效与人数", 250, A, script=COMPUTE_FACTS),
    user("check_materials", "受理审查", 380, A, "wa_acceptance", due="5WD"),
    el("acceptance_inputs", "script", "核对材料完整性", 510, A, script=ACCEPTANCE_INPUTS),
    el("decide_acceptance", "rule", "受理条件判定", 640, A, decision="wa_acceptance"),
    el("gw_acceptance", "xor", "受理？", 760, A, default="f_accept"),
    el("register", "script", "立案登记", 870, A, script=REGISTER),
    throw("ev_accepted", "受理并立案", 980, A, status="in_review", letter="wa_acceptance", action="register_case"),
    el("gw_aid", "xor", "需要法律援助？", 1080, A, default="f_no_aid"),
    el("build_referral", "script", "整理转介材料", 1080, 190, script=REFERRAL),
    el(
        "ev_refer_legal_aid",
        "throw",
        "转介法律援助（绿色通道）",
        1200,
        190,
        message={"name": "legal_aid_referral", "payload": "legal_aid_payload"},
    ),
    el("merge_aid", "xor", "", 1300, A),
    user("investigate", "立案调查", 1410, A, "wa_investigation", due_from="investigation_due_on"),
    el("gw_investigation", "xor", "调查结论", 1540, A, default="f_result"),
    user("approve_extension", "延期审批", 1540, 190, "wa_approval", due="3WD", role="supervisor"),
    el("gw_extension", "xor", "批准延期？", 1660, 190, default="f_extension_refused"),
    el("extend", "script", "计算延长后的期限", 1770, 190, script=EXTEND),
    throw("ev_extended", "书面告知延期", 1880, 190, letter="wa_extension_notice", action="extend_investigation"),
    el("merge_extension", "xor", "", 1980, 190),
    user("investigate_final", "完成调查", 1980, A, "wa_investigation_final", due_from="investigation_due_on"),
    el("merge_result", "xor", "", 2100, A),
    el("gw_result", "xor", "是否查实欠薪", 2200, A, default="f_confirmed"),
    throw("ev_no_arrears", "未查实，结案告知", 2320, 30, status="refused", letter="wa_closure"),
    el("end_no_arrears", "end", "未查实结案", 2420, 30),
    throw("ev_corrected", "调查期间已支付", 2320, 190, status="approved"),
    # ---- supplement and the other acceptance outcomes (row B)
    el("gw_not_accepted", "xor", "", 760, B, default="f_supplement"),
    throw("ev_supplement", "一次性补正告知", 870, B, status="awaiting_applicant", letter="wa_supplement"),
    user("record_supplement", "登记补正", 990, B, "wa_supplement", due_from="supplement_deadline"),
    el("gw_supplied", "xor", "按期补正？", 1110, B, default="f_supplied"),
    el("supplement_done", "script", "补正完成", 1110, 350, script=SUPPLEMENT_DONE),
    throw("ev_not_accepted", "不予受理", 300, 350, status="not_accepted", letter="wa_not_accepted"),
    el("end_not_accepted", "end", "不予受理结案", 200, 350),
    throw("ev_referred", "移送有管辖权的机构", 640, 350, status="referred", letter="wa_referral"),
    el("end_referred", "end", "移送结案", 560, 350),
    throw("ev_redirected", "告知申请仲裁或诉讼", 760, 350, status="referred", letter="wa_dispute_notice"),
    el("gw_aid_redirect", "xor", "需要法律援助？", 860, 350, default="f_no_aid_redirect"),
    el("build_referral_redirect", "script", "整理转介材料", 860, 420, script=REFERRAL),
    el(
        "ev_refer_legal_aid_redirect",
        "throw",
        "转介法律援助（绿色通道）",
        960,
        420,
        message={"name": "legal_aid_referral", "payload": "legal_aid_payload"},
    ),
    el("merge_aid_redirect", "xor", "", 1040, 350),
    el("end_redirected", "end", "告知结案", 1120, 420),
    # ---- statement and defence, order, payment (row C)
    el("defence_deadline", "script", "计算申辩期限", 2200, C, script=DEFENCE_DEADLINE),
    # The investigation's findings are made: the 60 (90) working days stop (条例 Art. 17); what follows is timed
    # by the order and the decisions themselves.
    throw("ev_defence_notice", "陈述申辩告知", 2080, C, letter="wa_defence_notice", action="investigation_done"),
    user("hear_defence", "听取陈述申辩", 1960, C, "wa_defence", due_from="defence_deadline"),
    user("decide_order", "作出限期改正指令", 1830, C, "wa_order", due="3WD"),
    throw("ev_order", "送达限期改正指令书", 1710, C, status="approved", letter="wa_order"),
    user("record_payment", "登记支付情况", 1590, C, "wa_payment", due_from="payment_deadline"),
    el("merge_paid", "xor", "", 1470, C),
    throw("ev_paid", "已足额支付，结案", 1370, C, status="closed", letter="wa_closure"),
    el("end_paid", "end", "支付结案", 1270, C),
    # ---- not paid: compensation, enforcement, crime, blacklist (rows D, E and the police lane)
    user("assess_non_payment", "逾期未支付核查", 1590, D, "wa_non_payment", due="5WD"),
    el("non_payment_facts", "script", "计算未付金额", 1470, D, script=NON_PAYMENT_FACTS),
    el("decide_crime", "rule", "涉嫌犯罪判定", 1350, D, decision="wa_crime_threshold"),
    el("decide_blacklist", "rule", "失信名单判定", 1230, D, decision="wa_blacklist"),
    el("defence_deadline_2", "script", "计算申辩期限", 1110, D, script=DEFENCE_DEADLINE),
    throw("ev_compensation_defence", "加付赔偿金陈述申辩告知", 1000, D, letter="wa_defence_notice"),
    user("hear_compensation_defence", "听取陈述申辩", 880, D, "wa_defence", due_from="defence_deadline"),
    user("decide_compensation", "加付赔偿金决定", 750, D, "wa_compensation", due="3WD"),
    throw("ev_compensation", "送达加付赔偿金决定书", 630, D, letter="wa_compensation"),
    el("split", "and", "", 520, D),
    user("apply_enforcement", "申请法院强制执行", 620, E - 70, "wa_enforcement"),
    el("gw_transfer", "xor", "涉嫌犯罪？", 520, E, default="f_no_transfer"),
    user("prepare_transfer", "移送报告", 640, E, "wa_transfer_report", due="3WD"),
    user("approve_transfer", "负责人审批移送", 770, E, "wa_approval", due="3CAL", role="supervisor"),
    el("gw_transfer_approved", "xor", "批准移送？", 890, E, default="f_transfer_refused"),
    throw("ev_transfer", "涉嫌犯罪案件移送书", 990, E, letter="wa_crime_transfer"),
    user("deliver_transfer", "移送公安机关", 1100, E, "wa_transfer_delivery", due="1CAL"),
    user("police_review", "公安机关立案审查", 1220, POLICE, "wa_police_decision", lane="police_bureau", due="3CAL"),
    el("merge_transfer", "xor", "", 1350, E),
    el("gw_blacklist", "xor", "列入失信名单？", 520, G, default="f_no_blacklist"),
    user("approve_blacklist", "负责人审批列入名单", 770, G, "wa_approval", due="5WD", role="supervisor"),
    el("gw_blacklist_approved", "xor", "批准列入？", 890, G, default="f_blacklist_refused"),
    throw("ev_blacklist", "列入失信联合惩戒名单", 1000, G, letter="wa_blacklist", action="record_blacklist"),
    el("merge_blacklist", "xor", "", 1350, G),
    # 条例 Art. 30(1)(三): ordered to correct and did not (or obstructed, or gave false evidence) → a fine of
    # 2,000–20,000 yuan, after the employer is told and heard (行政处罚法 Arts. 44, 45, 63, 64).
    el("gw_penalty", "xor", "行政处罚？", 520, F, default="f_no_penalty"),
    el("penalty_deadline", "script", "计算申辩、听证期限", 640, F, script=PENALTY_DEADLINE),
    throw("ev_penalty_notice", "行政处罚告知", 760, F, letter="wa_penalty_notice"),
    user(
        "hear_penalty_defence", "听取陈述申辩、听证", 880, F, "wa_penalty_defence", due_from="penalty_defence_deadline"
    ),
    user("decide_penalty", "作出行政处罚决定", 1010, F, "wa_penalty", due="3WD"),
    throw("ev_penalty", "送达行政处罚决定书", 1130, F, letter="wa_penalty", action="record_penalty"),
    el("merge_penalty", "xor", "", 1350, F),
    el("join", "and", "", 1470, E),
    throw("ev_closed", "执行完毕，结案", 1580, E, status="closed"),
    el("end_closed", "end", "结案", 1680, E),
]

FLOWS = [
    {"id": "f_start", "from": "start", "to": "ev_received"},
    {"id": "f_received", "from": "ev_received", "to": "compute_facts"},
    {"id": "f_facts", "from": "compute_facts", "to": "check_materials"},
    {"id": "f_checked", "from": "check_materials", "to": "acceptance_inputs"},
    {"id": "f_inputs", "from": "acceptance_inputs", "to": "decide_acceptance"},
    {"id": "f_decided", "from": "decide_acceptance", "to": "gw_acceptance"},
    {"id": "f_accept", "from": "gw_acceptance", "to": "register", "name": "受理"},
    {
        "id": "f_not_accept",
        "from": "gw_acceptance",
        "to": "gw_not_accepted",
        "route": "v",
        "name": "不受理/补正",
        "cond": 'acceptance != "accept"',
    },
    {"id": "f_supplement", "from": "gw_not_accepted", "to": "ev_supplement", "name": "补正"},
    {
        "id": "f_to_not_accepted",
        "from": "gw_not_accepted",
        "to": "ev_not_accepted",
        "route": ["b", "t", (760, 300), (300, 300)],
        "name": "超过两年",
        "cond": 'acceptance == "not_accepted"',
    },
    {
        "id": "f_to_referred",
        "from": "gw_not_accepted",
        "to": "ev_referred",
        "route": ["b", "t", (760, 300), (640, 300)],
        "name": "非本机关管辖",
        "cond": 'acceptance == "refer"',
    },
    {
        "id": "f_to_redirected",
        "from": "gw_not_accepted",
        "to": "ev_redirected",
        "route": "v",
        "name": "仲裁/诉讼",
        "cond": 'acceptance == "redirect"',
    },
    {"id": "f_notice", "from": "ev_supplement", "to": "record_supplement"},
    {"id": "f_recorded", "from": "record_supplement", "to": "gw_supplied"},
    {"id": "f_supplied", "from": "gw_supplied", "to": "supplement_done", "route": "v", "name": "已补正"},
    {
        "id": "f_again",
        "from": "supplement_done",
        "to": "decide_acceptance",
        "route": ["l", "b", (640, 350)],
        "name": "重新判定",
    },
    {
        "id": "f_not_supplied",
        "from": "gw_supplied",
        "to": "ev_not_accepted",
        "route": ["t", "t", (1110, 190), (1010, 190), (1010, 300), (330, 300)],
        "name": "逾期未补正",
        "cond": 'supplied == "not_supplied"',
    },
    {"id": "f_not_accepted_end", "from": "ev_not_accepted", "to": "end_not_accepted", "route": ["l", "r"]},
    {"id": "f_referred_end", "from": "ev_referred", "to": "end_referred", "route": ["l", "r"]},
    {"id": "f_redirected", "from": "ev_redirected", "to": "gw_aid_redirect"},
    {
        "id": "f_aid_redirect",
        "from": "gw_aid_redirect",
        "to": "build_referral_redirect",
        "route": "v",
        "name": "是",
        "cond": "wants_legal_aid",
    },
    {"id": "f_referral_redirect", "from": "build_referral_redirect", "to": "ev_refer_legal_aid_redirect"},
    {
        "id": "f_referred_redirect",
        "from": "ev_refer_legal_aid_redirect",
        "to": "merge_aid_redirect",
        "route": ["r", "b", (1040, 420)],
    },
    {"id": "f_no_aid_redirect", "from": "gw_aid_redirect", "to": "merge_aid_redirect", "name": "否"},
    {"id": "f_redirect_end", "from": "merge_aid_redirect", "to": "end_redirected", "route": ["r", "t", (1120, 350)]},
    {"id": "f_registered", "from": "register", "to": "ev_accepted"},
    {"id": "f_accepted", "from": "ev_accepted", "to": "gw_aid"},
    {"id": "f_aid", "from": "gw_aid", "to": "build_referral", "route": "v", "name": "是", "cond": "wants_legal_aid"},
    {"id": "f_referral", "from": "build_referral", "to": "ev_refer_legal_aid"},
    {"id": "f_referred_aid", "from": "ev_refer_legal_aid", "to": "merge_aid", "route": ["r", "b", (1300, 190)]},
    {"id": "f_no_aid", "from": "gw_aid", "to": "merge_aid", "name": "否"},
    {"id": "f_investigate", "from": "merge_aid", "to": "investigate"},
    {"id": "f_investigated", "from": "investigate", "to": "gw_investigation"},
    {"id": "f_result", "from": "gw_investigation", "to": "merge_result", "name": "有结论"},
    {
        "id": "f_extension",
        "from": "gw_investigation",
        "to": "approve_extension",
        "route": "v",
        "name": "需延期",
        "cond": 'result == "extension_needed"',
    },
    {"id": "f_extension_decided", "from": "approve_extension", "to": "gw_extension"},
    {
        "id": "f_extension_approved",
        "from": "gw_extension",
        "to": "extend",
        "name": "批准",
        "cond": 'decision == "approve"',
    },
    {"id": "f_extended", "from": "extend", "to": "ev_extended"},
    {"id": "f_extension_told", "from": "ev_extended", "to": "merge_extension"},
    {
        "id": "f_extension_refused",
        "from": "gw_extension",
        "to": "merge_extension",
        "route": ["b", "b", (1660, 240), (1980, 240)],
        "name": "不批准",
    },
    {"id": "f_final", "from": "merge_extension", "to": "investigate_final", "route": "v"},
    {"id": "f_final_done", "from": "investigate_final", "to": "merge_result"},
    {"id": "f_results", "from": "merge_result", "to": "gw_result"},
    {
        "id": "f_no_arrears",
        "from": "gw_result",
        "to": "ev_no_arrears",
        "route": "vh",
        "name": "未查实",
        "cond": 'result == "no_arrears"',
    },
    {"id": "f_no_arrears_end", "from": "ev_no_arrears", "to": "end_no_arrears"},
    {
        "id": "f_paid_early",
        "from": "gw_result",
        "to": "ev_corrected",
        "route": "vh",
        "name": "已支付",
        "cond": 'result == "paid"',
    },
    {"id": "f_corrected", "from": "ev_corrected", "to": "merge_paid", "route": ["b", "t", (2320, 400), (1470, 400)]},
    {
        "id": "f_confirmed",
        "from": "gw_result",
        "to": "defence_deadline",
        "route": ["r", "t", (2290, A), (2290, 420), (2200, 420)],
        "name": "查实欠薪",
    },
    {"id": "f_defence_deadline", "from": "defence_deadline", "to": "ev_defence_notice", "route": ["l", "r"]},
    {"id": "f_defence_notice", "from": "ev_defence_notice", "to": "hear_defence", "route": ["l", "r"]},
    {"id": "f_defence_heard", "from": "hear_defence", "to": "decide_order", "route": ["l", "r"]},
    {"id": "f_order_decided", "from": "decide_order", "to": "ev_order", "route": ["l", "r"]},
    {"id": "f_order_served", "from": "ev_order", "to": "record_payment", "route": ["l", "r"]},
    {"id": "f_paid", "from": "record_payment", "to": "merge_paid", "route": ["l", "r"]},
    {"id": "f_paid_close", "from": "merge_paid", "to": "ev_paid", "route": ["l", "r"]},
    {"id": "f_paid_end", "from": "ev_paid", "to": "end_paid", "route": ["l", "r"]},
    {
        "id": "f_payment_expired",
        "from": "b_payment_deadline",
        "to": "assess_non_payment",
        "route": "v",
        "name": "期满未支付",
    },
    {"id": "f_assessed", "from": "assess_non_payment", "to": "non_payment_facts", "route": ["l", "r"]},
    {"id": "f_non_payment_facts", "from": "non_payment_facts", "to": "decide_crime", "route": ["l", "r"]},
    {"id": "f_crime_decided", "from": "decide_crime", "to": "decide_blacklist", "route": ["l", "r"]},
    {"id": "f_blacklist_decided", "from": "decide_blacklist", "to": "defence_deadline_2", "route": ["l", "r"]},
    {"id": "f_defence_deadline_2", "from": "defence_deadline_2", "to": "ev_compensation_defence", "route": ["l", "r"]},
    {
        "id": "f_compensation_notice",
        "from": "ev_compensation_defence",
        "to": "hear_compensation_defence",
        "route": ["l", "r"],
    },
    {
        "id": "f_compensation_heard",
        "from": "hear_compensation_defence",
        "to": "decide_compensation",
        "route": ["l", "r"],
    },
    {"id": "f_compensation_decided", "from": "decide_compensation", "to": "ev_compensation", "route": ["l", "r"]},
    {"id": "f_compensation_served", "from": "ev_compensation", "to": "split", "route": ["l", "r"]},
    {"id": "f_to_enforcement", "from": "split", "to": "apply_enforcement", "route": ["b", "l", (520, E - 70)]},
    {"id": "f_to_transfer", "from": "split", "to": "gw_transfer", "route": "v"},
    {"id": "f_to_blacklist", "from": "split", "to": "gw_blacklist", "route": ["l", "l", (460, D), (460, G)]},
    {"id": "f_enforced", "from": "apply_enforcement", "to": "join", "route": ["r", "t", (1470, E - 70)]},
    {
        "id": "f_transfer",
        "from": "gw_transfer",
        "to": "prepare_transfer",
        "name": "涉嫌犯罪",
        "cond": "crime_suspected",
    },
    {
        "id": "f_no_transfer",
        "from": "gw_transfer",
        "to": "merge_transfer",
        "route": ["b", "b", (520, 925), (1350, 925)],
        "name": "未达标准",
    },
    {"id": "f_reported", "from": "prepare_transfer", "to": "approve_transfer"},
    {"id": "f_transfer_decided", "from": "approve_transfer", "to": "gw_transfer_approved"},
    {
        "id": "f_transfer_approved",
        "from": "gw_transfer_approved",
        "to": "ev_transfer",
        "name": "批准",
        "cond": 'decision == "approve"',
    },
    {
        "id": "f_transfer_refused",
        "from": "gw_transfer_approved",
        "to": "merge_transfer",
        "route": ["t", "t", (890, 760), (1350, 760)],
        "name": "不批准",
    },
    {"id": "f_transfer_letter", "from": "ev_transfer", "to": "deliver_transfer"},
    {"id": "f_delivered", "from": "deliver_transfer", "to": "police_review", "route": "vh"},
    {"id": "f_police_decided", "from": "police_review", "to": "merge_transfer", "route": ["r", "b", (1350, POLICE)]},
    {"id": "f_transfer_done", "from": "merge_transfer", "to": "join"},
    {
        "id": "f_blacklist",
        "from": "gw_blacklist",
        "to": "approve_blacklist",
        "name": "符合条件",
        "cond": "list_recommended",
    },
    {
        "id": "f_no_blacklist",
        "from": "gw_blacklist",
        "to": "merge_blacklist",
        "route": ["b", "b", (520, G + 70), (1350, G + 70)],
        "name": "不符合",
    },
    {"id": "f_blacklist_approval", "from": "approve_blacklist", "to": "gw_blacklist_approved"},
    {
        "id": "f_blacklist_approved",
        "from": "gw_blacklist_approved",
        "to": "ev_blacklist",
        "name": "批准",
        "cond": 'decision == "approve"',
    },
    {
        "id": "f_blacklist_refused",
        "from": "gw_blacklist_approved",
        "to": "merge_blacklist",
        "route": ["t", "t", (890, G - 35), (1350, G - 35)],
        "name": "不批准",
    },
    {"id": "f_listed", "from": "ev_blacklist", "to": "merge_blacklist"},
    {"id": "f_blacklist_done", "from": "merge_blacklist", "to": "join", "route": ["r", "b", (1470, G)]},
    {"id": "f_to_penalty", "from": "split", "to": "gw_penalty", "route": ["l", "l", (440, D), (440, F)]},
    {
        "id": "f_penalty",
        "from": "gw_penalty",
        "to": "penalty_deadline",
        "name": "拟处罚款",
        "cond": 'penalty_ground != "none"',
    },
    {"id": "f_penalty_deadline", "from": "penalty_deadline", "to": "ev_penalty_notice"},
    {"id": "f_penalty_notice", "from": "ev_penalty_notice", "to": "hear_penalty_defence"},
    {"id": "f_penalty_heard", "from": "hear_penalty_defence", "to": "decide_penalty"},
    {"id": "f_penalty_decided", "from": "decide_penalty", "to": "ev_penalty"},
    {"id": "f_penalty_served", "from": "ev_penalty", "to": "merge_penalty"},
    {
        "id": "f_no_penalty",
        "from": "gw_penalty",
        "to": "merge_penalty",
        "route": ["b", "b", (520, F + 98), (1350, F + 98)],
        "name": "不处罚",
    },
    {"id": "f_penalty_done", "from": "merge_penalty", "to": "join", "route": ["r", "b", (1470, F)]},
    {"id": "f_joined", "from": "join", "to": "ev_closed"},
    {"id": "f_closed_end", "from": "ev_closed", "to": "end_closed"},
]

# The payment deadline in the order closes the "record payment" task by itself (interrupting): the case moves
# on to non-payment (条例 Art. 26; SPC 2013 Art. 4: ordered and unpaid by the deadline).
_RECORD_PAYMENT = next(e for e in ELEMENTS if e["id"] == "record_payment")
ELEMENTS.append(
    {
        "id": "b_payment_deadline",
        "kind": "boundary",
        "name": "支付期限届满",
        "attached": "record_payment",
        "offset": 0,
        "cancel": True,
        "timer": {"date": f"end_of_day({_RECORD_PAYMENT['props']['due_from']})"},
    }
)
# The supplement deadline closes the case as not accepted by itself, as in the residence permit.
ELEMENTS.append(
    {
        "id": "b_supplement_deadline",
        "kind": "boundary",
        "name": "补正期满",
        "attached": "record_supplement",
        "offset": 25,
        "cancel": True,
        "timer": {"date": "end_of_day(supplement_deadline)"},
    }
)
FLOWS.append(
    {
        "id": "f_supplement_expired",
        "from": "b_supplement_deadline",
        "to": "ev_not_accepted",
        "route": ["b", "t", (1015, 300), (330, 300)],
        "name": "期满未补正",
    }
)
# Overdue escalation: every task with a due rule, and the two investigation tasks at their (moving) due date.
_ESCALATIONS = [
    ("check_materials", overdue_timer("5WD"), 175, -1),
    ("investigate", {"date": "end_of_day(investigation_due_on)"}, 175, 1),
    ("investigate_final", {"date": "end_of_day(investigation_due_on)"}, 30, 1),
    ("approve_extension", overdue_timer("3WD"), 300, -1),
    ("decide_order", overdue_timer("3WD"), 560, -1),
    ("assess_non_payment", overdue_timer("5WD"), 720, 1),
    ("decide_compensation", overdue_timer("3WD"), 720, 1),  # right of it: clear of the enforcement task
    ("prepare_transfer", overdue_timer("3WD"), 890, 1),
    ("approve_transfer", overdue_timer("3CAL"), 890, 1),
    # Decree 310: the approved transfer reaches the police within 24 hours.
    ("deliver_transfer", {"duration": '"PT24H"'}, 890, 1),
    ("police_review", overdue_timer("3CAL"), POLICE + 80, -1),
    ("approve_blacklist", overdue_timer("5WD"), G + 45, 1),
    ("decide_penalty", overdue_timer("3WD"), F + 70, 1),
]
for _task, _timer, _row, _side in _ESCALATIONS:
    _elements, _flows = escalation(_task, _timer, row=_row, side=_side)
    ELEMENTS.extend(_elements)
    FLOWS.extend(_flows)

PROCESS = {
    "id": "wage_arrears",
    "name": "欠薪投诉处理",
    "width": 2500,
    "lanes": [
        {"key": "labour_inspection", "name": "劳动保障监察机构", "height": F + 120},
        {"key": "police_bureau", "name": "公安机关", "height": 200},
    ],
    "elements": ELEMENTS,
    "flows": FLOWS,
}

X_SHIFT = 40  # right of the lanes' name band
for _element in ELEMENTS:
    if "x" in _element:
        _element["x"] += X_SHIFT
for _flow in FLOWS:
    if isinstance(_flow.get("route"), list):
        _flow["route"] = _flow["route"][:2] + [(px + X_SHIFT, py) for px, py in _flow["route"][2:]]


def write_decision_tables() -> None:
    """D-WA-1 acceptance, D-WA-3 criminal threshold, D-WA-4 blacklist (rules.md §3.4)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from dmn_table import table

    bpmn = Path(__file__).resolve().parent.parent / "bpmn"
    first = "SpiffWorkflow's UNIQUE policy returns the first matching rule, i.e. it behaves as FIRST."
    (bpmn / "wa_acceptance.dmn").write_text(
        table(
            "wa_acceptance",
            "D-WA-1 投诉受理（劳动保障监察若干规定第十八条、条例第二十条、第二十一条）",
            [
                ("已进入仲裁或诉讼", "in_dispute_procedure", "boolean"),
                ("两年内", "within_2_years", "boolean"),
                ("用人单位明确", "employer_identified", "boolean"),
                ("材料齐全", "materials_complete", "boolean"),
                ("属监察职责", "in_inspection_scope", "boolean"),
                ("属本机关管辖", "in_our_jurisdiction", "boolean"),
            ],
            [("受理结论", "acceptance", "string"), ("原因", "acceptance_reason", "string")],
            [
                (
                    ["True", "", "", "", "", ""],
                    ['"redirect"', '"in_dispute_procedure"'],
                    "已进入劳动争议程序：告知按仲裁或诉讼程序处理",
                ),
                (["", "False", "", "", "", ""], ['"not_accepted"', '"beyond_two_years"'], "违法行为超过两年：不予受理"),
                (
                    ["", "", "False", "", "", ""],
                    ['"supplement"', '"employer_not_identified"'],
                    "用人单位不明确：一次性告知补正",
                ),
                (["", "", "", "False", "", ""], ['"supplement"', '"materials_incomplete"'], "材料不全：一次性告知补正"),
                (["", "", "", "", "False", ""], ['"redirect"', '"not_in_scope"'], "不属于监察职责：告知申请仲裁或诉讼"),
                (
                    ["", "", "", "", "", "False"],
                    ['"refer"', '"other_jurisdiction"'],
                    "不属本机关管辖：告知并移送有管辖权的机构",
                ),
                (["", "", "", "", "", ""], ['"accept"', '""'], "符合受理条件：受理并于当日立案"),
            ],
            note=first,
        ),
        encoding="utf-8",
    )
    (bpmn / "wa_crime_threshold.dmn").write_text(
        table(
            "wa_crime_threshold",
            "D-WA-3 拒不支付劳动报酬罪移送标准（法释〔2013〕3号第二至四条；数额为本省标准，可配置）",
            [
                ("逃避支付或有能力而不支付", "refusal_conduct", "boolean"),
                ("单人拖欠三个月以上的最高金额", "max_single_three_months", "number"),
                ("拖欠人数", "confirmed_count", "integer"),
                ("未付总额", "unpaid_total", "number"),
            ],
            [
                ("达到数额较大标准", "over_threshold", "boolean"),
                ("涉嫌犯罪", "crime_suspected", "boolean"),
                ("依据", "crime_reason", "string"),
            ],
            [
                (
                    ["True", ">= 10000", "", ""],
                    ["True", "True", '"single_worker_threshold"'],
                    "一名劳动者三个月以上工资，数额达到本省标准",
                ),
                (
                    ["True", "", ">= 10", ">= 50000"],
                    ["True", "True", '"group_threshold"'],
                    "十名以上劳动者工资，数额达到本省标准",
                ),
                (
                    ["False", ">= 10000", "", ""],
                    ["True", "False", '"no_refusal_conduct"'],
                    "数额达到标准，但无逃避或拒不支付行为",
                ),
                (
                    ["False", "", ">= 10", ">= 50000"],
                    ["True", "False", '"no_refusal_conduct"'],
                    "数额达到标准，但无逃避或拒不支付行为",
                ),
                (["", "", "", ""], ["False", "False", '"below_threshold"'], "未达到数额较大标准"),
            ],
            note=first + " Thresholds: Zhejiang's figures are not confirmed in rules.md (§3.4, [U]); set them here.",
        ),
        encoding="utf-8",
    )
    (bpmn / "wa_blacklist.dmn").write_text(
        table(
            "wa_blacklist",
            "D-WA-4 拖欠农民工工资失信联合惩戒名单（人社部令第45号）",
            [("数额达到犯罪标准", "over_threshold", "boolean"), ("引发群体性或极端事件", "mass_incident", "boolean")],
            [("建议列入", "list_recommended", "boolean"), ("依据", "blacklist_reason", "string")],
            [
                (["True", ""], ["True", '"arrears_over_threshold"'], "限期未支付且数额达到犯罪数额标准"),
                (["", "True"], ["True", '"mass_incident"'], "限期未支付且引发群体性事件、极端事件造成严重不良社会影响"),
                (["", ""], ["False", '"not_listed"'], "不符合列入条件"),
            ],
            note=first,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    write_decision_tables()
    print("wrote bpmn/wa_acceptance.dmn, bpmn/wa_crime_threshold.dmn, bpmn/wa_blacklist.dmn")

# English names of the steps people see (inbox, task and case pages, timeline, the applicant's progress page): the
# Chinese `name` stays the element's name; app pages pick by language (docs/i18n.md).
PROCESS["english"] = {
    "check_materials": "Acceptance review",
    "investigate": "Investigation",
    "approve_extension": "Approval of an extension",
    "investigate_final": "Completion of the investigation",
    "record_supplement": "Record of supplements",
    "hear_defence": "Statement and defence",
    "decide_order": "Order to pay within a time limit",
    "record_payment": "Record of payment",
    "assess_non_payment": "Check of non-payment by the deadline",
    "hear_compensation_defence": "Statement and defence on compensation",
    "decide_compensation": "Additional compensation decision",
    "apply_enforcement": "Application to the court for enforcement",
    "prepare_transfer": "Report for criminal transfer",
    "approve_transfer": "Approval of the transfer by the head",
    "deliver_transfer": "Delivery to the police",
    "police_review": "Police decision on opening a case",
    "approve_blacklist": "Approval of the listing by the head",
    "hear_penalty_defence": "Statement, defence and hearing on the fine",
    "decide_penalty": "Fine decision",
    "b_payment_deadline": "Payment deadline passed",
    "b_supplement_deadline": "Supplement period ended",
    # The diagram's other labels (docs/i18n.md): the process, lanes, events, gateways, automatic tasks, branches.
    "wage_arrears": "Handling of wage-arrears complaints",
    "lane_labour_inspection": "Labour inspection authority",
    "lane_police_bureau": "Police",
    "start": "Wage-arrears complaint received",
    "ev_received": "Complaint receipt issued",
    "compute_facts": "Time limit and number of workers",
    "acceptance_inputs": "Completeness check of materials",
    "decide_acceptance": "Determination of acceptance",
    "gw_acceptance": "Accept?",
    "register": "Case registration",
    "ev_accepted": "Accepted and case opened",
    "gw_aid": "Legal aid needed?",
    "build_referral": "Preparation of referral file",
    "ev_refer_legal_aid": "Legal aid referral (green channel)",
    "gw_investigation": "Investigation outcome",
    "gw_extension": "Extension approved?",
    "extend": "Calculation of extended deadline",
    "ev_extended": "Extension notified in writing",
    "gw_result": "Arrears established?",
    "ev_no_arrears": "Not established, closure notice",
    "end_no_arrears": "Closed as not established",
    "ev_corrected": "Paid during investigation",
    "ev_supplement": "One-time notice of missing materials",
    "gw_supplied": "Supplemented in time?",
    "supplement_done": "Supplement completed",
    "ev_not_accepted": "Not accepted",
    "end_not_accepted": "Closed as not accepted",
    "ev_referred": "Referred to competent authority",
    "end_referred": "Closed as referred",
    "ev_redirected": "Arbitration or lawsuit advised",
    "gw_aid_redirect": "Legal aid needed?",
    "build_referral_redirect": "Preparation of referral file",
    "ev_refer_legal_aid_redirect": "Legal aid referral (green channel)",
    "end_redirected": "Closed after notice",
    "defence_deadline": "Calculation of defence deadline",
    "ev_defence_notice": "Statement and defence notice",
    "ev_order": "Order to pay served",
    "ev_paid": "Paid in full, case closed",
    "end_paid": "Closed as paid",
    "non_payment_facts": "Calculation of unpaid amount",
    "decide_crime": "Determination of suspected crime",
    "decide_blacklist": "Determination of sanctions listing",
    "defence_deadline_2": "Calculation of defence deadline",
    "ev_compensation_defence": "Compensation: defence notice",
    "ev_compensation": "Compensation decision served",
    "gw_transfer": "Crime suspected?",
    "gw_transfer_approved": "Transfer approved?",
    "ev_transfer": "Criminal case transfer letter",
    "gw_blacklist": "Put on sanctions list?",
    "gw_blacklist_approved": "Listing approved?",
    "ev_blacklist": "Placed on joint sanctions list",
    "gw_penalty": "Administrative penalty?",
    "penalty_deadline": "Deadlines for defence and hearing",
    "ev_penalty_notice": "Notice of intended penalty",
    "ev_penalty": "Penalty decision served",
    "ev_closed": "Completed, case closed",
    "end_closed": "Case closed",
    "f_accept": "Accept",
    "f_not_accept": "Reject/supplement",
    "f_supplement": "Supplement",
    "f_to_not_accepted": "Over two years",
    "f_to_referred": "Other authority",
    "f_to_redirected": "Arbitration/court",
    "f_supplied": "Supplemented",
    "f_again": "Decide again",
    "f_not_supplied": "Not supplemented",
    "f_aid_redirect": "Yes",
    "f_no_aid_redirect": "No",
    "f_aid": "Yes",
    "f_no_aid": "No",
    "f_result": "Concluded",
    "f_extension": "Extension needed",
    "f_extension_approved": "Approved",
    "f_extension_refused": "Not approved",
    "f_no_arrears": "Not established",
    "f_paid_early": "Paid",
    "f_confirmed": "Established",
    "f_payment_expired": "Not paid in time",
    "f_transfer": "Crime suspected",
    "f_no_transfer": "Below threshold",
    "f_transfer_approved": "Approved",
    "f_transfer_refused": "Not approved",
    "f_blacklist": "Conditions met",
    "f_no_blacklist": "Not met",
    "f_blacklist_approved": "Approved",
    "f_blacklist_refused": "Not approved",
    "f_penalty": "Fine proposed",
    "f_no_penalty": "No penalty",
    "f_supplement_expired": "Period expired",
}
