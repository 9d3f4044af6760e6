"""Writes a BPMN 2.0 file with lanes and diagram interchange from a compact Python description.

Anju's processes are authored here (or in any BPMN modeller: the app only reads the .bpmn). Used as:
    python tools/bpmn_layout.py residence_permit   → bpmn/residence_permit.bpmn
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

SIZES = {"task": (100, 64), "event": (36, 36), "gateway": (50, 50)}
KINDS = {
    "start": ("startEvent", "event"),
    "end": ("endEvent", "event"),
    "throw": ("intermediateThrowEvent", "event"),
    "catch": ("intermediateCatchEvent", "event"),
    "boundary": ("boundaryEvent", "event"),
    "user": ("userTask", "task"),
    "script": ("scriptTask", "task"),
    "rule": ("businessRuleTask", "task"),
    "xor": ("exclusiveGateway", "gateway"),
    "and": ("parallelGateway", "gateway"),
}


def bounds(el):
    w, h = SIZES[KINDS[el["kind"]][1]]
    return el["x"] - w / 2, el["y"] - h / 2, w, h


def anchor(el, side):
    x, y, w, h = bounds(el)
    return {"r": (x + w, y + h / 2), "l": (x, y + h / 2), "t": (x + w / 2, y), "b": (x + w / 2, y + h)}[side]


def route(src, tgt, style):
    if isinstance(style, list):
        return [anchor(src, style[0])] + [tuple(p) for p in style[2:]] + [anchor(tgt, style[1])]
    if style == "h":
        return [anchor(src, "r"), anchor(tgt, "l")]
    if style == "v":
        return [anchor(src, "b" if tgt["y"] > src["y"] else "t"), anchor(tgt, "t" if tgt["y"] > src["y"] else "b")]
    if style == "hv":  # leave right, turn to the target's top/bottom
        a = anchor(src, "r")
        b = anchor(tgt, "t" if tgt["y"] > src["y"] else "b")
        return [a, (b[0], a[1]), b]
    if style == "vh":  # leave bottom/top, turn to the target's left
        a = anchor(src, "b" if tgt["y"] > src["y"] else "t")
        b = anchor(tgt, "l")
        return [a, (a[0], b[1]), b]
    raise ValueError(style)


def props_xml(props, indent):
    if not props:
        return ""
    inner = "".join(
        f'{indent}    <spiffworkflow:property name="{k}" value={quoteattr(v)} />\n' for k, v in props.items()
    )
    return (
        f"{indent}<bpmn:extensionElements>\n{indent}  <spiffworkflow:properties>\n{inner}"
        f"{indent}  </spiffworkflow:properties>\n{indent}</bpmn:extensionElements>\n"
    )


def english_xml(d, key: str, indent: str) -> list[str]:
    """The extensionElements carrying the English name of a pool, process, lane or flow (docs/i18n.md: the process
    diagram in English pages), as lines; none when the process gives no English name for `key`."""
    english = d.get("english", {}).get(key)
    return props_xml({"name_en": english}, indent).rstrip("\n").split("\n") if english else []


def label_xml(x, y, width) -> str:
    return f'<bpmndi:BPMNLabel><dc:Bounds x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="28" /></bpmndi:BPMNLabel>'


def place_boundaries(els) -> None:
    """A boundary event sits on the bottom edge of its host task, `offset` px right of the host's centre."""
    for e in els.values():
        if e["kind"] == "boundary" and "y" not in e:
            host = els[e["attached"]]
            _x, top, _w, height = bounds(host)
            e["x"], e["y"], e["lane"] = host["x"] + e.get("offset", 0), top + height, host["lane"]


def timer_xml(e) -> str:
    """'timer': an ISO duration expression (timeDuration), or {'date': expr} / {'duration': expr} / {'cycle': expr}."""
    timer = e["timer"] if isinstance(e["timer"], dict) else {"duration": e["timer"]}
    ((kind, expression),) = timer.items()
    tag = {"date": "timeDate", "duration": "timeDuration", "cycle": "timeCycle"}[kind]
    return (
        f'      <bpmn:timerEventDefinition id="{e["id"]}_timer"><bpmn:{tag} xsi:type="bpmn:tFormalExpression" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{escape(expression)}</bpmn:{tag}></bpmn:timerEventDefinition>'
    )


