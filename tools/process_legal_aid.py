"""Legal aid (法律援助), rules.md §2, with the green channel for migrant workers (§2.7).

Edit here, then: python tools/bpmn_layout.py legal_aid   (DMN tables: python tools/la_dmn.py)
"""

import re

# Art. 44: fewer than 7 days left before a limitation period or filing deadline ends (ISO dates compare as text).
COMPUTE_FACTS = (
    """limitation_close = not is_missing(limitation_deadline) and limitation_deadline < add_days(received_on, 7)"""
)

# The green channel (§2.7): a referral says so, or the means-route table finds a migrant worker's wage or
# work-injury claim. Every task of the case is then first in its inbox (`priority`, app/inbox) and the
# materials check targets the same day (0WD: today, or the next working day when today is a rest day).
SET_CHANNEL = """green_channel = green_channel or green_rule
priority = 1 if green_channel else 0
green_due_on = after_working_days(0)[:10] if green_channel else None"""

# The means test (Art. 41, D-LA-2): monthly household income per head against the provincial threshold.
COMPUTE_MEANS = """per_capita_income = round(monthly_household_income / household_size, 2)
hardship_ok = per_capita_income <= hardship_threshold"""


def overdue_timer(due: str) -> dict:
    """The boundary timer of a task with `due` ("1WD", "3CAL"): the same rule as the inbox row's due date."""
    number, kind = re.fullmatch(r"(\d+)(WD|CAL)", due).groups()
    function = "after_working_days" if kind == "WD" else "after_calendar_days"
    return {"date": f"{function}({number})"}


def escalation(task: str, *, below: int, side: int = -1, timer: dict | None = None) -> tuple[list[dict], list[dict]]:
    """Non-interrupting overdue timer on `task` → escalation event (priority up, supervisor told) → end."""
    host = next(e for e in ELEMENTS if e["id"] == task)
    x = host["x"] + 25 * side
    elements = [
        {
            "id": f"b_overdue_{task}",
            "kind": "boundary",
            "name": "办理超时",
            "en": "Overdue",
            "attached": task,
            "offset": 25 * side,
            "cancel": False,
            "timer": timer or overdue_timer(host["props"]["due"]),
        },
        {
            "id": f"esc_{task}",
            "kind": "throw",
            "name": "超期督办",
            "en": "Escalated as overdue",
            "lane": host["lane"],
            "x": x,
            "y": below,
            "props": {"escalate": "overdue"},
        },
        {
            "id": f"end_esc_{task}",
            "kind": "end",
            "name": "已督办",
            "en": "Escalated",
            "lane": host["lane"],
            "x": x + 70 * side,
            "y": below,
        },
    ]
    flows = [
        {"id": f"f_overdue_{task}", "from": f"b_overdue_{task}", "to": f"esc_{task}", "route": "v"},
        {"id": f"f_escalated_{task}", "from": f"esc_{task}", "to": f"end_esc_{task}", "route": ["l", "r"]},
    ]
    if side > 0:
        flows[1]["route"] = ["r", "l"]
    return elements, flows


