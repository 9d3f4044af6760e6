"""Bad BPMN is refused at deploy with the file, the element id and the reason — never half-deployed."""

from __future__ import annotations

import pytest

from app.core.errors import ProcessDefinitionError
from app.processes import engine, scripting
from tests.bpmn.conftest import bundle_from, load_sources


def broken(old: str, new: str, *, count: int = 1) -> tuple[dict, dict]:
    bpmn, dmn = load_sources("residence_permit")
    text = bpmn["residence_permit.bpmn"]
    assert old in text, old
    bpmn["residence_permit.bpmn"] = text.replace(old, new, count)
    return bpmn, dmn


@pytest.mark.parametrize(
    ("old", "new", "element", "reason"),
    [
        (
            '<bpmn:sequenceFlow id="f_checked" sourceRef="check_materials" targetRef="gw_materials" />',
            "",
            "check_materials",
            "no outgoing",
        ),
        ('<bpmn:sequenceFlow id="f_received"', "<bpmn:sequenceFlow", None, "has no id"),
        ('targetRef="gw_materials" />', 'targetRef="nowhere" />', "f_checked", "does not exist"),
        ('<spiffworkflow:property name="form" value="rp_materials" />', "", "check_materials", "names no form"),
        ("<bpmn:flowNodeRef>verify_residence</bpmn:flowNodeRef>", "", "verify_residence", "in no lane"),
        (
            "</bpmn:process>",
            '<bpmn:complexGateway id="gw_extra" /></bpmn:process>',
            "gw_extra",
            "not something Anju can execute",
        ),
        ("len(missing_materials(materials)) &gt; 0", "__import__('os').system('id')", "gw_materials", "not allowed"),
        (
            "has_agent = not is_missing(agent_name)",
            "has_agent = open('/etc/passwd').read()",
            "compute_facts",
            "not allowed",
        ),
        ("<bpmndi:BPMNDiagram", "<bpmndi:Nothing", "residence_permit", "no diagram information"),
        ("<bpmn:process ", "<bpmn:process<", None, "not well-formed"),
    ],
)
def test_bad_definitions_are_refused_with_element_and_reason(old, new, element, reason):
    bpmn, dmn = broken(old, new)
    if "BPMNDiagram" in old:
        bpmn["residence_permit.bpmn"] = bpmn["residence_permit.bpmn"].replace(
            "</bpmndi:BPMNDiagram>", "</bpmndi:Nothing>"
        )
    with pytest.raises(ProcessDefinitionError) as info:
        bundle_from("residence_permit", bpmn, dmn)
    assert info.value.file == "residence_permit.bpmn"
    assert info.value.element == element
    assert reason in info.value.reason


def test_unconditioned_branch_is_refused():
    bpmn, dmn = broken(' default="f_mat_ok"', "")
    with pytest.raises(ProcessDefinitionError) as info:
        bundle_from("residence_permit", bpmn, dmn)
    assert info.value.element == "f_mat_ok" and "no condition" in info.value.reason


def test_broken_dmn_names_the_file():
    bpmn, dmn = load_sources("residence_permit")
    dmn["rp_proxy.dmn"] = dmn["rp_proxy.dmn"].replace("<decisionTable", "<decisionTabl", 1)
    with pytest.raises(ProcessDefinitionError) as info:
        bundle_from("residence_permit", bpmn, dmn)
    assert info.value.file in ("rp_proxy.dmn", "residence_permit.bpmn")


@pytest.mark.parametrize(
    "source",
    [
        "import os",
        "().__class__.__bases__",
        "open('/etc/passwd')",
        "eval('1')",
        "x = getattr(1, 'real')",
        "lambda: 1",
        "def f(): pass",
        "(x for x in [1])",
        "__builtins__",
    ],
)
def test_sandbox_refuses_escapes(source):
    with pytest.raises((scripting.ScriptNotAllowed, SyntaxError)):
        scripting.check_source(source, "exec")


def test_sandbox_runs_allowed_scripts_without_builtins():
    env = engine.SCRIPT_ENGINE.environment
    context = {"a": "2026-01-31", "items": {"x": {"verdict": "missing"}}}
    env.execute("b = add_months(a, 1)\nc = missing_materials(items)\nd = len(c)", context)
    assert context["b"] == "2026-02-28" and context["c"] == ["x"] and context["d"] == 1
    with pytest.raises(scripting.ScriptNotAllowed):
        env.evaluate("print(1)", {})


def test_scripting_date_helpers():
    assert scripting.months_between("2026-05-03", "2026-11-02") == 5
    assert scripting.months_between("2026-05-03", "2026-11-03") == 6
    assert scripting.age_on("2010-11-23", "2026-11-22") == 15
    assert scripting.add_years("2024-02-29", 1) == "2025-02-28"
