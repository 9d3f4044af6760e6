"""Draw a BPMN 2.0 process as an inline SVG, from the layout the modeller saved in the file (BPMN DI).

Why our own renderer: case pages and supervision dashboards show "where is this case" on the real process
map with no JavaScript (bpmn-js), no CDN and no network. We draw the BPMNShape bounds, BPMNEdge waypoints
and BPMNLabel bounds as they are and never re-lay the diagram out, so staff see the picture the process
owner approved. Styling uses presentation attributes, not <style>, so a strict Content-Security-Policy
holds. Only lxml is used: SpiffWorkflow stays behind app/processes/engine/.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

from app.processes.diagram_shapes import (
    ACTIVE,
    DONE,
    INK,
    LINE_HEIGHT,
    PAPER,
    SVG_NS,
    Box,
    block_height,
    count_bubble,
    icon,
    marker_defs,
    num,
    rect,
    sub,
    text_block,
    text_em,
    widest_word_em,
    wrap,
)
from app.processes.diagram_source import BPMN, NS, local_name, parse, pick_plane, process_name, use_english_names

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Micro Hei, sans-serif"
FONT, LABEL_FONT, SMALL_FONT, TINY_FONT = 12.0, 11.0, 10.0, 9.0  # the smaller two: long names
LABEL_WIDTH = 90.0  # labels outside their shape (events, gateways, flows) wrap at bpmn.io's width
PADDING = 24.0
TASKS = {"task", "userTask", "manualTask", "scriptTask", "businessRuleTask", "serviceTask", "sendTask"}
TASKS |= {"receiveTask", "callActivity"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
DATA = {"dataObjectReference", "dataStoreReference"}
CATEGORIES = {"participant": "pool", "lane": "lane", "textAnnotation": "annotation", "group": "group"}
CATEGORIES |= {k: "task" for k in TASKS} | {k: "subprocess" for k in SUBPROCESSES} | {k: "data" for k in DATA}
CATEGORIES |= {k: "event" for k in EVENTS} | {k: "gateway" for k in GATEWAYS}
EVENT_ICONS = {"timer", "message", "signal", "error", "escalation", "conditional", "terminate"}
EDGES = {"sequenceFlow", "messageFlow", "association", "dataInputAssociation", "dataOutputAssociation"}
HEAT_LIGHT, HEAT_DARK = (255, 241, 223), (232, 128, 31)  # INK text keeps a contrast above 4.5:1 on both
STATE_FILL = {"active": "#dceafa", "done": "#e9f4ec"}
# A white outline behind outside labels keeps them readable where they cross a flow or a lane border.
HALO = {"stroke": PAPER, "stroke_width": 3.0, "stroke_linejoin": "round", "paint_order": "stroke"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class _Shape:
    id: str
    kind: str  # the BPMN element's tag without namespace, e.g. "userTask"
    element: etree._Element
    box: Box
    label: Box | None  # BPMNLabel bounds, when the modeller placed the label
    expanded: bool
    horizontal: bool

    @property
    def name(self) -> str:
        return (self.element.get("name") or self.element.findtext("bpmn:text", "", NS)).strip()


@dataclass(frozen=True)
class _Edge:
    id: str
    kind: str
    element: etree._Element
    points: list[tuple[float, float]]
    label: Box | None


def render_diagram_svg(
    bpmn_xml: str,
    *,
    process_id: str | None = None,
    active: Collection[str] = (),
    done: Collection[str] = (),
    counts: Mapping[str, int] | None = None,
    title: str = "",
    english: bool = False,
) -> str:
    """Return an accessible inline <svg> of one process, marking the current (`active`) and finished
    (`done`) elements, and optionally how many cases wait at each element (`counts`, a heat overlay).

    `process_id` picks the diagram plane when the file holds several; the default is the first one. `english`:
    each element's English name (its `name_en` property) where it has one, for English pages (docs/i18n.md).
    Raises ValueError when the file is not XML or carries no diagram information to draw from.
    """
    root = parse(bpmn_xml)
    if english:
        use_english_names(root)
    elements = {e.get("id"): e for e in root.iter(f"{{{BPMN}}}*") if e.get("id")}
    plane = pick_plane(root, elements, process_id)
    shapes = {s.id: s for s in _shapes(plane, elements)}
    if not shapes:
        raise ValueError("The BPMN file has no diagram information: its diagram plane holds no shapes.")
    edges = list(_edges(plane, elements, shapes))
    waiting = {k: v for k, v in (counts or {}).items() if isinstance(v, int) and v > 0}
    drawing = _Drawing(shapes, active=set(active), done=set(done) - set(active), waiting=waiting)
    key = (bpmn_xml, process_id, sorted(active), sorted(done), sorted(waiting.items()), title, english)
    prefix = "bpmn-" + hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    svg = _root(_extent(shapes.values(), edges), prefix)
    title = title or process_name(plane, elements, process_id) or "BPMN process diagram"
    sub(svg, "title", _clean(title), id=f"{prefix}-title")
    sub(svg, "desc", _clean(drawing.description(english=english)), id=f"{prefix}-desc")
    marker_defs(svg, prefix)
    items: list[_Shape | _Edge] = [*shapes.values(), *edges]
    for item in sorted(items, key=_layer):
        if isinstance(item, _Edge):
            drawing.edge(svg, item, prefix)
        else:
            drawing.shape(svg, item)
    return etree.tostring(svg, encoding="unicode")


def _box(bounds: etree._Element | None) -> Box | None:
    if bounds is None:
        return None
    try:
        box = Box(*(float(bounds.get(k, "")) for k in ("x", "y", "width", "height")))
    except ValueError:
        return None
    sane = all(abs(v) < 1e7 for v in (box.x, box.y, box.w, box.h))  # also false for nan and inf
    return box if sane and box.w >= 0 and box.h >= 0 else None


def _shapes(plane: etree._Element, elements: dict) -> Iterable[_Shape]:
    for di in plane.iter("{*}BPMNShape"):
        element, box = elements.get(di.get("bpmnElement")), _box(di.find("dc:Bounds", NS))
        if element is None or box is None or local_name(element) not in CATEGORIES:
            continue  # a shape for something the file does not define, or that we cannot draw: skip it
        label = _box(di.find("bpmndi:BPMNLabel/dc:Bounds", NS))
        flags = di.get("isExpanded") == "true", di.get("isHorizontal") != "false"
        yield _Shape(element.get("id"), local_name(element), element, box, label, *flags)


def _edges(plane: etree._Element, elements: dict, shapes: dict[str, _Shape]) -> Iterable[_Edge]:
    for di in plane.iter("{*}BPMNEdge"):
        element = elements.get(di.get("bpmnElement"))
        try:
            points = [(float(p.get("x")), float(p.get("y"))) for p in di.findall("di:waypoint", NS)]
        except (TypeError, ValueError):
            continue
        if element is None or local_name(element) not in EDGES or len(points) < 2:
            continue
        source, target = shapes.get(element.get("sourceRef")), shapes.get(element.get("targetRef"))
        points[0] = _onto_border(points[0], points[1], source)
        points[-1] = _onto_border(points[-1], points[-2], target)
        label = _box(di.find("bpmndi:BPMNLabel/dc:Bounds", NS))
        yield _Edge(element.get("id"), local_name(element), element, points, label)


def _inside(shape: _Shape, point: tuple[float, float]) -> bool:
    """Strictly inside the outline (half a pixel in), so a waypoint on the border counts as outside."""
    b, (px, py) = shape.box, point
    dx, dy = abs(px - b.cx) / max(b.w / 2 - 0.5, 0.5), abs(py - b.cy) / max(b.h / 2 - 0.5, 0.5)
    if shape.kind in EVENTS:
        return dx * dx + dy * dy < 1
    return dx + dy < 1 if shape.kind in GATEWAYS else max(dx, dy) < 1


def _onto_border(end: tuple, other: tuple, shape: _Shape | None) -> tuple[float, float]:
    """Hand-written DI often points a flow at the shape's centre; move that end out onto the border."""
    if shape is None or shape.kind == "lane" or not _inside(shape, end) or _inside(shape, other):
        return end
    inside, outside = end, other
    for _ in range(24):  # bisect the segment: the same for rectangles, circles and diamonds
        middle = ((inside[0] + outside[0]) / 2, (inside[1] + outside[1]) / 2)
        inside, outside = (middle, outside) if _inside(shape, middle) else (inside, middle)
    return outside