C, J = "legal_aid_centre", "justice_bureau"
ELEMENTS = [
    {
        "id": "start",
        "kind": "start",
        "name": "收到法律援助申请",
        "lane": C,
        "x": 70,
        "y": 80,
        # Art. 43: decide within 7 days of receiving the application ("七日": calendar days, rest-day rollover).
        "props": {"form": "la_application", "statutory": "7CAL"},
    },
    {
        "id": "ev_received",
        "kind": "throw",
        "name": "登记申请，出具回执",
        "lane": C,
        "x": 140,
        "y": 80,
        "props": {"status": "received", "letter": "la_receipt"},
    },
    {
        "id": "compute_facts",
        "kind": "script",
        "name": "计算时效余期",
        "lane": C,
        "x": 240,
        "y": 80,
        "script": COMPUTE_FACTS,
    },
    {
        "id": "decide_scope",
        "kind": "rule",
        "name": "援助事项范围判定",
        "lane": C,
        "x": 360,
        "y": 80,
        "decision": "la_scope",
    },
    {
        "id": "decide_means",
        "kind": "rule",
        "name": "经济困难审查路径判定",
        "lane": C,
        "x": 480,
        "y": 80,
        "decision": "la_means_route",
    },
    {
        "id": "decide_early_aid",
        "kind": "rule",
        "name": "先行援助判定",
        "lane": C,
        "x": 600,
        "y": 80,
        "decision": "la_early_aid",
    },
    {
        "id": "set_channel",
        "kind": "script",
        "name": "绿色通道标记",
        "lane": C,
        "x": 720,
        "y": 80,
        "script": SET_CHANNEL,
    },
    {
        "id": "ev_flags",
        "kind": "throw",
        "name": "记录绿色通道与紧急情形",
        "lane": C,
        "x": 820,
        "y": 80,
        "props": {"action": "record_intake_flags"},
    },
    {"id": "gw_early", "kind": "xor", "name": "需先行援助？", "lane": C, "x": 900, "y": 80, "default": "f_not_urgent"},
    {
        "id": "early_aid",
        "kind": "user",
        "name": "先行提供法律援助",
        "lane": C,
        "x": 1000,
        "y": 250,
        "props": {"form": "la_early_aid", "due": "0WD"},
    },
    {
        "id": "check_materials",
        "kind": "user",
        "name": "材料审查",
        "lane": C,
        "x": 1110,
        "y": 80,
        # Green channel: due the same day (green_due_on); otherwise one working day.
        "props": {"form": "la_materials", "due": "1WD", "due_from": "green_due_on"},
    },
    {"id": "gw_materials", "kind": "xor", "name": "材料齐全？", "lane": C, "x": 1220, "y": 80, "default": "f_mat_ok"},
    {
        "id": "ev_supplement",
        "kind": "throw",
        "name": "一次性告知补充材料",
        "lane": C,
        "x": 1220,
        "y": 250,
        "props": {"status": "awaiting_applicant", "letter": "la_supplement"},
    },
    {
        "id": "record_supplement",
        "kind": "user",
        "name": "登记补充材料",
        "lane": C,
        "x": 1330,
        "y": 250,
        "props": {"form": "la_supplement", "due_from": "supplement_deadline"},
    },
    {"id": "gw_supplied", "kind": "xor", "name": "按期补充？", "lane": C, "x": 1440, "y": 250, "default": "f_supplied"},
    {
        "id": "ev_withdrawn",
        "kind": "throw",
        "name": "视为撤回申请",
        "lane": C,
        "x": 1440,
        "y": 380,
        "label_at": (1460, 400),
        "props": {"status": "withdrawn", "letter": "la_withdrawn"},
    },
    {"id": "end_withdrawn", "kind": "end", "name": "撤回结案", "lane": C, "x": 1360, "y": 380},
    {
        "id": "ev_accepted",
        "kind": "throw",
        "name": "受理，进入审查",
        "lane": C,
        "x": 1440,
        "y": 80,
        "props": {"status": "in_review"},
    },
    {"id": "gw_scope", "kind": "xor", "name": "属于援助范围？", "lane": C, "x": 1540, "y": 80, "default": "f_in_scope"},
    {
        "id": "gw_means",
        "kind": "xor",
        "name": "需经济困难审查？",
        "lane": C,
        "x": 1640,
        "y": 80,
        "default": "f_no_means",
    },
    {"id": "gw_green", "kind": "xor", "name": "绿色通道？", "lane": C, "x": 1740, "y": 80, "default": "f_normal"},
    {
        "id": "means_test",
        "kind": "user",
        "name": "经济困难审查",
        "lane": C,
        "x": 1640,
        "y": 380,
        "props": {"form": "la_means", "due": "2WD"},
    },
    {
        "id": "decide_threshold",
        "kind": "rule",
        "name": "经济困难标准",
        "lane": C,
        "x": 1760,
        "y": 380,
        "decision": "la_means_threshold",
    },
    {
        "id": "compute_means",
        "kind": "script",
        "name": "核算人均收入",
        "lane": C,
        "x": 1880,
        "y": 380,
        "script": COMPUTE_MEANS,
    },
    {"id": "gw_hardship", "kind": "xor", "name": "经济困难？", "lane": C, "x": 2000, "y": 380, "default": "f_hardship"},
    {
        "id": "decide_green",
        "kind": "user",
        "name": "绿色通道：当日审查决定",
        "lane": C,
        "x": 2000,
        "y": 80,
        "props": {"form": "la_decision", "due": "0WD"},
    },
    {
        "id": "decide",
        "kind": "user",
        "name": "审查决定",
        "lane": C,
        "x": 2000,
        "y": 250,
        "props": {"form": "la_decision", "due": "2WD"},
    },
    {"id": "gw_decision", "kind": "xor", "name": "决定", "lane": C, "x": 2120, "y": 165, "default": "f_grant"},
    {
        "id": "ev_refused",
        "kind": "throw",
        "name": "不予法律援助",
        "lane": C,
        "x": 2240,
        "y": 560,
        "props": {"status": "refused", "letter": "la_refusal", "action": "decision_made"},
    },
    {
        "id": "ev_granted",
        "kind": "throw",
        "name": "给予法律援助",
        "lane": C,
        "x": 2230,
        "y": 165,
        "props": {"status": "approved", "action": "record_grant"},
    },
    {"id": "gw_appoint", "kind": "xor", "name": "绿色通道？", "lane": C, "x": 2320, "y": 165, "default": "f_appoint"},
    {
        "id": "appoint_green",
        "kind": "user",
        "name": "绿色通道：当日指派",
        "lane": C,
        "x": 2440,
        "y": 80,
        "props": {"form": "la_appointment", "due": "0WD"},
    },
    {
        "id": "appoint",
        "kind": "user",
        "name": "指派律师",
        "lane": C,
        "x": 2440,
        "y": 250,
        # Art. 43: appoint within 3 days of the decision.
        "props": {"form": "la_appointment", "due": "3CAL"},
    },
    {
        "id": "ev_grant_letter",
        "kind": "throw",
        "name": "送达给予援助决定书",
        "lane": C,
        "x": 2620,
        "y": 165,
        "props": {"letter": "la_grant", "action": "record_appointment"},
    },
    {
        "id": "ev_appointment",
        "kind": "throw",
        "name": "发出指派通知书",
        "lane": C,
        "x": 2700,
        "y": 165,
        "props": {"letter": "la_appointment"},
    },
    {
        "id": "conduct",
        "kind": "user",
        "name": "办理与结案",
        "lane": C,
        "x": 2820,
        "y": 165,
        "props": {"form": "la_conduct"},
    },
    {"id": "gw_conduct", "kind": "xor", "name": "办理情况", "lane": C, "x": 2940, "y": 165, "default": "f_closed"},
    {
        "id": "ev_lawyer_changed",
        "kind": "throw",
        "name": "更换援助人员",
        "lane": C,
        "x": 2940,
        "y": 300,
        "props": {"letter": "la_change_lawyer", "action": "record_lawyer_change"},
    },
    {
        "id": "ev_terminated",
        "kind": "throw",
        "name": "终止法律援助",
        "lane": C,
        "x": 3060,
        "y": 420,
        "props": {"status": "terminated", "letter": "la_termination", "action": "decision_made"},
    },
    {
        "id": "ev_closed",
        "kind": "throw",
        "name": "结案",
        "lane": C,
        "x": 3060,
        "y": 165,
        "props": {"status": "closed"},
    },
    {"id": "end_closed", "kind": "end", "name": "援助结案", "lane": C, "x": 3140, "y": 165},
    # Which decision an objection is against: a corrected refusal is decided again, a corrected termination
    # restores the aid (Art. 49: the bureau orders the centre to correct its own decision).
    {
        "id": "note_refusal",
        "kind": "script",
        "name": "记录异议对象：不予援助",
        "lane": C,
        "x": 2400,
        "y": 560,
        "script": 'objection_against = "refusal"',
    },
    {
        "id": "note_termination",
        "kind": "script",
        "name": "记录异议对象：终止援助",
        "lane": C,
        "x": 3060,
        "y": 540,
        "script": 'objection_against = "termination"',
    },
    # Objection (Art. 49): to the justice bureau that set up the centre; decided within 5 days.
    {
        "id": "register_objection",
        "kind": "user",
        "name": "受理异议",
        "lane": J,
        "x": 2560,
        "y": 760,
        "props": {"form": "la_objection_intake"},
    },
    {"id": "gw_objected", "kind": "xor", "name": "提出异议？", "lane": J, "x": 2680, "y": 760, "default": "f_objected"},
    {
        "id": "ev_objection_received",
        "kind": "throw",
        "name": "异议审查期限起算",
        "lane": J,
        "x": 2790,
        "y": 760,
        "props": {"action": "objection_received"},
    },
    {"id": "end_no_objection", "kind": "end", "name": "未提出异议", "lane": J, "x": 2680, "y": 910},
    {"id": "end_objection_window", "kind": "end", "name": "异议期满", "lane": J, "x": 2460, "y": 910},
    {
        "id": "decide_objection",
        "kind": "user",
        "name": "异议审查",
        "lane": J,
        "x": 2880,
        "y": 760,
        "props": {"form": "la_objection_decision", "due": "5CAL"},
    },
    {"id": "gw_objection", "kind": "xor", "name": "审查结论", "lane": J, "x": 3000, "y": 760, "default": "f_uphold"},
    {
        "id": "ev_objection_upheld",
        "kind": "throw",
        "name": "维持原决定",
        "lane": J,
        "x": 3120,
        "y": 760,
        "props": {"letter": "la_objection_decision"},
    },
    {"id": "end_upheld", "kind": "end", "name": "异议审结", "lane": J, "x": 3200, "y": 760},
    {
        "id": "ev_objection_corrected",
        "kind": "throw",
        "name": "责令改正",
        "lane": J,
        "x": 3000,
        "y": 900,
        "label_at": (3020, 910),
        "props": {"status": "in_review", "letter": "la_objection_decision", "action": "review_reopened"},
    },
    {
        "id": "gw_corrected",
        "kind": "xor",
        "name": "改正何项决定？",
        "lane": J,
        "x": 3000,
        "y": 1010,
        "default": "f_corrected_redecide",
    },
    {
        "id": "ev_aid_restored",
        "kind": "throw",
        "name": "恢复法律援助",
        "lane": J,
        "x": 3140,
        "y": 1010,
        "props": {"status": "approved", "action": "decision_made"},
    },
]

