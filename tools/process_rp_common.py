"""Helpers shared by the residence-permit lifecycle processes (rp_endorsement, rp_change_address, rp_replacement).

Not a process itself: `tools/process_rp_<id>.py` import it. Running this file writes the lifecycle DMN tables:
    python tools/process_rp_common.py   → bpmn/re_*.dmn, bpmn/rc_*.dmn, bpmn/rr_*.dmn
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dmn_table import table


def overdue_timer(due: str) -> dict:
    """The boundary timer at a task's due date: the same rule as the inbox row's due date (docs/timers.md)."""
    number, kind = re.fullmatch(r"(\d+)(WD|CAL)", due).groups()
    function = "after_working_days" if kind == "WD" else "after_calendar_days"
    return {"date": f"{function}({number})"}


def escalation(elements: list[dict], task: str, *, row_y: int) -> tuple[list[dict], list[dict]]:
    """Non-interrupting overdue timer on `task` → escalation (priority up, supervisor told) → end, drawn below."""
    host = next(e for e in elements if e["id"] == task)
    x = host["x"] - 25
    new = [
        {
            "id": f"b_overdue_{task}",
            "kind": "boundary",
            "name": "办理超时",
            "en": "Overdue",
            "attached": task,
            "offset": -25,
            "cancel": False,
            "timer": overdue_timer(host["props"]["due"]),
        },
        {
            "id": f"esc_{task}",
            "kind": "throw",
            "name": "超期督办",
            "en": "Escalated as overdue",
            "lane": host["lane"],
            "x": x,
            "y": row_y,
            "props": {"escalate": "overdue"},
        },
        {
            "id": f"end_esc_{task}",
            "kind": "end",
            "name": "已督办",
            "en": "Escalated",
            "lane": host["lane"],
            "x": x - 80,
            "y": row_y,
        },
    ]
    flows = [
        {"id": f"f_overdue_{task}", "from": f"b_overdue_{task}", "to": f"esc_{task}", "route": "v"},
        {"id": f"f_escalated_{task}", "from": f"esc_{task}", "to": f"end_esc_{task}", "route": ["l", "r"]},
    ]
    return new, flows


DMN_TABLES = {
    # D-RP-4, the community's part: does the holder still meet the conditions (杭州 Arts. 19, 21)?
    "re_conditions.dmn": lambda: table(
        "re_conditions",
        "D-RP-4 签注条件核查（《居住证暂行条例》第二条、第十条；杭州市流动人口服务管理规定第十九条）",
        [("仍在居住地连续居住", "resides", "boolean"), ("现具备的条件", "basis_held", "string")],
        [("符合签注条件", "conditions_met", "boolean"), ("核查结论", "condition_finding", "string")],
        [
            (["False", ""], ["False", '"no_longer_resides"'], "不再在居住地连续居住：不符合签注条件"),
            (["", '"none"'], ["False", '"no_qualifying_condition"'], "不再具有就业、住所、就读任一条件"),
            (["", ""], ["True", '""'], "仍符合条件"),
        ],
        note="SpiffWorkflow's UNIQUE policy returns the first matching rule, i.e. it behaves as FIRST.",
    ),
    # D-RP-4, the outcome rows. The date rows (DUE from anniversary − 1 month, SUSPENDED from the anniversary)
    # are applied to every permit by the endorsement scan (app/permits/scan.py), not inside a case.
    "re_state.dmn": lambda: table(
        "re_state",
        "D-RP-4 签注后居住证状态（《居住证暂行条例》第十条；杭州市流动人口服务管理规定第二十条、第二十一条）",
        [("签注决定", "decision", "string"), ("已过居住满一年之日", "late", "boolean")],
        [("居住证状态", "permit_state", "string")],
        [
            (['"refuse"', ""], ['"terminated"'], "不予签注：居住证使用功能终止"),
            (['"endorse"', "True"], ['"restored"'], "逾期签注：恢复使用功能，居住年限自签注之日起连续计算"),
            (['"endorse"', ""], ['"active"'], "按期签注：有效期顺延一年"),
        ],
        note="Rows 1-2 of D-RP-4 (DUE, SUSPENDED) are date rules run by the endorsement scan on every permit.",
    ),
    # Change of address: reported within 10 days of the move (浙江条例 Art. 13; 杭州)?
    "rc_timeliness.dmn": lambda: table(
        "rc_timeliness",
        "居住地址变更申报时限（浙江省流动人口居住登记条例第十三条：十日内）",
        [("逾期申报", "late_report", "boolean")],
        [("申报时限", "timeliness", "string")],
        [
            (["True"], ['"late"'], "超过十日申报：照常办理变更，凭证注明逾期申报"),
            ([""], ['"on_time"'], "十日内申报"),
        ],
    ),
    # Replacement (Decree 663 Art. 11): lost → reissue (补领); damaged → exchange (换领), old card handed back.
    "rr_route.dmn": lambda: table(
        "rr_route",
        "居住证补领、换领（《居住证暂行条例》第十一条）",
        [("申请事由", "reason", "string"), ("原证已交回", "old_card_returned", "boolean")],
        [("办理类型", "replacement_kind", "string"), ("待收回原证", "await_old_card", "boolean")],
        [
            (['"lost"', ""], ['"reissue"', "False"], "丢失：补领，原证作废"),
            (['"damaged"', "True"], ['"exchange"', "False"], "损坏且已交回原证：换领"),
            (['"damaged"', ""], ['"exchange"', "True"], "损坏但未交回原证：先收回原证"),
        ],
    ),
}


def x_shift(process: dict, shift: int = 40) -> None:
    """Everything sits right of the lanes' name band (x 30–60)."""
    for element in process["elements"]:
        if "x" in element:
            element["x"] += shift
        if "label_at" in element:
            element["label_at"] = (element["label_at"][0] + shift, element["label_at"][1])
    for flow in process["flows"]:
        if isinstance(flow.get("route"), list):
            flow["route"] = flow["route"][:2] + [(px + shift, py) for px, py in flow["route"][2:]]
        if "label_at" in flow:
            flow["label_at"] = (flow["label_at"][0] + shift, flow["label_at"][1])
    process["width"] += shift


if __name__ == "__main__":
    bpmn = Path(__file__).resolve().parent.parent / "bpmn"
    for name, build in DMN_TABLES.items():
        (bpmn / name).write_text(build(), encoding="utf-8")
    print(f"wrote {', '.join(DMN_TABLES)}")
