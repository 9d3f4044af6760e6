"""Residence permit: replacement card (居住证补领、换领), Decree 663 Art. 11 and D-RP-6.

A lost card is reissued (补领) and the old one declared void; a damaged card is exchanged (换领) and must be
handed back first. The police station produces the new card; the permit keeps its number, the card serial
goes up and every earlier card is void.

Edit here, then: python tools/bpmn_layout.py rp_replacement   (DMN tables: python tools/process_rp_common.py)
"""

from process_rp_common import escalation, x_shift

ELEMENTS = [
    {
        "id": "start",
        "kind": "start",
        "name": "申请补领或换领",
        "lane": "window",
        "x": 60,
        "y": 75,
        "props": {"form": "rr_request"},
    },
    {
        "id": "ev_received",
        "kind": "throw",
        "name": "出具受理回执",
        "lane": "window",
        "x": 150,
        "y": 75,
        "props": {"status": "in_review", "letter": "rr_receipt"},
    },
    {
        "id": "decide_route",
        "kind": "rule",
        "name": "补领或换领判定",
        "lane": "window",
        "x": 260,
        "y": 75,
        "decision": "rr_route",
    },
    {
        "id": "gw_old_card",
        "kind": "xor",
        "name": "原证已交回？",
        "lane": "window",
        "x": 380,
        "y": 75,
        "default": "f_card_ok",
    },
    {
        "id": "receive_old_card",
        "kind": "user",
        "name": "收回原证",
        "lane": "window",
        "x": 490,
        "y": 170,
        "props": {"form": "rr_old_card", "due": "10CAL"},
    },
    {
        "id": "produce_card",
        "kind": "user",
        "name": "制作新证",
        "lane": "police_station",
        "x": 620,
        "y": 330,
        "props": {"form": "rr_production", "due": "5WD"},
    },
    {
        "id": "ev_replaced",
        "kind": "throw",
        "name": "新证制发，原证作废",
        "lane": "police_station",
        "x": 750,
        "y": 330,
        "props": {"status": "approved", "action": "replace_card", "letter": "rr_certificate"},
    },
    {"id": "end_replaced", "kind": "end", "name": "补换领结案", "lane": "police_station", "x": 840, "y": 330},
]

FLOWS = [
    {"id": "f_start", "from": "start", "to": "ev_received"},
    {"id": "f_received", "from": "ev_received", "to": "decide_route"},
    {"id": "f_route", "from": "decide_route", "to": "gw_old_card"},
    {
        "id": "f_await_card",
        "from": "gw_old_card",
        "to": "receive_old_card",
        "route": "vh",
        "name": "待收回",
        "cond": "await_old_card",
        "label_at": (388, 130),
    },
    {"id": "f_card_ok", "from": "gw_old_card", "to": "produce_card", "route": "hv", "name": "无需收回"},
    {"id": "f_card_received", "from": "receive_old_card", "to": "produce_card", "route": "hv"},
    {"id": "f_produced", "from": "produce_card", "to": "ev_replaced"},
    {"id": "f_replaced_end", "from": "ev_replaced", "to": "end_replaced"},
]

for _task, _row in (("receive_old_card", 245), ("produce_card", 410)):
    _elements, _flows = escalation(ELEMENTS, _task, row_y=_row)
    ELEMENTS.extend(_elements)
    FLOWS.extend(_flows)

PROCESS = {
    "id": "rp_replacement",
    "name": "居住证补领、换领",
    "width": 900,
    "lanes": [
        {"key": "window", "name": "受理窗口", "height": 270},
        {"key": "police_station", "name": "派出所", "height": 180},
    ],
    "elements": ELEMENTS,
    "flows": FLOWS,
}
x_shift(PROCESS)

# English names of the steps people see (inbox, task and case pages, timeline, the applicant's progress page): the
# Chinese `name` stays the element's name; app pages pick by language (docs/i18n.md).
PROCESS["english"] = {
    "receive_old_card": "Receive the old card",
    "produce_card": "Produce the new card",
    # The diagram's other labels (docs/i18n.md): the process, lanes, events, gateways, automatic tasks, branches.
    "rp_replacement": "Residence permit replacement card",
    "lane_window": "Service window",
    "lane_police_station": "Police station",
    "start": "Reissue or exchange requested",
    "ev_received": "Acceptance receipt issued",
    "decide_route": "Determination: reissue or exchange",
    "gw_old_card": "Old card handed back?",
    "ev_replaced": "New card issued, old card void",
    "end_replaced": "Closed as replaced",
    "f_await_card": "To be returned",
    "f_card_ok": "Not required",
}
