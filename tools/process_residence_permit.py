"""Residence permit application (居住证申领), rules.md §1.

Edit here, then: python tools/bpmn_layout.py residence_permit
"""

import re

COMPUTE_FACTS = """age = age_on(birth_date, received_on)
residence_months = months_between(residence_registered_on, received_on)
stable_job = basis == "stable_job"
stable_home = basis == "stable_home"
continuous_study = basis == "continuous_study"
has_agent = not is_missing(agent_name)"""

COMPUTE_VALIDITY = """valid_from = issue_date
valid_until = add_days(add_years(issue_date, 1), -1)
endorsement_window_start = add_months(add_years(issue_date, 1), -1)"""


def overdue_timer(due: str) -> dict:
    """The boundary timer that fires when a task with `due` ("1WD", "15CAL") passes its due date: the same rule
    the inbox row's due date comes from, so the two cannot drift apart (docs/timers.md)."""
    number, kind = re.fullmatch(r"(\d+)(WD|CAL)", due).groups()
    function = "after_working_days" if kind == "WD" else "after_calendar_days"
    return {"date": f"{function}({number})"}


def escalation(task: str, due: str, *, lane_below: int, side: int = -1) -> list[dict]:
    """Non-interrupting boundary timer on `task` at its due date → escalation event (priority up, supervisor
    told, optionally reassigned: app/supervision) → end. Drawn below the task: boundary on the bottom edge,
    the escalation event under it, the end event beside it (`side` -1: to the left)."""
    host = next(e for e in ELEMENTS if e["id"] == task)
    x = host["x"] + 25 * side
    return [
        {
            "id": f"b_overdue_{task}",
            "kind": "boundary",
            "name": "办理超时",
            "en": "Overdue",
            "attached": task,
            "offset": 25 * side,
            "cancel": False,
            "timer": overdue_timer(due),
        },
        {
            "id": f"esc_{task}",
            "kind": "throw",
            "name": "超期督办",
            "en": "Escalated as overdue",
            "lane": host["lane"],
            "x": x,
            "y": lane_below,
            "props": {"escalate": "overdue"},
        },
        {
            "id": f"end_esc_{task}",
            "kind": "end",
            "name": "已督办",
            "en": "Escalated",
            "lane": host["lane"],
            "x": x - 80,
            "y": lane_below,
        },
    ]


def escalation_flows(task: str) -> list[dict]:
    return [
        {"id": f"f_overdue_{task}", "from": f"b_overdue_{task}", "to": f"esc_{task}", "route": "v"},
        {"id": f"f_escalated_{task}", "from": f"esc_{task}", "to": f"end_esc_{task}", "route": ["l", "r"]},
    ]