FLOWS = [
    {"id": "f_start", "from": "start", "to": "ev_received"},
    {"id": "f_received", "from": "ev_received", "to": "compute_facts"},
    {"id": "f_facts", "from": "compute_facts", "to": "decide_scope"},
    {"id": "f_scope", "from": "decide_scope", "to": "decide_means"},
    {"id": "f_means_route", "from": "decide_means", "to": "decide_early_aid"},
    {"id": "f_early_rule", "from": "decide_early_aid", "to": "set_channel"},
    {"id": "f_channel", "from": "set_channel", "to": "ev_flags"},
    {"id": "f_flags", "from": "ev_flags", "to": "gw_early"},
    {"id": "f_not_urgent", "from": "gw_early", "to": "check_materials", "name": "否"},
    {"id": "f_urgent", "from": "gw_early", "to": "early_aid", "route": "vh", "name": "时效紧迫", "cond": "early_aid"},
    {"id": "f_early_done", "from": "early_aid", "to": "check_materials", "route": "hv"},
    {"id": "f_checked", "from": "check_materials", "to": "gw_materials"},
    {
        "id": "f_mat_missing",
        "from": "gw_materials",
        "to": "ev_supplement",
        "route": "v",
        "name": "缺材料",
        "cond": "len(missing_materials(materials)) > 0",
    },
    {"id": "f_mat_ok", "from": "gw_materials", "to": "ev_accepted", "name": "齐全", "label_at": (1290, 60)},
    {"id": "f_notice", "from": "ev_supplement", "to": "record_supplement"},
    {"id": "f_recorded", "from": "record_supplement", "to": "gw_supplied"},
    {"id": "f_supplied", "from": "gw_supplied", "to": "ev_accepted", "route": "v", "name": "已补充"},
    {
        "id": "f_not_supplied",
        "from": "gw_supplied",
        "to": "ev_withdrawn",
        "route": "v",
        "name": "逾期未补充",
        "cond": 'supplied == "not_supplied"',
    },
    {"id": "f_withdrawn_end", "from": "ev_withdrawn", "to": "end_withdrawn"},
    {"id": "f_accepted", "from": "ev_accepted", "to": "gw_scope"},
    {"id": "f_in_scope", "from": "gw_scope", "to": "gw_means", "name": "属于"},
    {
        "id": "f_out_of_scope",
        "from": "gw_scope",
        "to": "ev_refused",
        "route": ["b", "l", (1540, 560)],
        "name": "不属于",
        "label_at": (1548, 120),
        "cond": "not in_scope",
    },
    {"id": "f_no_means", "from": "gw_means", "to": "gw_green", "name": "免予审查"},
    {
        "id": "f_means",
        "from": "gw_means",
        "to": "means_test",
        "route": "v",
        "name": "审查",
        "label_at": (1648, 120),
        "cond": 'means_route == "test" and not green_channel',
    },
    {"id": "f_tested", "from": "means_test", "to": "decide_threshold"},
    {"id": "f_threshold", "from": "decide_threshold", "to": "compute_means"},
    {"id": "f_computed", "from": "compute_means", "to": "gw_hardship"},
    {"id": "f_hardship", "from": "gw_hardship", "to": "decide", "route": "v", "name": "困难"},
    {
        "id": "f_not_hardship",
        "from": "gw_hardship",
        "to": "ev_refused",
        "route": "vh",
        "name": "不困难",
        "label_at": (2008, 470),
        "cond": "not hardship_ok",
    },
    {"id": "f_green", "from": "gw_green", "to": "decide_green", "name": "是", "cond": "green_channel"},
    {"id": "f_normal", "from": "gw_green", "to": "decide", "route": "vh", "name": "否"},
    {"id": "f_decided_green", "from": "decide_green", "to": "gw_decision", "route": "hv"},
    {"id": "f_decided", "from": "decide", "to": "gw_decision", "route": "hv"},
    {"id": "f_grant", "from": "gw_decision", "to": "ev_granted", "name": "给予"},
    {
        "id": "f_refuse",
        "from": "gw_decision",
        "to": "ev_refused",
        "route": ["l", "t", (2080, 165), (2080, 500), (2240, 500)],
        "name": "不予",
        "label_at": (2088, 320),
        "cond": 'decision == "refuse"',
    },
    {"id": "f_refused_noted", "from": "ev_refused", "to": "note_refusal"},
    {"id": "f_refused_objection", "from": "note_refusal", "to": "register_objection", "route": "vh"},
    {"id": "f_granted", "from": "ev_granted", "to": "gw_appoint"},
    {
        "id": "f_appoint_green",
        "from": "gw_appoint",
        "to": "appoint_green",
        "route": "vh",
        "name": "是",
        "cond": "green_channel",
    },
    {"id": "f_appoint", "from": "gw_appoint", "to": "appoint", "route": "vh", "name": "否"},
    {"id": "f_appointed_green", "from": "appoint_green", "to": "ev_grant_letter", "route": "hv"},
    {"id": "f_appointed", "from": "appoint", "to": "ev_grant_letter", "route": "hv"},
    {"id": "f_grant_letter", "from": "ev_grant_letter", "to": "ev_appointment"},
    {"id": "f_appointment", "from": "ev_appointment", "to": "conduct"},
    {"id": "f_conducted", "from": "conduct", "to": "gw_conduct"},
    {"id": "f_closed", "from": "gw_conduct", "to": "ev_closed", "name": "结案"},
    {"id": "f_closed_end", "from": "ev_closed", "to": "end_closed"},
    {
        "id": "f_change",
        "from": "gw_conduct",
        "to": "ev_lawyer_changed",
        "route": "v",
        "name": "更换人员",
        "cond": 'outcome == "change_lawyer"',
    },
    {"id": "f_changed", "from": "ev_lawyer_changed", "to": "conduct", "route": ["l", "b", (2820, 300)]},
    {
        "id": "f_terminate",
        "from": "gw_conduct",
        "to": "ev_terminated",
        "route": ["b", "t", (2940, 230), (3060, 230)],
        "name": "终止",
        "label_at": (3000, 210),
        "cond": 'outcome == "terminate"',
    },
    {"id": "f_terminated_noted", "from": "ev_terminated", "to": "note_termination", "route": "v"},
    {
        "id": "f_terminated_objection",
        "from": "note_termination",
        "to": "register_objection",
        "route": ["b", "t", (3060, 680), (2560, 680)],
    },
    {"id": "f_objection_registered", "from": "register_objection", "to": "gw_objected"},
    {"id": "f_objected", "from": "gw_objected", "to": "ev_objection_received", "name": "已提出"},
    {"id": "f_objection_clock", "from": "ev_objection_received", "to": "decide_objection"},
    {
        "id": "f_waived",
        "from": "gw_objected",
        "to": "end_no_objection",
        "route": "v",
        "name": "放弃异议",
        "cond": 'objected == "waived"',
    },
    {"id": "f_objection_decided", "from": "decide_objection", "to": "gw_objection"},
    {"id": "f_uphold", "from": "gw_objection", "to": "ev_objection_upheld", "name": "维持"},
    {"id": "f_upheld_end", "from": "ev_objection_upheld", "to": "end_upheld"},
    {
        "id": "f_correct",
        "from": "gw_objection",
        "to": "ev_objection_corrected",
        "route": "v",
        "name": "责令改正",
        "cond": 'objection_outcome == "correct"',
    },
    {"id": "f_corrected", "from": "ev_objection_corrected", "to": "gw_corrected", "route": "v"},
    {
        "id": "f_corrected_redecide",
        "from": "gw_corrected",
        "to": "decide",
        "route": ["l", "l", (1940, 1010), (1940, 250)],
        "name": "不予援助：重新审查",
        "label_at": (2780, 990),
    },
    {
        "id": "f_corrected_restore",
        "from": "gw_corrected",
        "to": "ev_aid_restored",
        "name": "终止：恢复援助",
        "label_at": (3030, 990),
        "cond": 'objection_against == "termination"',
    },
    {
        "id": "f_restored",
        "from": "ev_aid_restored",
        "to": "conduct",
        "route": ["r", "t", (3270, 1010), (3270, 110), (2820, 110)],
    },
]

