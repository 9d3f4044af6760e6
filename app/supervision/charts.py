"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, works offline and under a strict CSP.

Accessible the same way as the process diagram (processes/diagram.py): role="img" with <title> and <desc>
(the desc states the numbers in words), a <title> on every bar, presentation attributes instead of <style>.
Each chart on a page sits above a data table with the same numbers (templates/supervision/statistics.html).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Micro Hei, sans-serif"
INK, MUTED, GRID, PAPER = "#1b1f23", "#4a5560", "#c9d1d9", "#ffffff"
# Bar colours keep a contrast of at least 3:1 on white (WCAG 1.4.11) and differ in lightness, not hue alone.
FILLS = ("#0b4f9c", "#b35c00", "#1e6b35")
LABEL_CHARS = 16


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(
        parent,
        f"{{{SVG_NS}}}{tag}",
        {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items() if v is not None},
    )
    if text is not None:
        element.text = text
    return element


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k at or above `value` (axis end), at least 1."""
    if value <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _root(width: float, height: float, title: str, desc: str) -> tuple[etree._Element, str]:
    prefix = "chart-" + hashlib.sha256(f"{title}\n{desc}".encode()).hexdigest()[:10]
    svg = etree.Element(
        f"{{{SVG_NS}}}svg",
        nsmap={None: SVG_NS},
        attrib={
            "viewBox": f"0 0 {_num(width)} {_num(height)}",
            "width": _num(width),
            "height": _num(height),
            "role": "img",
            "aria-labelledby": f"{prefix}-title {prefix}-desc",
            "font-family": FONT_FAMILY,
            "font-size": "12",
            "class": "chart-svg",
        },
    )
    _el(svg, "title", title, id=f"{prefix}-title")
    _el(svg, "desc", desc, id=f"{prefix}-desc")
    _el(svg, "rect", x=0, y=0, width=_num(width), height=_num(height), fill=PAPER)
    return svg, prefix


def _text_width(text: str) -> float:
    """Rough width at 12 px: CJK characters are square, Latin ones about half as wide."""
    return sum(12.0 if ord(ch) > 0x2E80 else 7.0 for ch in text)


def _legend(svg, series: Sequence[Series], x: float, y: float) -> None:
    if len(series) < 2:
        return
    for i, item in enumerate(series):
        g = _el(svg, "g", transform=f"translate({_num(x)},{_num(y)})")
        _el(g, "rect", x=0, y=-10, width=12, height=12, fill=FILLS[i % len(FILLS)])
        _el(g, "text", item.name, x=18, y=0, fill=INK)
        x += 30 + _text_width(item.name)


def _describe(labels: Sequence[str], series: Sequence[Series], fmt: Callable[[float], str]) -> str:
    parts = []
    for i, label in enumerate(labels):
        values = ", ".join(f"{s.name} {fmt(s.values[i])}" for s in series)
        parts.append(f"{label}: {values}")
    return "; ".join(parts) + "." if parts else ""


def column_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str] = _num,
    empty_text: str = "",
) -> str:
    """Vertical grouped columns, one group per label (e.g. weeks), one column per series."""
    plot_left, plot_top, plot_width, plot_height = 48.0, 34.0, 660.0, 200.0
    width, height = plot_left + plot_width + 12, plot_top + plot_height + 44
    svg, _prefix = _root(width, height, title, _describe(labels, series, fmt) or empty_text)
    top = nice_max(max((v for s in series for v in s.values), default=0))
    intervals = 5 if top >= 5 else max(int(top), 1)  # 0, 2, 4 … 10 — never a tick between two whole numbers
    for tick in range(intervals + 1):
        value = top * tick / intervals
        y = plot_top + plot_height - plot_height * tick / intervals
        _el(
            svg,
            "line",
            x1=_num(plot_left),
            y1=_num(y),
            x2=_num(plot_left + plot_width),
            y2=_num(y),
            stroke=GRID if tick else MUTED,
            stroke_width=1,
        )
        _el(svg, "text", fmt(value), x=_num(plot_left - 6), y=_num(y + 4), fill=MUTED, text_anchor="end")
    _legend(svg, series, plot_left, 16)
    if not labels:
        return etree.tostring(svg, encoding="unicode")
    group = plot_width / len(labels)
    bar = min(24.0, (group - 8) / max(len(series), 1))
    for i, label in enumerate(labels):
        x0 = plot_left + group * i + (group - bar * len(series)) / 2
        for j, item in enumerate(series):
            value = item.values[i]
            h = plot_height * value / top
            g = _el(svg, "g")
            _el(g, "title", f"{label} · {item.name}: {fmt(value)}")
            _el(
                g,
                "rect",
                x=_num(x0 + bar * j),
                y=_num(plot_top + plot_height - h),
                width=_num(bar - 1),
                height=_num(h),
                fill=FILLS[j % len(FILLS)],
            )
        _el(
            svg,
            "text",
            _short(label),
            x=_num(plot_left + group * i + group / 2),
            y=_num(plot_top + plot_height + 18),
            fill=INK,
            text_anchor="middle",
            font_size=11,
        )
    return etree.tostring(svg, encoding="unicode")


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str] = _num,
    top: float | None = None,
    empty_text: str = "",
) -> str:
    """Horizontal grouped bars, one row per label (a step, a department), one bar per series, values written
    at the end of each bar."""
    label_width, bar_area, row_gap, bar_height = 190.0, 430.0, 12.0, 16.0
    legend_height = 26.0 if len(series) > 1 else 6.0
    row_height = bar_height * len(series) + row_gap
    width = label_width + bar_area + 90
    height = legend_height + max(len(labels), 1) * row_height + 8
    svg, _prefix = _root(width, height, title, _describe(labels, series, fmt) or empty_text)
    top = top or nice_max(max((v for s in series for v in s.values), default=0))
    _legend(svg, series, label_width, 16)
    if not labels:
        _el(svg, "text", empty_text, x=10, y=_num(legend_height + 14), fill=MUTED)
    _el(
        svg,
        "line",
        x1=_num(label_width),
        y1=_num(legend_height),
        x2=_num(label_width),
        y2=_num(height - 4),
        stroke=MUTED,
        stroke_width=1,
    )
    for i, label in enumerate(labels):
        y0 = legend_height + row_height * i + row_gap / 2
        row = _el(svg, "g")
        _el(row, "title", label)
        _el(
            row,
            "text",
            _short(label),
            x=_num(label_width - 8),
            y=_num(y0 + row_height / 2 - 2),
            fill=INK,
            text_anchor="end",
        )
        for j, item in enumerate(series):
            value = item.values[i]
            w = bar_area * min(value / top, 1.0) if top else 0
            y = y0 + bar_height * j
            g = _el(row, "g")
            _el(g, "title", f"{label} · {item.name}: {fmt(value)}")
            _el(
                g,
                "rect",
                x=_num(label_width),
                y=_num(y),
                width=_num(max(w, 0.5)),
                height=_num(bar_height - 2),
                fill=FILLS[j % len(FILLS)],
            )
            _el(g, "text", fmt(value), x=_num(label_width + w + 6), y=_num(y + bar_height - 5), fill=INK, font_size=11)
    return etree.tostring(svg, encoding="unicode")
