"""AnjuWorkflow's tree walks (app/processes/engine/workflow.py) against SpiffWorkflow's own, on a process with
what Anju's own processes do not have yet: an embedded subprocess with a user task and parallel branches inside.
The process is parsed by SpiffWorkflow directly (no Anju checks, no diagram needed): this is about the engine."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.processes.engine.workflow import AnjuWorkflow
from tests.bpmn.conftest import assert_walks_agree

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="walks" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork" />
    <bpmn:parallelGateway id="fork" />
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="outer_task" />
    <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="sub" />
    <bpmn:userTask id="outer_task" />
    <bpmn:sequenceFlow id="f4" sourceRef="outer_task" targetRef="join" />
    <bpmn:subProcess id="sub">
      <bpmn:startEvent id="sub_start" />
      <bpmn:sequenceFlow id="s1" sourceRef="sub_start" targetRef="sub_fork" />
      <bpmn:parallelGateway id="sub_fork" />
      <bpmn:sequenceFlow id="s2" sourceRef="sub_fork" targetRef="inner_a" />
      <bpmn:sequenceFlow id="s3" sourceRef="sub_fork" targetRef="inner_b" />
      <bpmn:userTask id="inner_a" />
      <bpmn:scriptTask id="inner_b"><bpmn:script>b = 1</bpmn:script></bpmn:scriptTask>
      <bpmn:sequenceFlow id="s4" sourceRef="inner_a" targetRef="sub_join" />
      <bpmn:sequenceFlow id="s5" sourceRef="inner_b" targetRef="sub_join" />
      <bpmn:parallelGateway id="sub_join" />
      <bpmn:sequenceFlow id="s6" sourceRef="sub_join" targetRef="sub_end" />
      <bpmn:endEvent id="sub_end" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f5" sourceRef="sub" targetRef="join" />
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def _run(workflow_class, order: list[str]) -> list[str]:
    """Runs the process with the user tasks completed in `order`; returns the tasks in completion order."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(PROCESS.encode(), filename="walks.bpmn")
    workflow = workflow_class(parser.get_spec("walks"), parser.get_subprocess_specs("walks"))
    completed: list[str] = []

    def done(task):
        completed.append(task.task_spec.name)

    workflow.do_engine_steps(did_complete_task=done)
    for name in order:
        assert_walks_agree(workflow)
        assert workflow.subprocesses, "the embedded subprocess is running"
        task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.name == name)
        task.run()
        completed.append(name)
        workflow.do_engine_steps(did_complete_task=done)
    assert_walks_agree(workflow)
    assert workflow.is_completed()
    return completed


def test_walks_agree_inside_a_subprocess_and_the_run_is_the_same_as_spiffworkflows():
    for order in (["outer_task", "inner_a"], ["inner_a", "outer_task"]):
        assert _run(AnjuWorkflow, order) == _run(BpmnWorkflow, order)
