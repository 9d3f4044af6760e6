"""Anju's own checks on a BPMN file before the engine sees it.

The engine fails unevenly on bad BPMN (measured-facts.md): sometimes a clear element id, sometimes a bare
KeyError, sometimes it parses and silently skips work (flows without ids, disconnected tasks). These checks
catch those cases first and explain them with the file, the element id and the reason.
"""
from __future__ import annotations

from lxml import etree

from app.core.errors import ProcessDefinitionError

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF, "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}

# Elements Anju knows how to run and route. Anything else in a process is refused at deploy time.
EXECUTABLE = {
    "startEvent", "endEvent", "userTask", "scriptTask", "businessRuleTask", "manualTask", "task",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent", "subProcess", "callActivity",
}
DECORATIVE = {
    "sequenceFlow", "laneSet", "lane", "flowNodeRef", "textAnnotation", "association", "documentation",
    "extensionElements", "incoming", "outgoing", "dataObject", "dataObjectReference", "dataInputAssociation",
    "dataOutputAssociation", "conditionExpression", "text", "ioSpecification", "childLaneSet", "script",
    "timeDuration", "timeDate", "timeCycle", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics",
}
FLOW_NODES = EXECUTABLE


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
            raise ProcessDefinitionError(filename, flow.get("id"), "sequence flow points to an element that does not exist")
        incoming[tgt] = incoming.get(tgt, 0) + 1
        outgoing.setdefault(src, []).append(flow)

    lane_of: dict[str, str] = {}
    lanes: dict[str, str] = {}
    for lane in process.findall(".//bpmn:lane", NS):
        key = (lane.get("id") or "").removeprefix("lane_")
        lanes[key] = lane.get("name") or key
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lane_of[(ref.text or "").strip()] = key

    metas: dict[str, TaskMeta] = {}
    for el in process.iter(*(f"{{{BPMN}}}{n}" for n in EXECUTABLE)):
        kind, el_id = _local(el), el.get("id")
        in_subprocess = _local(el.getparent()) == "subProcess"
        is_start = kind in ("startEvent", "boundaryEvent") or in_subprocess and kind == "startEvent"
        if not is_start and not incoming.get(el_id):
            raise ProcessDefinitionError(filename, el_id, f"<{kind}> has no incoming sequence flow (disconnected)")
        if kind != "endEvent" and not outgoing.get(el_id):
            raise ProcessDefinitionError(filename, el_id, f"<{kind}> has no outgoing sequence flow (disconnected)")
        if kind == "exclusiveGateway" and len(outgoing.get(el_id, [])) > 1:
            default = el.get("default")
            for flow in outgoing[el_id]:
                if flow.get("id") != default and flow.find("bpmn:conditionExpression", NS) is None:
                    raise ProcessDefinitionError(filename, flow.get("id"), "gateway branch has no condition and is not the default")
        props = {
            p.get("name"): p.get("value")
            for p in el.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
        }
        if kind == "userTask":
            if el_id not in lane_of:
                raise ProcessDefinitionError(filename, el_id, "user task is in no lane, so nobody could be routed to it")
            if not props.get("form"):
                raise ProcessDefinitionError(filename, el_id, "user task names no form (spiffworkflow:property form)")
        metas[el_id] = TaskMeta(el_id, el.get("name") or el_id, kind, lane_of.get(el_id), props)
    return metas, lanes, process.get("name") or process_id