def _layer(item: _Shape | _Edge) -> tuple[int, float]:
    """Paint order, as bpmn.io: pools, lanes, opened subprocesses (outer first), nodes, boundary events on
    their host, then flows and their names above the nodes, and message flows last as they cross pools."""
    if isinstance(item, _Edge):
        return (6 if item.kind == "messageFlow" else 5), 0.0
    if item.kind in SUBPROCESSES and item.expanded:
        return 2, -item.box.w * item.box.h
    return {"participant": 0, "lane": 1, "boundaryEvent": 4}.get(item.kind, 3), 0.0


def _outside_label(shape: _Shape) -> tuple[list[str], Box] | None:
    """Lines and place of an event, gateway or data label: at its BPMNLabel bounds, else under the shape."""
    if shape.kind not in EVENTS | GATEWAYS | DATA or not (lines := _label_lines(shape.name, shape.label)):
        return None
    height = block_height(lines, LABEL_FONT)
    if shape.label:
        return lines, Box(shape.label.cx - LABEL_WIDTH / 2, shape.label.cy - height / 2, LABEL_WIDTH, height)
    return lines, Box(shape.box.cx - LABEL_WIDTH / 2, shape.box.y + shape.box.h + 6, LABEL_WIDTH, height)


def _label_lines(name: str, label: Box | None) -> list[str]:
    """Wrap at bpmn.io's 90px, but into as many lines as the modeller's label box is tall: bpmn.io sizes
    that box to its text, and hand-made layouts draw two-line boxes where neighbours stand close."""
    rows = max(1, round(label.h / (LABEL_FONT * LINE_HEIGHT))) if label else 1
    balanced = max(text_em(name) / rows + 1, widest_word_em(name) + 0.5)  # a word is never cut to balance rows
    return wrap(name, min(LABEL_WIDTH, balanced * LABEL_FONT), LABEL_FONT)


