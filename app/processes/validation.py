"""Anju's own checks on a BPMN file before the engine sees it.

The engine fails unevenly on bad BPMN (measured-facts.md): sometimes a clear element id, sometimes a bare
KeyError, sometimes it parses and silently skips work (flows without ids, disconnected tasks). These checks
catch those cases first and explain them with the file, the element id and the reason.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from datetime import datetime

from lxml import etree

from app.core.errors import ProcessDefinitionError
from app.processes import scripting

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF, "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}

# Elements Anju knows how to run and route. Anything else in a process is refused at deploy time.
EXECUTABLE = {
    "startEvent",
    "endEvent",
    "userTask",
    "scriptTask",
    "businessRuleTask",
    "manualTask",
    "task",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "intermediateThrowEvent",
    "intermediateCatchEvent",
    "boundaryEvent",
    "subProcess",
    "callActivity",
}
DECORATIVE = {
    "sequenceFlow",
    "laneSet",
    "lane",
    "flowNodeRef",
    "textAnnotation",
    "association",
    "documentation",
    "extensionElements",
    "incoming",
    "outgoing",
    "dataObject",
    "dataObjectReference",
    "dataInputAssociation",
    "dataOutputAssociation",
    "conditionExpression",
    "text",
    "ioSpecification",
    "childLaneSet",
    "script",
    "timeDuration",
    "timeDate",
    "timeCycle",
    "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics",
}
FLOW_NODES = EXECUTABLE
ACTIVITIES = {"userTask", "scriptTask", "businessRuleTask", "manualTask", "task", "subProcess", "callActivity"}
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
_ISO_DURATION = re.compile(r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def check_process_xml(filename: str, xml: str, process_id: str):
    """Returns (task metadata by id, lanes, process name) if the file holds `process_id`, else None."""
    from app.processes.engine import TaskMeta  # local: engine imports this module

    try:
        root = etree.fromstring(xml.encode())
    except etree.XMLSyntaxError as exc:
        raise ProcessDefinitionError(filename, None, f"not well-formed XML: {exc}") from exc
    process = root.find(f"bpmn:process[@id='{process_id}']", NS)
    if process is None:
        return None
    if root.find(".//bpmndi:BPMNDiagram", NS) is None:
        raise ProcessDefinitionError(filename, process_id, "has no diagram information (bpmndi), so it cannot be drawn")

    ids: set[str] = set()
    for el in process.iterdescendants():
        if not isinstance(el.tag, str) or el.tag.startswith(f"{{{SPIFF}}}"):
            continue
        name = _local(el)
        if el.getparent() is not None and _local(el.getparent()) == "extensionElements":
            continue
        if name not in EXECUTABLE and name not in DECORATIVE and not name.endswith("EventDefinition"):
            raise ProcessDefinitionError(filename, el.get("id"), f"element <{name}> is not something Anju can execute")
        if name in FLOW_NODES or name == "sequenceFlow":
            if not el.get("id"):
                raise ProcessDefinitionError(filename, None, f"a <{name}> has no id")
            ids.add(el.get("id"))

    flows = process.findall(".//bpmn:sequenceFlow", NS)
    incoming: dict[str, int] = {}
    outgoing: dict[str, list[etree._Element]] = {}
    for flow in flows:
        src, tgt = flow.get("sourceRef"), flow.get("targetRef")
        if src not in ids or tgt not in ids:
            raise ProcessDefinitionError(
                filename, flow.get("id"), "sequence flow points to an element that does not exist"
            )
        incoming[tgt] = incoming.get(tgt, 0) + 1
        outgoing.setdefault(src, []).append(flow)

    lane_of: dict[str, str] = {}
    lanes: dict[str, str] = {}
    for lane in process.findall(".//bpmn:lane", NS):
        key = (lane.get("id") or "").removeprefix("lane_")
        lanes[key] = lane.get("name") or key
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lane_of[(ref.text or "").strip()] = key

    kinds = {el.get("id"): _local(el) for el in process.iter(*(f"{{{BPMN}}}{n}" for n in EXECUTABLE))}
    for timer in process.iter(f"{{{BPMN}}}timerEventDefinition"):
        _check_timer(filename, timer)
    metas: dict[str, TaskMeta] = {}
    for el in process.iter(*(f"{{{BPMN}}}{n}" for n in EXECUTABLE)):
        kind, el_id = _local(el), el.get("id")
        in_subprocess = _local(el.getparent()) == "subProcess"
        is_start = kind in ("startEvent", "boundaryEvent") or (in_subprocess and kind == "startEvent")
        if not is_start and not incoming.get(el_id):
            raise ProcessDefinitionError(filename, el_id, f"<{kind}> has no incoming sequence flow (disconnected)")
        if kind != "endEvent" and not outgoing.get(el_id):
            raise ProcessDefinitionError(filename, el_id, f"<{kind}> has no outgoing sequence flow (disconnected)")
        if kind == "exclusiveGateway" and len(outgoing.get(el_id, [])) > 1:
            default = el.get("default")
            for flow in outgoing[el_id]:
                if flow.get("id") != default and flow.find("bpmn:conditionExpression", NS) is None:
                    raise ProcessDefinitionError(
                        filename, flow.get("id"), "gateway branch has no condition and is not the default"
                    )
        props = {
            p.get("name"): p.get("value")
            for p in el.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
        }
        if kind == "userTask":
            if el_id not in lane_of:
                raise ProcessDefinitionError(
                    filename, el_id, "user task is in no lane, so nobody could be routed to it"
                )
            if not props.get("form"):
                raise ProcessDefinitionError(filename, el_id, "user task names no form (spiffworkflow:property form)")
        if kind == "boundaryEvent" and kinds.get(el.get("attachedToRef")) not in ACTIVITIES:
            raise ProcessDefinitionError(filename, el_id, "boundary event is not attached to a task (attachedToRef)")
        if kind == "intermediateThrowEvent" and props.get("escalate") and not props.get("escalate_task"):
            props["escalate_task"] = _escalated_task(filename, process, el, incoming)
        title_en = props.pop("name_en", None)  # a name for English pages, not a milestone property
        metas[el_id] = TaskMeta(el_id, el.get("name") or el_id, kind, lane_of.get(el_id), props, title_en)
    for timer_id, escalation_id in _escalation_only_timers(process, outgoing, incoming, metas).items():
        metas[timer_id] = replace(metas[timer_id], escalation_only=escalation_id)
    return metas, lanes, process.get("name") or process_id


def _escalation_only_timers(
    process: etree._Element, outgoing: dict[str, list[etree._Element]], incoming: dict[str, int], metas: dict
) -> dict[str, str]:
    """Boundary timers whose path does nothing but escalate the task: the timer scan may fire these without
    running the engine (docs/timers.md, "Escalation timers"), so the shape is checked strictly — a
    non-interrupting date or duration timer on a task of the process itself (not a cycle: it fires once), one
    unconditional flow to an escalation event that carries nothing else (no status, letter, action, message,
    script), one flow on to a plain end event. Anything more and the timer goes through the engine as usual."""

    def plain_next(el_id: str) -> str | None:
        flows = outgoing.get(el_id, [])
        if len(flows) != 1 or flows[0].find("bpmn:conditionExpression", NS) is not None:
            return None
        target = flows[0].get("targetRef")
        return target if incoming.get(target) == 1 else None

    def definitions(el_id: str) -> list[str]:
        el = process.find(f"*[@id='{el_id}']")
        return [] if el is None else [_local(c) for c in el if _local(c).endswith("EventDefinition")]

    found = {}
    for boundary in process.findall("bpmn:boundaryEvent", NS):
        timer_id = boundary.get("id")
        timer = boundary.find("bpmn:timerEventDefinition", NS)
        if timer is None or boundary.get("cancelActivity") != "false" or timer.find("bpmn:timeCycle", NS) is not None:
            continue
        if definitions(timer_id) != ["timerEventDefinition"] or metas[timer_id].properties:
            continue
        escalation = plain_next(timer_id)
        meta = metas.get(escalation or "")
        if meta is None or meta.kind != "intermediateThrowEvent" or definitions(meta.name):
            continue
        if set(meta.properties) != {"escalate", "escalate_task"} or meta.properties["escalate_task"] != boundary.get(
            "attachedToRef"
        ):
            continue
        end = metas.get(plain_next(meta.name) or "")
        if end is not None and end.kind == "endEvent" and not end.properties and not definitions(end.name):
            found[timer_id] = meta.name
    return found


def _check_timer(filename: str, timer: etree._Element) -> None:
    """A timer needs exactly one time expression, which must pass the script sandbox; a constant must be a
    valid ISO date or duration. Caught here, a typo fails the deploy instead of a case months later."""
    event = timer.getparent()
    where = event.get("id") if event is not None else timer.get("id")
    found = [(kind, (child.text or "").strip()) for kind in TIMER_KINDS for child in timer.findall(f"bpmn:{kind}", NS)]
    if len(found) != 1 or not found[0][1]:
        raise ProcessDefinitionError(
            filename, where, "timer needs exactly one timeDate, timeDuration or timeCycle expression"
        )
    kind, expression = found[0]
    try:
        tree = scripting.check_source(expression, "eval")
    except (SyntaxError, scripting.ScriptNotAllowed) as exc:
        raise ProcessDefinitionError(filename, where, f"timer expression {expression!r}: {exc}") from exc
    body = tree.body  # type: ignore[attr-defined]
    if isinstance(body, ast.Name) and _ISO_DURATION.match(body.id.upper()):
        raise ProcessDefinitionError(
            filename, where, f'timer expression {expression}: write a duration as a quoted string ("{body.id}")'
        )
    if isinstance(body, ast.Constant):
        value = body.value
        ok = isinstance(value, str) and (
            (kind == "timeDuration" and bool(_ISO_DURATION.match(value.upper())))
            or (kind == "timeDate" and _is_iso_datetime(value))
            or kind == "timeCycle"
        )
        if not ok:
            hint = " with its UTC offset (+08:00)" if kind == "timeDate" else ""
            raise ProcessDefinitionError(
                filename, where, f"timer {kind} {expression} is not a valid ISO 8601 value{hint}"
            )


def _is_iso_datetime(value: str) -> bool:
    """With its UTC offset: without one the engine would read it in the server's time zone."""
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _escalated_task(filename: str, process: etree._Element, event: etree._Element, incoming: dict[str, int]) -> str:
    """An escalation event names no task: it escalates the task its boundary timer is attached to."""
    for flow in process.findall(".//bpmn:sequenceFlow", NS):
        if flow.get("targetRef") != event.get("id"):
            continue
        source = process.find(f".//bpmn:boundaryEvent[@id='{flow.get('sourceRef')}']", NS)
        if source is not None and incoming.get(event.get("id")) == 1:
            return source.get("attachedToRef")
    raise ProcessDefinitionError(filename, event.get("id"), "escalation event must follow exactly one boundary event")