ELEMENTS = [
    {
        "id": "start",
        "kind": "start",
        "name": "收到居住证申请",
        "lane": "window",
        "x": 70,
        "y": 70,
        "props": {"form": "rp_application", "statutory": "15CAL"},
    },
    {
        "id": "ev_received",
        "kind": "throw",
        "name": "出具受理回执",
        "lane": "window",
        "x": 140,
        "y": 70,
        "props": {"status": "received", "letter": "rp_receipt"},
    },
    {
        "id": "compute_facts",
        "kind": "script",
        "name": "计算年龄与居住时长",
        "lane": "window",
        "x": 240,
        "y": 70,
        "script": COMPUTE_FACTS,
    },
    {
        "id": "decide_proxy",
        "kind": "rule",
        "name": "代办资格判定",
        "lane": "window",
        "x": 370,
        "y": 70,
        "decision": "rp_proxy",
    },
    {
        "id": "decide_eligibility",
        "kind": "rule",
        "name": "申领条件判定",
        "lane": "window",
        "x": 500,
        "y": 70,
        "decision": "rp_eligibility",
    },
    {
        "id": "decide_issue_policy",
        "kind": "rule",
        "name": "发证范围判定",
        "lane": "window",
        "x": 630,
        "y": 70,
        "decision": "rp_issue_policy",
    },
    {
        "id": "check_materials",
        "kind": "user",
        "name": "材料审查",
        "lane": "window",
        "x": 760,
        "y": 70,
        "props": {"form": "rp_materials", "due": "1WD"},
    },
    {
        "id": "gw_materials",
        "kind": "xor",
        "name": "材料齐全？",
        "lane": "window",
        "x": 870,
        "y": 70,
        "default": "f_mat_ok",
    },
    {
        "id": "ev_supplement",
        "kind": "throw",
        "name": "发出一次性补正告知",
        "lane": "window",
        "x": 870,
        "y": 210,
        "props": {"status": "awaiting_applicant", "letter": "rp_supplement"},
    },
    {
        "id": "record_supplement",
        "kind": "user",
        "name": "登记补正材料",
        "lane": "window",
        "x": 980,
        "y": 210,
        "props": {"form": "rp_supplement", "due_from": "supplement_deadline"},
    },
    {
        "id": "gw_supplied",
        "kind": "xor",
        "name": "按期补正？",
        "lane": "window",
        "x": 1090,
        "y": 210,
        "default": "f_supplied",
    },
    {
        "id": "ev_not_accepted",
        "kind": "throw",
        "name": "不予受理",
        "lane": "window",
        "x": 1290,
        "y": 210,
        "label_at": (1250, 160),
        "props": {"status": "not_accepted", "letter": "rp_not_accepted"},
    },
    {"id": "end_not_accepted", "kind": "end", "name": "未受理结案", "lane": "window", "x": 1370, "y": 210},
    {
        "id": "gw_eligible",
        "kind": "xor",
        "name": "符合申领条件？",
        "lane": "window",
        "x": 1090,
        "y": 70,
        "default": "f_eligible",
    },
    {
        "id": "ev_accepted",
        "kind": "throw",
        "name": "受理，转社区核查",
        "lane": "window",
        "x": 1190,
        "y": 70,
        "props": {"status": "in_review"},
    },
    {
        "id": "ev_ineligible",
        "kind": "throw",
        "name": "不予核发（不符合条件）",
        "lane": "window",
        "x": 1290,
        "y": 70,
        "props": {"status": "refused", "letter": "rp_refusal"},
    },
    {"id": "end_ineligible", "kind": "end", "name": "不予核发结案", "lane": "window", "x": 1370, "y": 70},
    {
        "id": "verify_residence",
        "kind": "user",
        "name": "社区入户核查",
        "lane": "community",
        "x": 1190,
        "y": 380,
        "props": {"form": "rp_verification", "due": "5WD"},
    },
    {
        "id": "approve",
        "kind": "user",
        "name": "审批发证",
        "lane": "police_station",
        "x": 1320,
        "y": 590,
        "props": {"form": "rp_approval", "due": "3WD"},
    },
    {
        "id": "gw_decision",
        "kind": "xor",
        "name": "审批结果",
        "lane": "police_station",
        "x": 1440,
        "y": 590,
        "default": "f_approve",
    },
    {
        "id": "compute_validity",
        "kind": "script",
        "name": "计算有效期与签注期",
        "lane": "police_station",
        "x": 1560,
        "y": 590,
        "script": COMPUTE_VALIDITY,
    },
    {
        "id": "ev_approved",
        "kind": "throw",
        "name": "准予核发",
        "lane": "police_station",
        "x": 1680,
        "y": 590,
        "props": {"status": "approved", "action": "issue_permit", "letter": "rp_approval"},
    },
    {"id": "end_approved", "kind": "end", "name": "发证结案", "lane": "police_station", "x": 1760, "y": 590},
    {
        "id": "ev_refused",
        "kind": "throw",
        "name": "不予核发",
        "lane": "police_station",
        "x": 1560,
        "y": 675,
        "props": {"status": "refused", "letter": "rp_refusal"},
    },
    {"id": "end_refused", "kind": "end", "name": "不予核发结案", "lane": "police_station", "x": 1680, "y": 675},
]

FLOWS = [
    {"id": "f_start", "from": "start", "to": "ev_received"},
    {"id": "f_received", "from": "ev_received", "to": "compute_facts"},
    {"id": "f_facts", "from": "compute_facts", "to": "decide_proxy"},
    {"id": "f_proxy", "from": "decide_proxy", "to": "decide_eligibility"},
    {"id": "f_eligibility", "from": "decide_eligibility", "to": "decide_issue_policy"},
    {"id": "f_policy", "from": "decide_issue_policy", "to": "check_materials"},
    {"id": "f_checked", "from": "check_materials", "to": "gw_materials"},
    {
        "id": "f_mat_missing",
        "from": "gw_materials",
        "to": "ev_supplement",
        "route": "v",
        "name": "缺材料",
        "cond": "len(missing_materials(materials)) > 0",
    },
    {"id": "f_mat_ok", "from": "gw_materials", "to": "gw_eligible", "name": "齐全"},
    {"id": "f_notice", "from": "ev_supplement", "to": "record_supplement"},
    {"id": "f_recorded", "from": "record_supplement", "to": "gw_supplied"},
    {"id": "f_supplied", "from": "gw_supplied", "to": "gw_eligible", "route": "v", "name": "已补正"},
    {
        "id": "f_not_supplied",
        "from": "gw_supplied",
        "to": "ev_not_accepted",
        "name": "逾期未补正",
        "cond": 'supplied == "not_supplied"',
    },
    {"id": "f_not_accepted_end", "from": "ev_not_accepted", "to": "end_not_accepted"},
    {"id": "f_eligible", "from": "gw_eligible", "to": "ev_accepted", "name": "符合", "label_at": (1118, 50)},
    {
        "id": "f_ineligible",
        "from": "gw_eligible",
        "to": "ev_ineligible",
        "name": "不符合",
        "route": ["t", "t", (1090, 25), (1290, 25)],
        "label_at": (1150, 8),
        "cond": 'not eligible or issue_policy == "not_issued"',
    },
    {"id": "f_ineligible_end", "from": "ev_ineligible", "to": "end_ineligible"},
    {"id": "f_to_community", "from": "ev_accepted", "to": "verify_residence", "route": "v"},
    {"id": "f_verified", "from": "verify_residence", "to": "approve", "route": "hv"},
    {"id": "f_decided", "from": "approve", "to": "gw_decision"},
    {"id": "f_approve", "from": "gw_decision", "to": "compute_validity", "name": "准予", "label_at": (1468, 570)},
    {
        "id": "f_refuse",
        "from": "gw_decision",
        "to": "ev_refused",
        "route": "vh",
        "name": "不予",
        "cond": 'decision == "refuse"',
        "label_at": (1448, 640),
    },
    {"id": "f_validity", "from": "compute_validity", "to": "ev_approved"},
    {"id": "f_approved_end", "from": "ev_approved", "to": "end_approved"},
    {"id": "f_refused_end", "from": "ev_refused", "to": "end_refused"},
]