def _extent(shapes: Iterable[_Shape], edges: list[_Edge]) -> Box:
    boxes = [b for s in shapes for b in (s.box, s.label, (_outside_label(s) or ([], None))[1]) if b]
    boxes += [e.label for e in edges if e.label]
    points = [p for e in edges for p in e.points] + [(b.x, b.y) for b in boxes]
    points += [(b.x + b.w, b.y + b.h) for b in boxes]
    x0, y0 = min(x for x, _ in points) - PADDING, min(y for _, y in points) - PADDING
    return Box(x0, y0, max(x for x, _ in points) + PADDING - x0, max(y for _, y in points) + PADDING - y0)


def _root(view: Box, prefix: str) -> etree._Element:
    svg = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
    svg.attrib.update(
        {
            "class": "bpmn-diagram",
            "role": "img",
            "aria-labelledby": f"{prefix}-title",
            "aria-describedby": f"{prefix}-desc",
            "viewBox": " ".join(num(v) for v in (view.x, view.y, view.w, view.h)),
            "width": num(view.w),
            "height": num(view.h),
            "font-family": FONT_FAMILY,
            "font-size": num(FONT),
            "fill": INK,
        }
    )
    return svg


def _kebab(kind: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", kind).lower()


class _Drawing:
    """What each element looks like given the case's state; one instance per rendered diagram."""

    def __init__(self, shapes: dict[str, _Shape], *, active: set[str], done: set[str], waiting: dict):
        self.shapes, self.active, self.done, self.waiting = shapes, active, done, waiting
        self.most = max(waiting.values(), default=0)

    def description(self, *, english: bool) -> str:
        """What a screen reader says, in the page's language: the current step(s) and, for the heat overlay, the
        queue sizes."""
        current = [self._name(i) for i in self.shapes if i in self.active]
        current += sorted(self.active - self.shapes.keys())
        queues = [f"{self._name(i)} {self.waiting[i]}" for i in self.shapes if i in self.waiting]
        if english:
            text = f"Current step: {', '.join(current) or 'none'}."
            return text + (f" Cases waiting: {', '.join(queues)}." if queues else "")
        text = f"当前步骤：{'、'.join(current) or '无'}。"
        return text + (f"等待中的案件：{'、'.join(queues)}。" if queues else "")

    def _name(self, element_id: str) -> str:
        return self.shapes[element_id].name or element_id

    def shape(self, parent: etree._Element, shape: _Shape) -> None:
        kind, b = shape.kind, shape.box
        state = "active" if shape.id in self.active else "done" if shape.id in self.done else None
        classes = f"bpmn-{CATEGORIES[kind]} bpmn-{_kebab(kind)}" + (f" bpmn-{state}" if state else "")
        tip = shape.name or _kebab(kind).replace("-", " ").capitalize()
        tip += {"active": " (current step)", "done": " (done)", None: ""}[state]
        tip += f" — {self.waiting[shape.id]} waiting" if shape.id in self.waiting else ""
        g = sub(parent, "g", data_element_id=shape.id, class_=classes)
        sub(g, "title", tip)
        # Active and done differ by width and by badge (▶ or ✓), not by colour alone.
        extra = {"active": 2.0, "done": 0.5, None: 0.0}[state]
        paint = {
            "fill": self._fill(shape.id, state),
            "stroke": {"active": ACTIVE, "done": DONE}.get(state or "", INK),
        }
        if kind in ("participant", "lane"):
            self._container(g, shape)
            return
        if kind in TASKS | SUBPROCESSES:
            self._activity(g, shape, paint, extra)
        elif kind in EVENTS:
            self._event(g, shape, paint, extra)
        elif kind in GATEWAYS:
            corners = ((b.cx, b.y), (b.x + b.w, b.cy), (b.cx, b.y + b.h), (b.x, b.cy))
            points = " ".join(f"{num(x)},{num(y)}" for x, y in corners)
            sub(g, "polygon", points=points, stroke_width=1.5 + extra, stroke_linejoin="round", **paint)
            icon(g, kind, b.cx, b.cy, scale=num(b.w / 50))
        elif kind == "textAnnotation":
            sub(g, "path", d=f"M{num(b.x + 10)} {num(b.y)}h-10v{num(b.h)}h10", fill="none", stroke=INK)
            lines = wrap(shape.name, b.w - 10, FONT)
            text_block(g, lines, x=b.x + 6, cy=b.cy, size=FONT, text_anchor="start")
        elif kind == "group":
            rect(g, b, rx=10.0, fill="none", stroke=INK, stroke_dasharray="8 3 1 3")
        else:
            sx = b.w / 36 if kind == "dataObjectReference" else b.w / 50  # drawn 36x50 and 50x50
            icon(g, kind, b.x, b.y, scale=f"{num(sx)} {num(b.h / 50)}")
            g[-1].attrib.update(paint)
            g[-1].set("stroke-width", num(1 + extra))
        if placed := _outside_label(shape):
            text_block(g, placed[0], x=placed[1].cx, cy=placed[1].cy, size=LABEL_FONT, **HALO)
        if state and kind != "group":
            icon(g, state, b.x + (b.w * 0.15 if kind in EVENTS | GATEWAYS else 0), b.y)
        if shape.id in self.waiting:
            count_bubble(g, b.x + b.w, b.y, self.waiting[shape.id])

    def _fill(self, element_id: str, state: str | None) -> str:
        if element_id not in self.waiting:
            return STATE_FILL.get(state or "", PAPER)
        share = self.waiting[element_id] / self.most  # heat: light to dark orange, by the busiest element
        return "#" + "".join(
            f"{round(lo + (hi - lo) * share):02x}" for lo, hi in zip(HEAT_LIGHT, HEAT_DARK, strict=True)
        )

    def _container(self, g: etree._Element, shape: _Shape) -> None:
        """A pool or lane: a frame with a 30px name band, its text turned -90° as bpmn.io draws it."""
        b, pool, name = shape.box, shape.kind == "participant", shape.name
        rect(g, b, fill=PAPER if pool else "none", stroke=INK, stroke_width=1.5 if pool else 1.0)
        if pool and not shape.element.get("processRef"):  # a black-box pool: name in the middle, no band
            text_block(g, wrap(name, b.w - 20, FONT), x=b.cx, cy=b.cy, size=FONT)
        elif not shape.horizontal:  # a vertical pool or lane: the band runs along the top
            sub(g, "path", d=f"M{num(b.x)} {num(b.y + 30)}h{num(b.w)}", stroke=INK)
            text_block(g, wrap(name, b.w - 10, FONT, max_lines=2), x=b.cx, cy=b.y + 15, size=FONT)
        else:
            sub(g, "path", d=f"M{num(b.x + 30)} {num(b.y)}v{num(b.h)}", stroke=INK)
            turn = f"rotate(-90 {num(b.x + 15)} {num(b.cy)})"
            text_block(g, wrap(name, b.h - 10, FONT, max_lines=2), x=b.x + 15, cy=b.cy, size=FONT, transform=turn)

    def _activity(self, g: etree._Element, shape: _Shape, paint: dict, extra: float) -> None:
        kind, b, sub_process = shape.kind, shape.box, shape.kind in SUBPROCESSES
        width = (4.0 if kind == "callActivity" else 1.5) + extra
        dash = "4 3" if shape.element.get("triggeredByEvent") == "true" else None  # an event subprocess
        rect(g, b, rx=10.0, stroke_width=width, stroke_dasharray=dash, **paint)
        if kind == "transaction":
            rect(g, Box(b.x + 3, b.y + 3, b.w - 6, b.h - 6), rx=8.0, fill="none", stroke=INK)
        if sub_process and shape.expanded:  # name at the top left, like bpmn.io
            lines = wrap(shape.name, b.w - 16, FONT, max_lines=2)
            cy = b.y + 8 + block_height(lines, FONT) / 2
            text_block(g, lines, x=b.x + 8, cy=cy, size=FONT, text_anchor="start")
            return
        marked = kind in TASKS - {"task", "callActivity"}  # a type icon sits in the top-left corner
        if marked:
            icon(g, kind, b.x + 7, b.y + 7)
        lines, size, top = self._fit_name(shape, marked=marked)
        height = block_height(lines, size)
        text_block(g, lines, x=b.cx, cy=top + height / 2, size=size)
        if sub_process:
            icon(g, "collapsed", b.cx - 7, b.y + b.h - 18)

    def _fit_name(self, shape: _Shape, *, marked: bool) -> tuple[list[str], float, float]:
        """(lines, font size, top) of a task's name. Tried in order, the first that shows the whole name without
        cutting a word wins (else the first whole one, else the last try, which ends in an ellipsis; the tooltip
        holds the whole name): 12 px, then 10 px (English names are longer), in the box's width below the type
        icon — and, when a boundary event on the bottom edge covers the lower part of the box, first in a narrower
        column beside the icon from the top down to the event, and last at 9 px."""
        b, sub_process = shape.box, shape.kind in SUBPROCESSES
        covered = max((b.y + b.h - s.box.y for s in self._boundaries_below(shape)), default=0.0)
        room = b.h - (34 if sub_process else 28 if marked else 12) if not covered else b.h - covered - 23
        tries = []  # (width, font size, height, beside the icon): larger fonts first
        for size in (FONT, SMALL_FONT, *([TINY_FONT] if covered else [])):
            if covered and marked and size != TINY_FONT:
                tries.append((b.w - 44, size, b.h - covered - 7, True))
            tries.append((b.w - 12, size, room, False))
        laid_out = []
        for width, size, height_left, beside_icon in tries:
            lines = wrap(shape.name, width, size, max_lines=max(1, int(height_left // (size * 1.2))))
            whole = not lines or not lines[-1].endswith("…") or shape.name.endswith("…")
            laid_out.append((whole and widest_word_em(shape.name) * size <= width, whole, lines, size, beside_icon))
        # the first whole name without a cut word; else the first whole one; else the last try
        _uncut, _whole, lines, size, beside_icon = next(
            (t for t in laid_out if t[0]), next((t for t in laid_out if t[1]), laid_out[-1])
        )
        height = block_height(lines, size)
        top = b.cy - height / 2 - (7 if sub_process else 0)
        if covered:
            top = min(top, b.y + b.h - covered - 1 - height)  # above the boundary event
        if marked:
            top = max(top, b.y + (5 if beside_icon else 22))  # keep clear of the type icon
        return lines, size, top

    def _boundaries_below(self, host: _Shape) -> list[_Shape]:
        """Boundary events drawn across the host's bottom edge."""
        bottom = host.box.y + host.box.h
        return [
            s
            for s in self.shapes.values()
            if s.kind == "boundaryEvent"
            and s.element.get("attachedToRef") == host.id
            and s.box.y < bottom < s.box.y + s.box.h
        ]

    def _event(self, g: etree._Element, shape: _Shape, paint: dict, extra: float) -> None:
        b, kind, element = shape.box, shape.kind, shape.element
        r = min(b.w, b.h) / 2
        interrupting = "false" not in (element.get("cancelActivity"), element.get("isInterrupting"))
        dash = None if interrupting else "5 3"
        width = {"startEvent": 1.5, "endEvent": 4.0}.get(kind, 1.5) + extra
        ring = r - 1.5 if kind == "endEvent" else r
        sub(g, "circle", cx=b.cx, cy=b.cy, r=ring, stroke_width=width, stroke_dasharray=dash, **paint)
        if kind not in ("startEvent", "endEvent"):  # intermediate and boundary events: a double ring
            inner = {"fill": "none", "stroke": paint["stroke"], "stroke_dasharray": dash}
            sub(g, "circle", cx=b.cx, cy=b.cy, r=r - 3.5, **inner)
        children = element.iterchildren(f"{{{BPMN}}}*")
        definitions = (local_name(d).removesuffix("EventDefinition") for d in children)
        for definition in (d for d in definitions if d in EVENT_ICONS):
            throw = kind in ("endEvent", "intermediateThrowEvent")
            icon(g, definition, b.cx, b.cy, scale=num(r / 18), fill=INK if throw else PAPER)
            break

    def edge(self, parent: etree._Element, edge: _Edge, prefix: str) -> None:
        source = self.shapes.get(edge.element.get("sourceRef") or "")
        name = (edge.element.get("name") or "").strip()
        g = sub(parent, "g", data_element_id=edge.id, class_=f"bpmn-flow bpmn-{_kebab(edge.kind)}")
        sub(g, "title", name or _kebab(edge.kind).replace("-", " ").capitalize())
        style: dict[str, object] = {"stroke_width": 1.5, "marker_end": f"url(#{prefix}-arrow)"}
        if edge.kind == "messageFlow":
            style.update(stroke_dasharray="7 4", marker_start=f"url(#{prefix}-msg-start)")
            style["marker_end"] = f"url(#{prefix}-open-arrow)"
        elif edge.kind != "sequenceFlow":  # associations are dotted; data associations point
            style = {"stroke_dasharray": "2 3", "stroke_width": 1.0}
            if edge.kind.startswith("data"):
                style["marker_end"] = f"url(#{prefix}-open-arrow)"
        elif source is not None and source.element.get("default") == edge.id:
            style["marker_start"] = f"url(#{prefix}-default)"
        elif (
            source is not None
            and source.kind in TASKS
            and edge.element.find("bpmn:conditionExpression", NS) is not None
        ):
            style["marker_start"] = f"url(#{prefix}-conditional)"
        points = " ".join(f"{num(x)},{num(y)}" for x, y in edge.points)
        sub(g, "polyline", points=points, fill="none", stroke=INK, stroke_linejoin="round", **style)
        lines = _label_lines(name, edge.label)
        if lines:
            cx, cy = (edge.label.cx, edge.label.cy) if edge.label else _midpoint(edge.points)
            text_block(g, lines, x=cx, cy=cy, size=LABEL_FONT, **HALO)


def _midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The point halfway along a polyline, for flow names the modeller did not place."""
    segments = list(itertools.pairwise(points))
    lengths = [((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 for (x1, y1), (x2, y2) in segments]
    left = sum(lengths) / 2
    for ((x1, y1), (x2, y2)), length in zip(segments, lengths, strict=True):
        if length > 0 and left <= length:
            return x1 + (x2 - x1) * left / length, y1 + (y2 - y1) * left / length
        left -= length
    return points[0]


def _clean(text: str) -> str:
    """Drop characters XML cannot carry (from a caller's title or ids), rather than failing the page;
    str() also accepts a lazily translated title."""
    return _NOT_XML.sub("", str(text))
