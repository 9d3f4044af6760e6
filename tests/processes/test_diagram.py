"""The process diagram renderer: well-formed, accessible SVG drawn from the BPMN file's own layout."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from lxml import etree

from app.processes import diagram, diagram_shapes
from app.processes.diagram import render_diagram_svg
from app.processes.diagram_shapes import text_em, wrap

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parents[2]
SVG = "{http://www.w3.org/2000/svg}"
DI = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}


@pytest.fixture(scope="module")
def sample() -> str:
    return (FIXTURES / "sample.bpmn").read_text(encoding="utf-8")


def _svg(bpmn_xml: str, **kwargs) -> etree._Element:
    return etree.fromstring(render_diagram_svg(bpmn_xml, **kwargs))


def _group(svg: etree._Element, element_id: str) -> etree._Element:
    (group,) = svg.findall(f".//{SVG}g[@data-element-id='{element_id}']")
    return group


def _classes(svg: etree._Element, element_id: str) -> set[str]:
    return set(_group(svg, element_id).get("class").split())


def _drawn_ids(bpmn_xml: str) -> set[str]:
    root = etree.fromstring(bpmn_xml.encode())
    return {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNShape", DI)} | {
        e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", DI)
    }


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_root_is_an_accessible_svg_sized_to_its_view_box(sample):
    svg = _svg(sample, active=["Task_Approve"])

    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    assert svg.get("aria-labelledby") == title.get("id")
    assert title.text == "居住证申请（示例）"  # the process name when no title is given
    assert svg.find(f"{SVG}desc").text.startswith('当前步骤：Approve <A&B> "urgent" 审批')
    _, _, width, height = svg.get("viewBox").split()
    assert (svg.get("width"), svg.get("height")) == (width, height)
    # Pools span x 160..1060 and y 80..640; the view adds padding on every side.
    x, y, w, h = (float(v) for v in svg.get("viewBox").split())
    assert x < 160 and y < 80 and x + w > 1060 and y + h > 640
    assert svg.get("font-family").startswith("Noto Sans CJK SC")
    assert all(text.get("font-size") for text in svg.iter(f"{SVG}text"))


def test_every_element_with_diagram_information_is_drawn_once(sample):
    svg = _svg(sample)

    drawn = [g.get("data-element-id") for g in svg.iter(f"{SVG}g") if g.get("data-element-id")]
    assert len(drawn) == len(set(drawn))
    # The file's one shape for an element it no longer defines is skipped, not a crash.
    assert set(drawn) == _drawn_ids(sample) - {"Task_Deleted_Long_Ago"}
    assert all(_group(svg, i).find(f"{SVG}title").text for i in drawn)


def test_current_and_finished_steps_are_marked_by_class_width_and_badge(sample):
    svg = _svg(sample, active={"Task_Approve"}, done=["Start_Received", "Task_Review", "Task_Approve"])

    assert {"bpmn-task", "bpmn-user-task", "bpmn-active"} <= _classes(svg, "Task_Approve")
    assert "bpmn-done" not in _classes(svg, "Task_Approve")  # current wins over done on a revisited step
    assert "bpmn-done" in _classes(svg, "Task_Review") and "bpmn-done" in _classes(svg, "Start_Received")
    assert not {"bpmn-active", "bpmn-done"} & _classes(svg, "Task_Notify")
    active, done, plain = (_group(svg, i).find(f"{SVG}rect") for i in ("Task_Approve", "Task_Review", "Task_Notify"))
    assert (active.get("stroke"), done.get("stroke")) == ("#0b4f9c", "#1e6b35")
    # Without colour: three different border widths, and a ▶ or ✓ badge drawn as a shape.
    assert len({float(r.get("stroke-width")) for r in (active, done, plain)}) == 3
    badge_fills = {c.get("fill") for i in ("Task_Approve", "Task_Review") for c in _group(svg, i).iter(f"{SVG}circle")}
    assert {"#0b4f9c", "#1e6b35"} <= badge_fills
    assert svg.find(f"{SVG}desc").text == '当前步骤：Approve <A&B> "urgent" 审批。'


def test_pools_and_lanes_show_their_names_in_a_turned_band(sample):
    svg = _svg(sample)

    for lane_id, name in (
        ("Lane_Window", "社区受理窗口"),
        ("Lane_Approval", "街道审批科"),
        ("Participant_District", "安居街道办事处"),
    ):
        text = _group(svg, lane_id).find(f"{SVG}text")
        assert "".join(text.itertext()) == name and text.get("transform").startswith("rotate(-90")
    assert "bpmn-pool" in _classes(svg, "Participant_Applicant")
    assert "".join(_group(svg, "Participant_Applicant").find(f"{SVG}text").itertext()) == "申请人"


def test_chinese_names_wrap_into_lines_that_fit_the_shape(sample):
    svg = _svg(sample)

    spans = _group(svg, "Task_Review").findall(f"{SVG}text/{SVG}tspan")
    lines = [span.text for span in spans]
    assert len(lines) > 1 and "".join(lines) == "受理审核申请材料并核对身份信息"
    assert all(text_em(line) * 12 <= 100 - 12 for line in lines)
    assert len({span.get("x") for span in spans}) == 1 and len({span.get("y") for span in spans}) == len(spans)


def test_names_and_titles_with_markup_are_escaped(sample):
    out = render_diagram_svg(sample, title='</title><script>alert("x")</script> & more')

    assert "<script" not in out and "&lt;script&gt;" in out
    assert "Approve &lt;A&amp;B&gt;" in out
    svg = etree.fromstring(out)
    assert svg.find(f"{SVG}title").text == '</title><script>alert("x")</script> & more'
    assert "".join(_group(svg, "Task_Approve").find(f"{SVG}text").itertext()) == 'Approve <A&B>"urgent" 审批'
    assert render_diagram_svg(sample, title="bad\x00\x1bchars").count("badchars") == 1


def test_counts_draw_a_bubble_and_a_readable_heat_tint(sample):
    svg = _svg(sample, counts={"Task_Approve": 12, "Task_Notify": 3, "Gateway_Complete": 0, "Nowhere": 5})

    bubble = _group(svg, "Task_Approve").findall(f"{SVG}text")[-1]
    assert "".join(bubble.itertext()) == "12"
    fills = {r.get("fill") for r in _group(svg, "Gateway_Complete").iter(f"{SVG}rect")}
    assert diagram_shapes.BUBBLE not in fills  # nobody waiting: no bubble
    busiest, quieter = (_group(svg, i).find(f"{SVG}rect").get("fill") for i in ("Task_Approve", "Task_Notify"))
    assert _luminance(busiest) < _luminance(quieter) < _luminance("#ffffff")
    assert _contrast(busiest, diagram_shapes.INK) >= 4.5
    assert _contrast(diagram_shapes.BUBBLE, "#ffffff") >= 4.5
    assert "等待中的案件：" in svg.find(f"{SVG}desc").text and "12" in svg.find(f"{SVG}desc").text


def test_flows_have_arrows_default_slash_and_dashed_message_flows(sample):
    svg = _svg(sample)

    default = _group(svg, "Flow_Missing").find(f"{SVG}polyline")
    assert default.get("marker-start").endswith("-default)") and default.get("marker-end").endswith("-arrow)")
    assert _group(svg, "Flow_Complete").find(f"{SVG}polyline").get("marker-start") is None
    assert _group(svg, "MessageFlow_Notice").find(f"{SVG}polyline").get("stroke-dasharray")
    marker_ids = {m.get("id") for m in svg.iter(f"{SVG}marker")}
    for url in re.findall(r"url\(#([^)]+)\)", etree.tostring(svg, encoding="unicode")):
        assert url in marker_ids
    assert "".join(_group(svg, "Flow_Complete").find(f"{SVG}text").itertext()) == "齐全"


def test_every_shape_kind_draws_and_flows_to_centres_end_on_the_border():
    bpmn_xml = (FIXTURES / "all_shapes.bpmn").read_text(encoding="utf-8")
    svg = _svg(bpmn_xml, active=["Sub_Collapsed"])

    classes = {c for g in svg.iter(f"{SVG}g") for c in (g.get("class") or "").split()}
    kinds = ["parallel", "inclusive", "complex", "event-based"]
    assert {f"bpmn-{k}-gateway" for k in kinds} <= classes
    assert {"bpmn-service-task", "bpmn-manual-task", "bpmn-receive-task", "bpmn-call-activity"} <= classes
    assert {"bpmn-subprocess", "bpmn-data", "bpmn-group", "bpmn-annotation", "bpmn-association"} <= classes
    assert {g.get("data-element-id") for g in svg.iter(f"{SVG}g") if g.get("data-element-id")} == _drawn_ids(bpmn_xml)
    # F1's waypoints sit on both shapes' centres: its ends move out to the circle and to the task's side.
    points = [tuple(map(float, p.split(","))) for p in _group(svg, "F1").find(f"{SVG}polyline").get("points").split()]
    assert points[0] == pytest.approx((118, 100), abs=0.6) and points[-1] == pytest.approx((160, 100), abs=0.6)
    assert _svg(bpmn_xml).find(f"{SVG}title").text == "All shapes"


def test_process_id_picks_the_plane_and_bad_input_says_why(sample):
    assert _svg(sample, process_id="sample_permit").get("role") == "img"
    with pytest.raises(ValueError, match="no diagram information for process 'other'"):
        render_diagram_svg(sample, process_id="other")
    without_di = re.sub(r"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", sample, flags=re.DOTALL)
    with pytest.raises(ValueError, match="has no diagram information"):
        render_diagram_svg(without_di)
    with pytest.raises(ValueError, match="not well-formed XML"):
        render_diagram_svg("<bpmn:definitions")


def test_output_is_stable_and_its_ids_differ_between_diagrams(sample):
    first, again = (
        render_diagram_svg(sample, active=["Task_Review"]),
        render_diagram_svg(sample, active=["Task_Review"]),
    )
    other = render_diagram_svg(sample, active=["Task_Approve"])

    assert first == again
    ids = set(re.findall(r' id="([^"]+)"', first))
    assert ids and not ids & set(re.findall(r' id="([^"]+)"', other))


def test_wrapping_keeps_words_and_chinese_punctuation_rules():
    assert wrap("Fetch household register", 88, 12) == ["Fetch", "household", "register"]
    assert wrap("审核，通过。", 30, 12) == ["审核，", "通过。"]  # no line starts with ，
    assert all(not line.endswith("（") for line in wrap("不予核发（不符合条件）", 60, 11))
    assert wrap("受理审核申请材料并核对身份信息", 88, 12) == ["受理审核申", "请材料并核", "对身份信息"]
    assert wrap("很长" * 20, 88, 12, max_lines=2)[-1].endswith("…")
    assert wrap("", 88, 12) == []


def test_only_the_engine_imports_spiffworkflow():
    for module in (diagram, diagram_shapes):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(name.startswith("SpiffWorkflow") for name in imported)


@pytest.mark.skipif(
    not (ROOT / "bpmn/residence_permit.bpmn").exists(), reason="bpmn/residence_permit.bpmn not written yet"
)
def test_residence_permit_process_renders():
    bpmn_xml = (ROOT / "bpmn/residence_permit.bpmn").read_text(encoding="utf-8")
    svg = _svg(bpmn_xml, active=["approve"], done=["start"])

    drawn = {g.get("data-element-id") for g in svg.iter(f"{SVG}g") if g.get("data-element-id")}
    assert drawn == _drawn_ids(bpmn_xml)
    assert "bpmn-active" in _classes(svg, "approve") and "bpmn-lane" in _classes(svg, "lane_window")