_RECORD_SUPPLEMENT = next(e for e in ELEMENTS if e["id"] == "record_supplement")  # its due_from field

# Timers (docs/timers.md). The supplement deadline closes the case as not accepted by itself (interrupting:
# the "record supplement" task is withdrawn); the caseworker can still record "not supplied" by hand.
ELEMENTS.append(
    {
        "id": "b_supplement_deadline",
        "kind": "boundary",
        "name": "补正期满",
        "attached": "record_supplement",
        "offset": 25,
        "cancel": True,
        "timer": {"date": f"end_of_day({_RECORD_SUPPLEMENT['props']['due_from']})"},
        "label_at": (1012, 266),
    },
)
FLOWS.append(
    {
        "id": "f_supplement_expired",
        "from": "b_supplement_deadline",
        "to": "ev_not_accepted",
        "name": "期满未补正",
        "route": ["b", "b", (1005, 292), (1290, 292)],
        "label_at": (1120, 276),
    },
)
# Overdue escalation on every task with a due date: (task, escalation row y, side of the end event).
for _task, _row in (("check_materials", 175), ("verify_residence", 462), ("approve", 680)):
    _due = next(e for e in ELEMENTS if e["id"] == _task)["props"]["due"]
    ELEMENTS.extend(escalation(_task, _due, lane_below=_row))
    FLOWS.extend(escalation_flows(_task))

PROCESS = {
    "id": "residence_permit",
    "name": "居住证申领",
    "width": 1820,
    "lanes": [
        {"key": "window", "name": "流动人口服务中心窗口", "height": 310},
        {"key": "community", "name": "社区", "height": 210},
        {"key": "police_station", "name": "派出所", "height": 220},
    ],
    "elements": ELEMENTS,
    "flows": FLOWS,
}

# Everything sits right of the lanes' name band (x 30–60): shift the drawing 40 px once, here, rather than
# editing every coordinate above.
X_SHIFT = 40
for _element in ELEMENTS:
    if "x" in _element:  # boundary events take their place from the task they sit on
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
    "check_materials": "Check of materials",
    "record_supplement": "Record of missing materials supplied",
    "verify_residence": "Community check of residence",
    "approve": "Decision and issue of the permit",
    "b_supplement_deadline": "Supplement period ended",
    # The diagram's other labels (docs/i18n.md): the process, lanes, events, gateways, automatic tasks, branches.
    "residence_permit": "Residence permit application",
    "lane_window": "Migrant service centre window",
    "lane_community": "Community office",
    "lane_police_station": "Police station",
    "start": "Permit application received",
    "ev_received": "Acceptance receipt issued",
    "compute_facts": "Calculation of age and residence",
    "decide_proxy": "Determination of agent eligibility",
    "decide_eligibility": "Determination of eligibility",
    "decide_issue_policy": "Determination of issuing policy",
    "gw_materials": "Materials complete?",
    "ev_supplement": "One-time notice of missing materials",
    "gw_supplied": "Supplied in time?",
    "ev_not_accepted": "Not accepted",
    "end_not_accepted": "Closed as not accepted",
    "gw_eligible": "Eligible to apply?",
    "ev_accepted": "Accepted, to community check",
    "ev_ineligible": "Permit refused (not eligible)",
    "end_ineligible": "Closed as refused",
    "gw_decision": "Decision outcome",
    "compute_validity": "Validity and endorsement periods",
    "ev_approved": "Permit granted",
    "end_approved": "Closed as issued",
    "ev_refused": "Permit refused",
    "end_refused": "Closed as refused",
    "f_mat_missing": "Missing",
    "f_mat_ok": "Complete",
    "f_supplied": "Supplied",
    "f_not_supplied": "Not supplied",
    "f_eligible": "Eligible",
    "f_ineligible": "Not eligible",
    "f_approve": "Granted",
    "f_refuse": "Refused",
    "f_supplement_expired": "Period expired",
}
