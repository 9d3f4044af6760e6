"""Points assessment for residence-permit holders (居住证积分), rules.md §1.4 D-RP-5.

A permit holder declares the items; the service centre checks each against its proof and records what the
documents show; the DMN table `pt_items` (COLLECT: one row per item) gives every item's points, and the total
is recorded for the person (school placement ranks by it). The weights are a city's policy, not law ([U]):
they live in the table, written by tools/pt_dmn.py.

Edit here, then:
    python tools/bpmn_layout.py points_assessment   → bpmn/points_assessment.bpmn
    python tools/pt_dmn.py                          → bpmn/pt_items.dmn
"""

from process_rp_common import escalation, x_shift

# Residence years count from the permit's residence-years start date, looked up from Anju's records at intake
# (points.service.start_data); an item scores only what the verified documents show.
TOTAL = """points_total = sum(pt_points)
points_count = len(pt_item)"""

ELEMENTS = [
    {
        "id": "start",
        "kind": "start",
        "name": "申请积分核定",
        "lane": "window",
        "x": 60,
        "y": 80,
        "props": {"form": "pt_application", "statutory": "10WD"},
    },
    {
        "id": "ev_received",
        "kind": "throw",
        "name": "出具受理回执",
        "lane": "window",
        "x": 150,
        "y": 80,
        "props": {"status": "received", "letter": "pt_receipt"},
    },
    {
        "id": "gw_permit",
        "kind": "xor",
        "name": "持有效居住证？",
        "lane": "window",
        "x": 250,
        "y": 80,
        "default": "f_holder",
    },
    {
        "id": "verify_items",
        "kind": "user",
        "name": "核验积分材料",
        "lane": "window",
        "x": 370,
        "y": 80,
        "props": {"form": "pt_verification", "due": "5WD"},
    },
    {
        "id": "decide_points",
        "kind": "rule",
        "name": "计算各项积分",
        "lane": "window",
        "x": 500,
        "y": 80,
        "decision": "pt_items",
    },
    {"id": "sum_points", "kind": "script", "name": "合计积分", "lane": "window", "x": 620, "y": 80, "script": TOTAL},
    {
        "id": "ev_assessed",
        "kind": "throw",
        "name": "出具积分核定通知书",
        "lane": "window",
        "x": 730,
        "y": 80,
        "props": {"status": "approved", "letter": "pt_result", "action": "record_points"},
    },
    {"id": "end_assessed", "kind": "end", "name": "核定结案", "lane": "window", "x": 820, "y": 80},
    {
        "id": "ev_refused",
        "kind": "throw",
        "name": "不予积分核定",
        "lane": "window",
        "x": 250,
        "y": 190,
        "props": {"status": "refused", "letter": "pt_refusal"},
    },
    {"id": "end_refused", "kind": "end", "name": "不予核定结案", "lane": "window", "x": 150, "y": 190},
]

FLOWS = [
    {"id": "f_start", "from": "start", "to": "ev_received"},
    {"id": "f_received", "from": "ev_received", "to": "gw_permit"},
    {"id": "f_holder", "from": "gw_permit", "to": "verify_items", "name": "是", "label_at": (280, 60)},
    {
        "id": "f_no_permit",
        "from": "gw_permit",
        "to": "ev_refused",
        "route": "v",
        "name": "否",
        "cond": "not permit_valid",
        "label_at": (262, 128),
    },
    {"id": "f_verified", "from": "verify_items", "to": "decide_points"},
    {"id": "f_decided", "from": "decide_points", "to": "sum_points"},
    {"id": "f_summed", "from": "sum_points", "to": "ev_assessed"},
    {"id": "f_assessed_end", "from": "ev_assessed", "to": "end_assessed"},
    {"id": "f_refused_end", "from": "ev_refused", "to": "end_refused", "route": ["l", "r"]},
]

_elements, _flows = escalation(ELEMENTS, "verify_items", row_y=250)
ELEMENTS.extend(_elements)
FLOWS.extend(_flows)

PROCESS = {
    "id": "points_assessment",
    "name": "居住证积分核定",
    "width": 880,
    "lanes": [{"key": "window", "name": "积分受理窗口（流动人口服务中心）", "height": 300}],
    "elements": ELEMENTS,
    "flows": FLOWS,
}
x_shift(PROCESS)

# English names of the steps people see (inbox, task and case pages, timeline, the applicant's progress page): the
# Chinese `name` stays the element's name; app pages pick by language (docs/i18n.md).
PROCESS["english"] = {
    "verify_items": "Check of the points proofs",
    # The diagram's other labels (docs/i18n.md): the process, lanes, events, gateways, automatic tasks, branches.
    "points_assessment": "Residence permit points assessment",
    "lane_window": "Points window (migrant service centre)",
    "start": "Points assessment requested",
    "ev_received": "Acceptance receipt issued",
    "gw_permit": "Valid residence permit held?",
    "decide_points": "Calculation of points per item",
    "sum_points": "Points total",
    "ev_assessed": "Points assessment notice issued",
    "end_assessed": "Closed as assessed",
    "ev_refused": "Points assessment refused",
    "end_refused": "Closed as refused",
    "f_holder": "Yes",
    "f_no_permit": "No",
}