# The supplement deadline the centre set: not supplemented by then → deemed withdrawn (Art. 43(2)).
ELEMENTS.append(
    {
        "id": "b_supplement_deadline",
        "kind": "boundary",
        "name": "补充期满",
        "attached": "record_supplement",
        "offset": 25,
        "cancel": True,
        "timer": {"date": "end_of_day(supplement_deadline)"},
        "label_at": (1362, 306),
    }
)
FLOWS.append(
    {
        "id": "f_supplement_expired",
        "from": "b_supplement_deadline",
        "to": "ev_withdrawn",
        "route": ["b", "t", (1355, 320), (1440, 320)],
        "name": "期满未补充",
        "label_at": (1368, 330),
    }
)
# The objection period is not set by national law (rules.md §2.5 step 8, [U]); Anju waits `objection_days` calendar
# days (start data, 30 by default: Shandong's period) for an objection, then closes the case. docs/legal-aid.md.
ELEMENTS.append(
    {
        "id": "b_objection_window",
        "kind": "boundary",
        "name": "异议期满",
        "attached": "register_objection",
        "offset": -25,
        "cancel": True,
        "timer": {"date": "after_calendar_days(objection_days)"},
        "label_at": (2470, 806),
    }
)
FLOWS.append(
    {
        "id": "f_objection_window",
        "from": "b_objection_window",
        "to": "end_objection_window",
        "route": ["b", "r", (2535, 910)],
    }
)