def messages_xml(d) -> list[str]:
    """'message': {'name', 'payload'} on a throw event → one <bpmn:message> per name at the definitions level
    (SpiffWorkflow 3 reads the payload expression, spiffworkflow:messagePayload, from there)."""
    found: dict[str, str] = {}
    for e in d["elements"]:
        if e.get("message"):
            name, payload = e["message"]["name"], e["message"]["payload"]
            if found.setdefault(name, payload) != payload:
                raise ValueError(f"message {name!r} is thrown with two different payloads")
    return [
        f'  <bpmn:message id="msg_{name}" name={quoteattr(name)}><bpmn:extensionElements>'
        f"<spiffworkflow:messagePayload>{escape(payload)}</spiffworkflow:messagePayload>"
        "</bpmn:extensionElements></bpmn:message>"
        for name, payload in found.items()
    ]


def build(d) -> str:
    els = {e["id"]: e for e in d["elements"]}
    place_boundaries(els)
    incoming, outgoing = {}, {}
    for f in d["flows"]:
        outgoing.setdefault(f["from"], []).append(f["id"])
        incoming.setdefault(f["to"], []).append(f["id"])
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        f'id="defs_{d["id"]}" targetNamespace="http://anju.example/bpmn">',
        *messages_xml(d),
        f'  <bpmn:collaboration id="collab_{d["id"]}">',
        f'    <bpmn:participant id="pool_{d["id"]}" name={quoteattr(d["name"])} processRef="{d["id"]}">',
        *english_xml(d, d["id"], "      "),
        "    </bpmn:participant>",
        "  </bpmn:collaboration>",
        f'  <bpmn:process id="{d["id"]}" name={quoteattr(d["name"])} isExecutable="true">',
        *english_xml(d, d["id"], "    "),
        f'    <bpmn:laneSet id="laneset_{d["id"]}">',
    ]
    for lane in d["lanes"]:
        out.append(f'      <bpmn:lane id="lane_{lane["key"]}" name={quoteattr(lane["name"])}>')
        out += english_xml(d, f"lane_{lane['key']}", "        ")
        out += [
            f"        <bpmn:flowNodeRef>{e['id']}</bpmn:flowNodeRef>" for e in d["elements"] if e["lane"] == lane["key"]
        ]
        out.append("      </bpmn:lane>")
    out.append("    </bpmn:laneSet>")
    for e in d["elements"]:
        tag = KINDS[e["kind"]][0]
        attrs = f'id="{e["id"]}" name={quoteattr(e["name"])}'
        if e.get("default"):
            attrs += f' default="{e["default"]}"'
        if e["kind"] == "boundary":
            attrs += f' attachedToRef="{e["attached"]}" cancelActivity="{str(e.get("cancel", True)).lower()}"'
        out.append(f"    <bpmn:{tag} {attrs}>")
        ext = dict(e.get("props", {}))
        english = e.get("en") or d.get("english", {}).get(e["id"])
        if english:  # the step's name in English pages (docs/i18n.md); `name` stays Chinese
            ext["name_en"] = english
        body = props_xml(ext, "      ")
        if e["kind"] == "rule":
            body = body.replace("</bpmn:extensionElements>", "") if body else "      <bpmn:extensionElements>\n"
            body += (
                f"        <spiffworkflow:calledDecisionId>{e['decision']}</spiffworkflow:calledDecisionId>\n"
                "      </bpmn:extensionElements>\n"
            )
        out.append(body.rstrip("\n")) if body else None
        out += [f"      <bpmn:incoming>{i}</bpmn:incoming>" for i in incoming.get(e["id"], [])]
        out += [f"      <bpmn:outgoing>{o}</bpmn:outgoing>" for o in outgoing.get(e["id"], [])]
        if e.get("timer"):
            out.append(timer_xml(e))
        if e.get("message"):
            out.append(
                f'      <bpmn:messageEventDefinition id="{e["id"]}_message" messageRef="msg_{e["message"]["name"]}" />'
            )
        if e["kind"] == "script":
            out.append(f"      <bpmn:script>{escape(e['script'])}</bpmn:script>")
        out.append(f"    </bpmn:{tag}>")
    for f in d["flows"]:
        name = f" name={quoteattr(f['name'])}" if f.get("name") else ""
        english = english_xml(d, f["id"], "      ") if f.get("name") else []
        if f.get("cond") or english:
            out.append(f'    <bpmn:sequenceFlow id="{f["id"]}"{name} sourceRef="{f["from"]}" targetRef="{f["to"]}">')
            out += english
        if f.get("cond"):
            out.append(
                '      <bpmn:conditionExpression xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                f'xsi:type="bpmn:tFormalExpression">{escape(f["cond"])}</bpmn:conditionExpression>'
            )
        if f.get("cond") or english:
            out.append("    </bpmn:sequenceFlow>")
        else:
            out.append(f'    <bpmn:sequenceFlow id="{f["id"]}"{name} sourceRef="{f["from"]}" targetRef="{f["to"]}" />')
    out.append("  </bpmn:process>")
    # diagram
    lane_h = {ln["key"]: ln["height"] for ln in d["lanes"]}
    width = d["width"]
    total_h = sum(lane_h.values())
    out += [
        f'  <bpmndi:BPMNDiagram id="diagram_{d["id"]}">',
        f'    <bpmndi:BPMNPlane id="plane_{d["id"]}" bpmnElement="collab_{d["id"]}">',
        f'      <bpmndi:BPMNShape id="pool_{d["id"]}_di" bpmnElement="pool_{d["id"]}" isHorizontal="true">'
        f'<dc:Bounds x="0" y="0" width="{width}" height="{total_h}" /></bpmndi:BPMNShape>',
    ]
    y = 0
    for ln in d["lanes"]:
        out.append(
            f'      <bpmndi:BPMNShape id="lane_{ln["key"]}_di" bpmnElement="lane_{ln["key"]}" isHorizontal="true">'
            f'<dc:Bounds x="30" y="{y}" width="{width - 30}" height="{ln["height"]}" /></bpmndi:BPMNShape>'
        )
        y += ln["height"]
    for e in d["elements"]:
        x, yy, w, h = bounds(e)
        label = ""
        if e.get("label_at"):  # an explicit label box (x, y): where the default spot below is taken by a flow
            lx, ly = e["label_at"]
            label = label_xml(lx, ly, w + 44)
        elif KINDS[e["kind"]][1] != "task":
            label = label_xml(x - 22, yy + h + 4, w + 44)
        out.append(
            f'      <bpmndi:BPMNShape id="{e["id"]}_di" bpmnElement="{e["id"]}">'
            f'<dc:Bounds x="{x:.0f}" y="{yy:.0f}" width="{w}" height="{h}" />{label}</bpmndi:BPMNShape>'
        )
    for f in d["flows"]:
        pts = route(els[f["from"]], els[f["to"]], f.get("route", "h"))
        wps = "".join(f'<di:waypoint x="{px:.0f}" y="{py:.0f}" />' for px, py in pts)
        label = ""
        if f.get("name"):
            lx, ly = f.get("label_at", ((pts[0][0] + pts[1][0]) / 2 + 4, (pts[0][1] + pts[1][1]) / 2 - 18))
            label = (
                f'<bpmndi:BPMNLabel><dc:Bounds x="{lx:.0f}" y="{ly:.0f}" width="60" height="14" /></bpmndi:BPMNLabel>'
            )
        out.append(f'      <bpmndi:BPMNEdge id="{f["id"]}_di" bpmnElement="{f["id"]}">{wps}{label}</bpmndi:BPMNEdge>')
    out += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>", "</bpmn:definitions>", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    name = sys.argv[1]
    desc = importlib.import_module(f"process_{name}").PROCESS
    target = Path(__file__).resolve().parent.parent / "bpmn" / f"{name}.bpmn"
    target.write_text(build(desc), encoding="utf-8")
    print(f"wrote {target}")
