"""Residence permit: change of address (居住证变更登记), rules.md §1.3 step 8 and RP-T2.

The holder reports a move within 10 days (浙江条例 Art. 13). The case is routed to the NEW address's community,
which checks that the holder lives there; the permit then moves to that community (and its police station).

Edit here, then: python tools/bpmn_layout.py rp_change_address   (DMN tables: python tools/process_rp_common.py)
"""

from process_rp_common import escalation, x_shift

# Ten calendar days from the move, rolled to the next working day when the last day is a rest day (rules.md §0).
COMPUTE_DEADLINE = """report_deadline = after_calendar_days(10, moved_on)[:10]
late_report = received_on > report_deadline"""

ELEMENTS = [
    {
        "id": "start",
        "kind": "start",
        "name": "申报居住地址变更",
        "lane": "window",
        "x": 60,
        "y": 75,
        "props": {"form": "rc_request"},
    },
    {
        "id": "compute_deadline",
        "kind": "script",
        "name": "计算申报期限",
        "lane": "window",
        "x": 170,
        "y": 75,
        "script": COMPUTE_DEADLINE,
    },
    {
        "id": "decide_timeliness",
        "kind": "rule",
        "name": "是否按期申报",
        "lane": "window",
        "x": 300,
        "y": 75,
        "decision": "rc_timeliness",
    },
    {
        "id": "ev_received",
        "kind": "throw",
        "name": "出具受理回执",
        "lane": "window",
        "x": 410,
        "y": 75,
        "props": {"status": "in_review", "letter": "rc_receipt"},
    },
    {
        "id": "check_new_address",
        "kind": "user",
        "name": "新居住地社区核查",
        "lane": "community",
        "x": 520,
        "y": 230,
        "props": {"form": "rc_verification", "due": "5WD"},
    },
    {
        "id": "gw_confirmed",
        "kind": "xor",
        "name": "实际居住？",
        "lane": "community",
        "x": 640,
        "y": 230,
        "default": "f_confirmed",
    },
    {
        "id": "ev_changed",
        "kind": "throw",
        "name": "准予变更",
        "lane": "community",
        "x": 750,
        "y": 230,
        "props": {"status": "approved", "action": "change_address", "letter": "rc_certificate"},
    },
    {"id": "end_changed", "kind": "end", "name": "变更结案", "lane": "community", "x": 840, "y": 230},
    {
        "id": "ev_refused",
        "kind": "throw",
        "name": "不予变更",
        "lane": "community",
        "x": 750,
        "y": 300,
        "props": {"status": "refused", "letter": "rc_refusal"},
    },
    {"id": "end_refused", "kind": "end", "name": "不予变更结案", "lane": "community", "x": 840, "y": 300},
]

FLOWS = [
    {"id": "f_start", "from": "start", "to": "compute_deadline"},
    {"id": "f_deadline", "from": "compute_deadline", "to": "decide_timeliness"},
    {"id": "f_timeliness", "from": "decide_timeliness", "to": "ev_received"},
    {"id": "f_to_community", "from": "ev_received", "to": "check_new_address", "route": "hv"},
    {"id": "f_checked", "from": "check_new_address", "to": "gw_confirmed"},
    {"id": "f_confirmed", "from": "gw_confirmed", "to": "ev_changed", "name": "属实", "label_at": (668, 210)},
    {
        "id": "f_not_confirmed",
        "from": "gw_confirmed",
        "to": "ev_refused",
        "route": "vh",
        "name": "不属实",
        "cond": "not lives_at_new_address",
        "label_at": (648, 270),
    },
    {"id": "f_changed_end", "from": "ev_changed", "to": "end_changed"},
    {"id": "f_refused_end", "from": "ev_refused", "to": "end_refused"},
]

_elements, _flows = escalation(ELEMENTS, "check_new_address", row_y=305)
ELEMENTS.extend(_elements)
FLOWS.extend(_flows)

PROCESS = {
    "id": "rp_change_address",
    "name": "居住证变更登记（居住地址）",
    "width": 900,
    "lanes": [
        {"key": "window", "name": "受理窗口", "height": 150},
        {"key": "community", "name": "新居住地社区", "height": 200},
    ],
    "elements": ELEMENTS,
    "flows": FLOWS,
}
x_shift(PROCESS)

# English names of the steps people see (inbox, task and case pages, timeline, the applicant's progress page): the
# Chinese `name` stays the element's name; app pages pick by language (docs/i18n.md).
PROCESS["english"] = {
    "check_new_address": "Community check of the new address",
    # The diagram's other labels (docs/i18n.md): the process, lanes, events, gateways, automatic tasks, branches.
    "rp_change_address": "Residence permit change of address",
    "lane_window": "Service window",
    "lane_community": "Community office of new address",
    "start": "Change of address reported",
    "compute_deadline": "Calculation of report deadline",
    "decide_timeliness": "Determination of timeliness",
    "ev_received": "Acceptance receipt issued",
    "gw_confirmed": "Resident at new address?",
    "ev_changed": "Change granted",
    "end_changed": "Closed as changed",
    "ev_refused": "Change refused",
    "end_refused": "Closed as refused",
    "f_confirmed": "Confirmed",
    "f_not_confirmed": "Not confirmed",
}