# Overdue escalation on every task with a due date. The materials check of a green-channel case is due the same
# day, so its timer follows the same choice as its inbox due date (cases.steps.due_at: due_from, else due).
for _task, _below, _side, _timer in (
    ("early_aid", 350, -1, None),
    ("check_materials", 170, -1, {"date": "end_of_day(green_due_on) if green_channel else after_working_days(1)"}),
    ("means_test", 480, 1, None),
    ("decide_green", 170, -1, None),
    ("decide", 320, -1, None),
    ("appoint_green", 165, 1, None),
    ("appoint", 340, 1, None),
    ("decide_objection", 850, -1, None),
):
    _els, _fls = escalation(_task, below=_below, side=_side, timer=_timer)
    ELEMENTS.extend(_els)
    FLOWS.extend(_fls)

PROCESS = {
    "id": "legal_aid",
    "name": "法律援助",
    "width": 3340,
    "lanes": [
        {"key": C, "name": "法律援助中心", "height": 640},
        {"key": J, "name": "司法局", "height": 440},
    ],
    "elements": ELEMENTS,
    "flows": FLOWS,
}

# Everything sits right of the lanes' name band (x 30–60): shift the drawing once, here.
X_SHIFT = 40
for _element in ELEMENTS:
    if "x" in _element:
        _element["x"] += X_SHIFT
    if "label_at" in _element:
        _element["label_at"] = (_element["label_at"][0] + X_SHIFT, _element["label_at"][1])
