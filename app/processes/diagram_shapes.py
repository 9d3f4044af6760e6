"""Drawing primitives for process diagrams: text measuring and wrapping, and the constant BPMN symbols.

Kept apart from diagram.py so that module reads as "which element looks how", while this one holds the
geometry. Text goes through lxml, so escaping is lxml's job and cannot be forgotten; the symbols below are
constant markup in their own coordinates, placed with a transform, so they read like a bpmn.io icon sheet.
"""

from __future__ import annotations

import copy
import math
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
INK, PAPER = "#22242a", "#ffffff"
ACTIVE, DONE = "#0b4f9c", "#1e6b35"
BUBBLE = "#9a3d00"  # white text on it has a contrast ratio above 4.5:1
LINE_HEIGHT = 1.2
# Chinese may not start a line with closing punctuation (避头尾): such a character stays on the line before.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〉,.;:?!)%")
_NO_LINE_END = frozenset("（《「『【〈(")  # nor end a line with opening punctuation


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def num(value: float) -> str:
    """Two decimals at most: DI coordinates are often floats like 251.99999, which only bloat the page."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def sub(parent: etree._Element, tag: str, text: str | None = None, /, **attrs: object) -> etree._Element:
    """Append an SVG element; `stroke_width=2` becomes `stroke-width="2"`, `class_` becomes `class`."""
    element = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for key, value in attrs.items():
        if value is not None:
            name = key.rstrip("_").replace("_", "-")
            element.set(name, num(value) if isinstance(value, float) else str(value))
    element.text = text
    return element


def rect(parent: etree._Element, b: Box, **attrs: object) -> etree._Element:
    return sub(parent, "rect", x=b.x, y=b.y, width=b.w, height=b.h, **attrs)


def text_em(text: str) -> float:
    """Estimated width in em: CJK characters are square (1em), Latin ones about half of that."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55 for ch in text)


def widest_word_em(text: str) -> float:
    """The widest piece a line may not be broken inside: a Latin word (a CJK character is its own piece)."""
    return max((text_em(t) for t in _tokens(text) if not t.isspace()), default=0.0)


def _tokens(text: str) -> Iterator[str]:
    """Latin words stay whole; each CJK character is its own token, since Chinese may break anywhere."""
    word = ""
    for ch in text:
        if ch.isspace() or text_em(ch) == 1.0:
            if word:
                yield word
            word = ""
            yield ch
        else:
            word += ch
    if word:
        yield word


def wrap(text: str, width: float, font_size: float, max_lines: int = 0) -> list[str]:
    """Break a name into lines no wider than `width` px; Chinese has no spaces, so measure characters.

    Lines are balanced (受理审核申/请材料并核/对身份信息, not 受理审核申请材/料并核对身份信/息), and
    past `max_lines` the last line ends in an ellipsis; the full name stays in the shape's tooltip.
    """
    limit = max(width / font_size, 1.0)
    lines = _greedy(text, limit)
    if max_lines and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_em(last + "…") > limit:
            last = last[:-1]
        return [*lines[: max_lines - 1], last + "…"]
    widest_word = max((text_em(t) for t in _tokens(text) if text_em(t) <= limit), default=0.0)
    while len(lines) > 1 and limit - 0.5 >= widest_word and len(narrower := _greedy(text, limit - 0.5)) == len(lines):
        lines, limit = narrower, limit - 0.5
    return lines


