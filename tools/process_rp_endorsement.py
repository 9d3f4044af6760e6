"""Residence permit endorsement (居住证签注), rules.md §1.3 step 6–10 and D-RP-4.

Opened by the endorsement scan in the month before the anniversary (or by a window from the permit page).
The community checks continued residence and conditions, the police station decides; the outcome keeps the
permit active, restores a suspended one (late endorsement), or ends it with a refusal letter.

Edit here, then: python tools/bpmn_layout.py rp_endorsement   (DMN tables: python tools/process_rp_common.py)
"""

from process_rp_common import escalation, x_shift

COMPUTE_TIMING = "late = today() >= anniversary"

ELEMENTS = [
    {
        "id": "start",
        "kind": "start",
        "name": "签注到期或持证人申请",
        "lane": "window",
        "x": 60,
        "y": 75,
        "props": {"form": "re_request"},
    },
    {
        "id": "ev_accepted",
        "kind": "throw",
        "name": "受理签注，转社区核查",
        "lane": "window",
        "x": 150,
        "y": 75,
        "props": {"status": "in_review"},
    },
    {
        "id": "check_residence",
        "kind": "user",
        "name": "社区核查居住情况",
        "lane": "community",
        "x": 260,
        "y": 230,
        "props": {"form": "re_verification", "due": "5WD"},
    },
    {
        "id": "assess_conditions",
        "kind": "rule",
        "name": "签注条件判定",
        "lane": "community",
        "x": 400,
        "y": 230,
        "decision": "re_conditions",
    },
    {
        "id": "decide_endorsement",
        "kind": "user",
        "name": "派出所签注审批",
        "lane": "police_station",
        "x": 540,
        "y": 420,
        "props": {"form": "re_decision", "due": "3WD"},
    },
    {
        "id": "compute_timing",
        "kind": "script",
        "name": "是否逾期签注",
        "lane": "police_station",
        "x": 670,
        "y": 420,
        "script": COMPUTE_TIMING,
    },
    {
        "id": "decide_state",
        "kind": "rule",
        "name": "居住证状态判定",
        "lane": "police_station",
        "x": 800,
        "y": 420,
        "decision": "re_state",
    },
    {
        "id": "gw_state",
        "kind": "xor",
        "name": "签注结果",
        "lane": "police_station",
        "x": 910,
        "y": 420,
        "default": "f_active",
    },
    {
        "id": "ev_endorsed",
        "kind": "throw",
        "name": "予以签注",
        "lane": "police_station",
        "x": 1020,
        "y": 420,
        "props": {"status": "approved", "action": "endorse_permit", "letter": "re_endorsement"},
    },
    {"id": "end_endorsed", "kind": "end", "name": "签注结案", "lane": "police_station", "x": 1110, "y": 420},
    {
        "id": "ev_restored",
        "kind": "throw",
        "name": "逾期签注，恢复使用功能",
        "lane": "police_station",
        "x": 1020,
        "y": 345,
        "props": {"status": "approved", "action": "endorse_permit", "letter": "re_endorsement"},
    },
    {"id": "end_restored", "kind": "end", "name": "恢复结案", "lane": "police_station", "x": 1110, "y": 345},
    {
        "id": "ev_refused",
        "kind": "throw",
        "name": "不予签注，使用功能终止",
        "lane": "police_station",
        "x": 1020,
        "y": 500,
        "props": {"status": "refused", "action": "terminate_permit", "letter": "re_refusal"},
    },
    {"id": "end_refused", "kind": "end", "name": "终止结案", "lane": "police_station", "x": 1110, "y": 500},
]

FLOWS = [
    {"id": "f_start", "from": "start", "to": "ev_accepted"},
    {"id": "f_to_community", "from": "ev_accepted", "to": "check_residence", "route": "hv"},
    {"id": "f_checked", "from": "check_residence", "to": "assess_conditions"},
    {"id": "f_to_police", "from": "assess_conditions", "to": "decide_endorsement", "route": "hv"},
    {"id": "f_decided", "from": "decide_endorsement", "to": "compute_timing"},
    {"id": "f_timing", "from": "compute_timing", "to": "decide_state"},
    {"id": "f_state", "from": "decide_state", "to": "gw_state"},
    {"id": "f_active", "from": "gw_state", "to": "ev_endorsed", "name": "按期", "label_at": (945, 400)},
    {
        "id": "f_restored",
        "from": "gw_state",
        "to": "ev_restored",
        "route": "vh",
        "name": "逾期",
        "cond": 'permit_state == "restored"',
        "label_at": (918, 360),
    },
    {
        "id": "f_terminated",
        "from": "gw_state",
        "to": "ev_refused",
        "route": "vh",
        "name": "不予签注",
        "cond": 'permit_state == "terminated"',
        "label_at": (918, 470),
    },
    {"id": "f_endorsed_end", "from": "ev_endorsed", "to": "end_endorsed"},
    {"id": "f_restored_end", "from": "ev_restored", "to": "end_restored"},
    {"id": "f_refused_end", "from": "ev_refused", "to": "end_refused"},
]

for _task, _row in (("check_residence", 300), ("decide_endorsement", 500)):
    _elements, _flows = escalation(ELEMENTS, _task, row_y=_row)
    ELEMENTS.extend(_elements)
    FLOWS.extend(_flows)

PROCESS = {
    "id": "rp_endorsement",
    "name": "居住证签注",
    "width": 1180,
    "lanes": [
        {"key": "window", "name": "受理窗口", "height": 150},
        {"key": "community", "name": "社区", "height": 170},
        {"key": "police_station", "name": "派出所", "height": 240},
    ],
    "elements": ELEMENTS,
    "flows": FLOWS,
}
x_shift(PROCESS)

# English names of the steps people see (inbox, task and case pages, timeline, the applicant's progress page): the
# Chinese `name` stays the element's name; app pages pick by language (docs/i18n.md).
PROCESS["english"] = {
    "check_residence": "Community check of continued residence",
    "decide_endorsement": "Police station endorsement decision",
    # The diagram's other labels (docs/i18n.md): the process, lanes, events, gateways, automatic tasks, branches.
    "rp_endorsement": "Residence permit endorsement",
    "lane_window": "Service window",
    "lane_community": "Community office",
    "lane_police_station": "Police station",
    "start": "Endorsement due or requested",
    "ev_accepted": "Accepted, to community check",
    "assess_conditions": "Determination of conditions",
    "compute_timing": "Check for late endorsement",
    "decide_state": "Determination of permit status",
    "gw_state": "Endorsement outcome",
    "ev_endorsed": "Endorsed",
    "end_endorsed": "Closed as endorsed",
    "ev_restored": "Endorsed late, permit restored",
    "end_restored": "Closed as restored",
    "ev_refused": "Refused, permit terminated",
    "end_refused": "Closed as terminated",
    "f_active": "On time",
    "f_restored": "Late",
    "f_terminated": "Refused",
}
