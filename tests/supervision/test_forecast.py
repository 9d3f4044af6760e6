"""The at-risk forecast: median step times and the usual order of steps, learnt from closed cases."""

from __future__ import annotations

from datetime import date, timedelta

from app.cases.models import CaseStatus
from app.core.clock import utcnow
from app.supervision import measures, queries
from app.supervision.queries import TaskFilter
from tests.supervision.conftest import local


def _closed_case(build, steps: list[tuple[str, float]], start: str = "2026-10-05"):
    """A closed case whose tasks ran one after another, each for the given number of hours."""
    case = build.case(status=CaseStatus.APPROVED, opened=local(start), closed=local("2026-11-01"))
    moment = local(start)
    for name, hours in steps:
        build.task(case, name, created=moment, completed=moment + timedelta(hours=hours), completed_by="police_p02")
        moment += timedelta(hours=hours)
    return case


def _history(build):
    _closed_case(build, [("check_materials", 20), ("verify_residence", 70), ("approve", 40)])
    _closed_case(
        build, [("check_materials", 24), ("record_supplement", 100), ("verify_residence", 72), ("approve", 48)]
    )
    _closed_case(build, [("check_materials", 30), ("verify_residence", 80), ("approve", 50)])


def test_usual_successors_follow_the_most_common_path(world, build):
    _history(build)
    following = measures.usual_successors(since=utcnow() - timedelta(days=90))
    assert following[("residence_permit", "check_materials")] == "verify_residence"  # 2 of 3
    assert following[("residence_permit", "record_supplement")] == "verify_residence"
    assert following[("residence_permit", "approve")] is None  # the end


def test_forecast_adds_the_medians_of_the_remaining_steps(world, build):
    _history(build)
    prediction = measures.forecast(utcnow())
    assert prediction.path[("residence_permit", "check_materials")] == [
        "check_materials",
        "verify_residence",
        "approve",
    ]
    # medians: check 24, verify 72, approve 48
    assert prediction.remaining_hours[("residence_permit", "check_materials")] == 24 + 72 + 48
    assert prediction.remaining_hours[("residence_permit", "approve")] == 48
    # Friday 10:00 + 144 h = Thursday 26 November, 10:00
    assert prediction.cutoff(("residence_permit", "check_materials"), utcnow()) == date(2026, 11, 26)


def test_a_case_is_at_risk_when_its_deadline_comes_before_the_usual_finish(world, build):
    _history(build)
    tight = build.case(status=CaseStatus.RECEIVED, due_on=date(2026, 11, 25))  # before Thursday: at risk
    ample = build.case(status=CaseStatus.RECEIVED, due_on=date(2026, 11, 26))  # finishes that day: fine
    late_step = build.case(status=CaseStatus.IN_REVIEW, due_on=date(2026, 11, 21))  # approve: 48 h → Sunday
    paused = build.case(status=CaseStatus.AWAITING_APPLICANT, due_on=date(2026, 11, 21))
    at_risk = {
        build.task(tight, "check_materials", unit="MSC").id,
        build.task(late_step, "approve", unit="P02").id,
    }
    build.task(ample, "check_materials", unit="MSC")
    build.task(paused, "record_supplement", unit="MSC")
    lead = world.users["district_lead"]
    assert queries.dashboard(lead).total.at_risk == 2
    assert {t.id for t in queries.task_list(lead, TaskFilter(bucket="at_risk")).tasks} == at_risk
    by_unit = {u.code: c.at_risk for u, c in queries.dashboard(lead).by_unit}
    assert by_unit == {"MSC": 1, "P02": 1}


def test_a_step_without_history_predicts_nothing(world, build):
    case = build.case(status=CaseStatus.RECEIVED, due_on=date(2026, 11, 21))
    build.task(case, "check_materials", unit="MSC")
    assert queries.dashboard(world.users["district_lead"]).total.at_risk == 0


def test_the_forecast_is_cached_for_the_configured_time(app, db, world, monkeypatch):
    from app.core import clock
    from app.supervision import queries as supervision_queries

    monkeypatch.setitem(app.config, "FORECAST_CACHE_SECONDS", 60)
    monkeypatch.setattr(supervision_queries, "_forecasts", {})
    first = supervision_queries.cached_forecast(clock.utcnow())
    assert supervision_queries.cached_forecast(clock.utcnow()) is first
    monkeypatch.setitem(app.config, "FORECAST_CACHE_SECONDS", 0)
    assert supervision_queries.cached_forecast(clock.utcnow()) is not first
