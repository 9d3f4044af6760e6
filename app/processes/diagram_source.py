"""Reading a BPMN file for the diagram (app.processes.diagram): parsing it safely, picking the plane to draw,
the English names for English pages, and the title when the caller gives none."""

from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {
    "bpmn": BPMN,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def parse(bpmn_xml: str) -> etree._Element:
    # No entities, DTDs or network: a process file is data, never a way to read the server's disk.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    try:
        return etree.fromstring(bpmn_xml.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"The BPMN file is not well-formed XML: {exc}") from exc


def use_english_names(root: etree._Element) -> None:
    """Puts each element's English name (a spiffworkflow property `name_en` in its extensionElements, written by
    the process generators) in place of its name in the parsed file; an element without one keeps its name."""
    namespaces = {"bpmn": BPMN, "spiff": SPIFF}
    for element in root.iter(f"{{{BPMN}}}*"):
        english = element.find("bpmn:extensionElements/spiff:properties/spiff:property[@name='name_en']", namespaces)
        if english is not None and english.get("value"):
            element.set("name", english.get("value"))


def pick_plane(root: etree._Element, elements: dict, process_id: str | None) -> etree._Element:
    planes = root.findall("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    if not planes:
        raise ValueError(
            "The BPMN file has no diagram information (no bpmndi:BPMNDiagram); "
            "open it in a BPMN modeller and save it there so the layout is stored."
        )
    for plane in planes if process_id else planes[:1]:
        shown = elements.get(plane.get("bpmnElement"))
        pools = shown.findall("bpmn:participant", NS) if shown is not None else []
        if process_id in (None, plane.get("bpmnElement")) or any(p.get("processRef") == process_id for p in pools):
            return plane
    raise ValueError(f"The BPMN file has no diagram information for process {process_id!r}.")


def process_name(plane: etree._Element, elements: dict, process_id: str | None) -> str:
    """The title to use when the caller gives none: the process's name, else its pool's, else its id."""
    shown = elements.get(process_id or plane.get("bpmnElement"))
    if shown is not None and local_name(shown) == "collaboration":
        pool = shown.find("bpmn:participant[@processRef]", NS)
        process = elements.get(pool.get("processRef")) if pool is not None else None
        shown = process if process is not None and process.get("name") else pool
    return "" if shown is None else shown.get("name") or shown.get("id") or ""