for _flow in FLOWS:
    if isinstance(_flow.get("route"), list):
        _flow["route"] = _flow["route"][:2] + [(px + X_SHIFT, py) for px, py in _flow["route"][2:]]
    if "label_at" in _flow:
        _flow["label_at"] = (_flow["label_at"][0] + X_SHIFT, _flow["label_at"][1])
PROCESS["width"] += X_SHIFT

# English names of the steps people see (inbox, task and case pages, timeline, the applicant's progress page): the
# Chinese `name` stays the element's name; app pages pick by language (docs/i18n.md).
PROCESS["english"] = {
    "early_aid": "Aid before the decision",
    "check_materials": "Check of materials",
    "record_supplement": "Record of materials supplied",
    "means_test": "Means test",
    "decide_green": "Green channel: decision on the same day",
    "decide": "Decision on the application",
    "appoint_green": "Green channel: appointment on the same day",
    "appoint": "Appoint a lawyer",
    "conduct": "Conduct and closing of the case",
    "register_objection": "Objection received",
    "decide_objection": "Decision on the objection",
    "b_supplement_deadline": "Supplement period ended",
    "b_objection_window": "Objection period ended",
    # The diagram's other labels (docs/i18n.md): the process, lanes, events, gateways, automatic tasks, branches.
    "legal_aid": "Legal aid",
    "lane_legal_aid_centre": "Legal aid centre",
    "lane_justice_bureau": "Justice bureau",
    "start": "Legal aid application received",
    "ev_received": "Registered, receipt issued",
    "compute_facts": "Calculation of limitation time left",
    "decide_scope": "Determination of scope of aid",
    "decide_means": "Determination of means-test route",
    "decide_early_aid": "Determination of aid before decision",
    "set_channel": "Green channel marking",
    "ev_flags": "Green channel, urgency noted",
    "gw_early": "Aid before decision needed?",
    "gw_materials": "Materials complete?",
    "ev_supplement": "One-time notice of missing materials",
    "gw_supplied": "Supplied in time?",
    "ev_withdrawn": "Application deemed withdrawn",
    "end_withdrawn": "Closed as withdrawn",
    "ev_accepted": "Accepted for review",
    "gw_scope": "Within scope of legal aid?",
    "gw_means": "Means test needed?",
    "gw_green": "Green channel?",
    "decide_threshold": "Financial hardship threshold",
    "compute_means": "Calculation of income per head",
    "gw_hardship": "Financial hardship?",
    "gw_decision": "Decision",
    "ev_refused": "Legal aid refused",
    "ev_granted": "Legal aid granted",
    "gw_appoint": "Green channel?",
    "ev_grant_letter": "Decision granting aid served",
    "ev_appointment": "Notice of appointment issued",
    "gw_conduct": "Progress of the case",
    "ev_lawyer_changed": "Aid provider replaced",
    "ev_terminated": "Legal aid terminated",
    "ev_closed": "Case closed",
    "end_closed": "Aid case closed",
    "note_refusal": "Objection against: refusal",
    "note_termination": "Objection against: termination",
    "gw_objected": "Objection raised?",
    "ev_objection_received": "Objection review period starts",
    "end_no_objection": "No objection raised",
    "end_objection_window": "Objection period ended",
    "gw_objection": "Review outcome",
    "ev_objection_upheld": "Original decision upheld",
    "end_upheld": "Objection decided",
    "ev_objection_corrected": "Correction ordered",
    "gw_corrected": "Which decision to correct?",
    "ev_aid_restored": "Legal aid restored",
    "f_not_urgent": "No",
    "f_urgent": "Time-critical",
    "f_mat_missing": "Materials missing",
    "f_mat_ok": "Complete",
    "f_supplied": "Supplied",
    "f_not_supplied": "Not supplied",
    "f_in_scope": "Within scope",
    "f_out_of_scope": "Out of scope",
    "f_no_means": "Exempt",
    "f_means": "Means test",
    "f_hardship": "Hardship",
    "f_not_hardship": "No hardship",
    "f_green": "Yes",
    "f_normal": "No",
    "f_grant": "Granted",
    "f_refuse": "Refused",
    "f_appoint_green": "Yes",
    "f_appoint": "No",
    "f_closed": "Case closed",
    "f_change": "Change provider",
    "f_terminate": "Terminated",
    "f_objected": "Raised",
    "f_waived": "Waived",
    "f_uphold": "Upheld",
    "f_correct": "Correction ordered",
    "f_corrected_redecide": "Refusal: decide again",
    "f_corrected_restore": "Termination: restore aid",
    "f_supplement_expired": "Period expired",
}
