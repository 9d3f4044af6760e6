"""Process diagrams in English pages (docs/i18n.md): every label of every process has an English name, written by
the process generators, and the drawing uses it; the committed BPMN files are what the generators write."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest
from lxml import etree

from app.processes.diagram import render_diagram_svg
from tests.bpmn.conftest import BPMN_DIR

TOOLS = Path(__file__).resolve().parents[2] / "tools"
sys.path.insert(0, str(TOOLS))
from bpmn_layout import build  # noqa: E402

PROCESSES = sorted(path.stem for path in BPMN_DIR.glob("*.bpmn"))
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_there_are_processes_to_check():
    assert len(PROCESSES) >= 8


@pytest.mark.parametrize("process_id", PROCESSES)
def test_the_committed_file_is_what_the_generator_writes(process_id):
    """A hand edit of a .bpmn file, or a generator change not run, would make the two disagree."""
    description = importlib.import_module(f"process_{process_id}").PROCESS
    assert (BPMN_DIR / f"{process_id}.bpmn").read_text(encoding="utf-8") == build(description), (
        f"run: .venv/bin/python tools/bpmn_layout.py {process_id}"
    )


@pytest.mark.parametrize("process_id", PROCESSES)
def test_every_named_element_flow_and_lane_has_an_english_name(process_id):
    root = etree.parse(str(BPMN_DIR / f"{process_id}.bpmn")).getroot()
    missing = [
        f"{etree.QName(el).localname} {el.get('id')} ({el.get('name')})"
        for el in root.iter(f"{{{NS['bpmn']}}}*")
        if el.get("name")
        and etree.QName(el).localname != "message"  # a message name is an identifier, never shown
        and el.find("bpmn:extensionElements/spiff:properties/spiff:property[@name='name_en']", NS) is None
    ]
    assert missing == []


@pytest.mark.parametrize("process_id", PROCESSES)
def test_the_english_drawing_has_no_chinese_label_left(process_id):
    xml = (BPMN_DIR / f"{process_id}.bpmn").read_text(encoding="utf-8")
    english = render_diagram_svg(xml, process_id=process_id, english=True, title="Process")
    chinese = render_diagram_svg(xml, process_id=process_id, title="流程")
    assert CJK.findall(english) == []
    assert CJK.search(chinese)  # the Chinese drawing keeps the Chinese names


def test_the_english_permit_diagram_names_steps_branches_and_lanes():
    xml = (BPMN_DIR / "residence_permit.bpmn").read_text(encoding="utf-8")
    svg = render_diagram_svg(xml, process_id="residence_permit", active={"check_materials"}, english=True)
    texts = " ".join(t.strip() for t in etree.fromstring(svg).itertext())
    assert "Current step: Check of materials." in texts
    assert "Check" in texts and "Escalated" in texts
    root = etree.parse(str(BPMN_DIR / "residence_permit.bpmn")).getroot()
    flow = root.find(".//bpmn:sequenceFlow[@id='f_mat_missing']", NS)
    lane = root.find(".//bpmn:lane[@id='lane_police_station']", NS)
    for element in (flow, lane):
        assert element is not None
        english = element.find("bpmn:extensionElements/spiff:properties/spiff:property[@name='name_en']", NS)
        assert english.get("value").split()[0] in texts