def _greedy(text: str, limit: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines():
        line, used = "", 0.0
        for token in _tokens(paragraph):
            # A Latin word longer than a whole line is cut by character rather than overflowing.
            for piece in [token] if text_em(token) <= limit else list(token):
                size = text_em(piece)
                if line and used + size > limit and not piece.isspace() and piece[0] not in _NO_LINE_START:
                    carry = line[-1] if line[-1] in _NO_LINE_END and len(line) > 1 else ""
                    lines.append(line[: len(line) - len(carry)].rstrip())
                    line, used = carry, text_em(carry)
                if line or not piece.isspace():
                    line, used = line + piece, used + size
        if line.strip():
            lines.append(line.rstrip())
    return lines


def block_height(lines: Sequence[str], size: float) -> float:
    return len(lines) * size * LINE_HEIGHT


def text_block(
    parent: etree._Element, lines: Sequence[str], *, x: float, cy: float, size: float, **attrs: object
) -> etree._Element:
    """One <text> with a <tspan> per line, the block centred vertically on `cy`."""
    step = size * LINE_HEIGHT
    text = sub(parent, "text", x=x, y=cy, font_size=size, **{"text_anchor": "middle", **attrs})
    for i, line in enumerate(lines):
        # +0.35em puts the glyphs' middle, not their baseline, on the line's centre.
        sub(text, "tspan", line, x=x, y=cy + (i - (len(lines) - 1) / 2) * step + 0.35 * size)
    return text


def _ticks() -> str:
    angles = [hour * math.pi / 6 for hour in range(12)]
    return "".join(
        f"M{num(8.6 * math.cos(a))} {num(8.6 * math.sin(a))}l{num(2 * math.cos(a))} {num(2 * math.sin(a))}"
        for a in angles
    )


# Each symbol in its own coordinates: task markers in a 16px square, event symbols centred for an 18px
# radius, gateway symbols centred for a 50px diamond, badges centred. Parts without a fill attribute take
# the group's fill; `currentColor` is the contrasting colour (white on a filled, "throwing" symbol).
ICONS = {
    "userTask": '<circle cx="8" cy="4.5" r="3.5"/><path d="M1 16v-3.5q0-5 7-5q7 0 7 5v3.5z"/>',
    "scriptTask": '<path d="M3 1h11c-3 2-3 5 0 7c3 2 3 5 0 7h-11c3-2 3-5 0-7c-3-2-3-5 0-7z"/>'
    '<path d="M5 5h6m-5 3h6m-5 3h6" fill="none"/>',
    "businessRuleTask": '<rect y="2" width="16" height="12"/>'
    '<rect y="2" width="16" height="3.5" fill="#22242a"/>'
    '<path d="M0 9.75h16M5 5.5v8.5" fill="none"/>',
    "serviceTask": '<circle cx="8" cy="8" r="5.5" fill="none" stroke-width="3" stroke-dasharray="2.16 2.16"/>'
    '<circle cx="8" cy="8" r="4"/><circle cx="8" cy="8" r="1.6"/>',
    "sendTask": '<rect y="2" width="16" height="11" fill="#22242a"/><path d="M0 2l8 6 8-6" fill="none" stroke="#fff"/>',
    "receiveTask": '<rect y="2" width="16" height="11"/><path d="M0 2l8 6 8-6" fill="none"/>',
    "manualTask": '<path d="M1 7h9a1.5 1.5 0 0 1 0 3h-1h5a1.5 1.5 0 0 1 0 3h-12z"/>',
    "timer": f'<circle r="11" fill="#fff" stroke-width="1.5"/><path d="{_ticks()}M0 -7.5V0h5.5" fill="none"/>',
    "message": '<rect x="-10" y="-7" width="20" height="14"/>'
    '<path d="M-10 -7l10 7.5 10-7.5" fill="none" stroke="currentColor"/>',
    "signal": '<path d="M0 -10.5l9 15.5h-18z"/>',
    "error": '<path d="M-8 8l3.5-14 4.5 7 4-10-3.5 14-4.5-7z"/>',
    "escalation": '<path d="M0 -10l7 17-7-7-7 7z"/>',
    "conditional": '<rect x="-7" y="-9" width="14" height="18" fill="#fff"/><path d="M-4 -5h8m-8 4h8m-8 4h8m-8 4h8"/>',
    "terminate": '<circle r="11" fill="#22242a"/>',
    "exclusiveGateway": '<path d="M-10 -10l20 20m0-20l-20 20" fill="none" stroke-width="3.5"/>',
    "parallelGateway": '<path d="M0 -13v26M-13 0h26" fill="none" stroke-width="3.5"/>',
    "inclusiveGateway": '<circle r="11.5" fill="none" stroke-width="2.5"/>',
    "complexGateway": '<path d="M0 -13v26M-13 0h26M-9 -9l18 18m0-18l-18 18" fill="none" stroke-width="3"/>',
    "eventBasedGateway": '<circle r="13.5" fill="none"/><circle r="11" fill="none"/>'
    '<path d="M0 -7.5L7.1 -2.3 4.4 6.1H-4.4L-7.1 -2.3z" fill="none"/>',
    "collapsed": '<rect width="14" height="14" fill="#fff"/><path d="M7 3v8M3 7h8" fill="none" stroke-width="1.5"/>',
    "active": '<circle r="9" fill="#0b4f9c" stroke="#fff" stroke-width="1.5"/>'
    '<path d="M-3 -4.5l7.5 4.5-7.5 4.5z" fill="#fff" stroke="none"/>',
    "done": '<circle r="9" fill="#1e6b35" stroke="#fff" stroke-width="1.5"/>'
    '<path d="M-4.5 0l3 3.5 6-7" fill="none" stroke="#fff" stroke-width="2.2"/>',
    "dataObjectReference": '<path d="M0 0h26l10 10v40h-36z M26 0v10h10" vector-effect="non-scaling-stroke"/>',
    "dataStoreReference": '<path d="M0 6a25 6 0 0 0 50 0v38a25 6 0 0 1-50 0z M0 6a25 6 0 0 1 50 0" '
    'vector-effect="non-scaling-stroke"/>',
}
_TEMPLATES = {name: etree.fromstring(f'<g xmlns="{SVG_NS}">{markup}</g>') for name, markup in ICONS.items()}


def icon(parent: etree._Element, name: str, x: float, y: float, *, scale: str = "1", fill: str = PAPER) -> None:
    """Place a copy of a constant symbol with its origin at (x, y)."""
    g = copy.deepcopy(_TEMPLATES[name])
    g.attrib.update({"fill": fill, "stroke": INK, "color": INK if fill == PAPER else PAPER})
    g.set("transform", f"translate({num(x)} {num(y)})" + ("" if scale == "1" else f" scale({scale})"))
    parent.append(g)


def count_bubble(parent: etree._Element, x: float, y: float, count: int) -> None:
    """The number of cases waiting, as a pill centred on (x, y)."""
    label = str(count) if count < 1000 else "999+"
    w = max(20.0, 8 + 7 * len(label))
    rect(parent, Box(x - w / 2, y - 10, w, 20), rx=10.0, fill=BUBBLE, stroke=PAPER, stroke_width=1.5)
    text_block(parent, [label], x=x, cy=y, size=11.0, fill=PAPER, font_weight="bold")


def marker_defs(svg: etree._Element, prefix: str) -> None:
    """Arrowheads and flow decorations; each arrow's tip is its reference point, so it ends on the border."""
    defs = sub(svg, "defs")
    shapes = {
        "arrow": ('<path d="M9 6L20 10L9 14z" fill="#22242a"/>', 20),
        "open-arrow": ('<path d="M9 6L19 10L9 14z" fill="#fff" stroke="#22242a"/>', 19),
        "msg-start": ('<circle cx="5" cy="10" r="4" fill="#fff" stroke="#22242a"/>', 1),
        "default": ('<path d="M6 5L12 15" stroke="#22242a" stroke-width="1.5"/>', 0),
        "conditional": ('<path d="M0 10L8 5L16 10L8 15z" fill="#fff" stroke="#22242a"/>', 0),
    }
    for name, (markup, ref_x) in shapes.items():
        marker = sub(defs, "marker", id=f"{prefix}-{name}", viewBox="0 0 20 20", refX=ref_x, refY=10)
        marker.attrib.update(
            {"markerWidth": "20", "markerHeight": "20", "markerUnits": "userSpaceOnUse", "orient": "auto"}
        )
        marker.append(etree.fromstring(markup.replace(" ", f' xmlns="{SVG_NS}" ', 1)))
