"""Statistics on known data: percentiles, on-time rate, weekly counts, the per-department clock; SVG and CSV."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from lxml import etree

from app.cases.models import CaseStatus
from app.core.clock import utcnow
from app.extensions import db
from app.supervision import charts, measures, queries, statistics
from app.supervision.statistics import period_start
from tests.conftest import login
from tests.supervision.conftest import NOW, end_of, local


@pytest.fixture()
def history(build):
    case = build.case(status=CaseStatus.APPROVED, opened=local("2026-11-02"), closed=local("2026-11-18"))
    start = local("2026-11-03")
    for hours in (10, 1, 4, 3, 2):  # verify_residence: median 3, p90 4 + 0.6 × (10 − 4) = 7.6
        build.task(
            case,
            "verify_residence",
            created=start,
            completed=start + timedelta(hours=hours),
            completed_by="community_c0201",
        )
    # police station: 2 of 3 on time; community: 1 of 1 (tasks above had no due date)
    for day, done in (("2026-11-10", "2026-11-10"), ("2026-11-11", "2026-11-09"), ("2026-11-12", "2026-11-13")):
        build.task(
            case,
            "approve",
            unit="P02",
            created=local("2026-11-05"),
            due=end_of(day),
            completed=local(done),
            completed_by="police_p02",
        )
    build.task(
        case,
        "check_materials",
        unit="C0201",
        created=local("2026-11-05"),
        due=end_of("2026-11-06"),
        completed=local("2026-11-06"),
        completed_by="community_c0201",
    )
    build.case(opened=local("2026-11-17"))
    build.case(opened=local("2026-11-10"))
    db.session.commit()
    return case


def test_median_and_p90_per_step(world, history):
    stats = {s.task_name: s for s in measures.step_times(since=utcnow() - timedelta(days=60))}
    verify = stats["verify_residence"]
    assert verify.count == 5
    assert verify.median_hours == pytest.approx(3.0)
    assert verify.p90_hours == pytest.approx(7.6)
    assert stats["check_materials"].median_hours == pytest.approx(24.0)


def test_percentiles_equal_postgresql_percentile_cont(world, history):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL")
    from sqlalchemy import func, select, text

    from app.inbox.models import HumanTask

    duration = measures.hours_between(HumanTask.created_at, HumanTask.completed_at)
    for fraction in (0.5, 0.9, 0.25):
        expected = db.session.scalar(
            select(func.percentile_cont(fraction).within_group(duration)).where(HumanTask.task_name == "approve")
        )
        num, den = round(fraction * 100), 100
        ours = db.session.execute(
            measures.percentiles(
                duration, [HumanTask.task_name], [HumanTask.task_name == "approve"], fractions=((num, den),)
            )
        )
        assert ours.one()[2] == pytest.approx(expected)
    assert db.session.execute(text("SELECT 1")).scalar() == 1


def test_on_time_rate_per_department(world, history):
    rates = {
        r.unit.code: (r.completed, r.on_time)
        for r in statistics.on_time(world.users["district_lead"], since=period_start(NOW))
    }
    assert rates == {"C0201": (1, 1), "P02": (3, 2)}
    police = statistics.on_time(world.users["police_lead"], since=period_start(NOW))
    assert [(r.unit.code, round(r.rate, 3)) for r in police] == [("P02", 0.667)]


def test_cases_opened_and_closed_per_week(world, history):
    weeks = statistics.weekly_cases(world.users["district_lead"])
    assert len(weeks) == 12 and weeks[-1].starts_on == date(2026, 11, 16) and weeks[0].starts_on == date(2026, 8, 31)
    assert [(w.opened, w.closed) for w in weeks[-3:]] == [(1, 0), (1, 0), (1, 1)]


def test_department_clock_of_a_case_and_its_average(world, build):
    case = build.case(opened=local("2026-11-18"))
    build.task(
        case,
        "check_materials",
        unit="MSC",
        created=local("2026-11-18", 9),
        completed=local("2026-11-18", 11),
        completed_by="window1",
    )
    build.task(
        case,
        "verify_residence",
        unit="C0201",
        created=local("2026-11-18", 11),
        completed=local("2026-11-19", 11),
        completed_by="community_c0201",
    )
    build.task(case, "approve", unit="P02", created=local("2026-11-20", 5))
    clock = {row.unit.code: (round(row.hours, 2), row.still_there) for row in queries.department_clock(case.id)}
    assert clock == {"MSC": (2.0, False), "C0201": (24.0, False), "P02": (5.0, True)}
    other = build.case(opened=local("2026-11-19"))
    build.task(
        other,
        "verify_residence",
        unit="C0201",
        created=local("2026-11-19"),
        completed=local("2026-11-19", 22),
        completed_by="community_c0201",
    )
    averages = {
        (r.service, r.unit.code): (r.cases, round(r.average_hours, 2))
        for r in statistics.department_clock_averages(world.users["district_lead"], since=period_start(NOW))
    }
    assert averages[("residence_permit", "C0201")] == (2, 18.0)
    assert averages[("residence_permit", "MSC")] == (1, 2.0)


def _parse_svg(svg: str):
    root = etree.fromstring(svg.encode("utf-8"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert root.get("role") == "img"
    assert root.find("s:title", ns).text and root.find("s:desc", ns) is not None
    return root


def test_charts_are_well_formed_accessible_svg():
    svg = charts.column_chart(
        title="Cases <per> week & more",
        labels=["11-09", "11-16"],
        series=[charts.Series("Opened", [3, 5]), charts.Series("Closed", [0, 2])],
    )
    root = _parse_svg(svg)
    assert len(root.findall(".//{http://www.w3.org/2000/svg}rect")) == 1 + 4 + 2  # paper, bars, legend keys
    assert "11-16: Opened 5, Closed 2" in root.find("{http://www.w3.org/2000/svg}desc").text
    _parse_svg(
        charts.bar_chart(
            title="Time per step",
            labels=["材料审查", "社区入户核查"],
            series=[charts.Series("Median", [1.5, 30.0]), charts.Series("p90", [4, 80])],
        )
    )
    _parse_svg(charts.bar_chart(title="Empty", labels=[], series=[charts.Series("x", [])], empty_text="none"))
    assert charts.nice_max(0) == 1 and charts.nice_max(7) == 10 and charts.nice_max(130) == 200


def test_statistics_page_and_its_csv_tables(client, world, history, build):
    build.task(build.case(), "verify_residence", unit="C0201", created=local("2026-11-19"))
    db.session.commit()
    login(client, "district_lead")
    html = client.get("/supervision/statistics").get_data(as_text=True)
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 5  # four charts and the process diagram with the heat overlay
    for svg in svgs:
        _parse_svg(svg)
    assert "<table" in html and "7.6" in html
    steps = client.get("/supervision/statistics?table=steps&format=csv")
    assert steps.get_data().startswith(b"\xef\xbb\xbf")
    rows = steps.get_data().decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 3 and any(",5,3.0,7.6" in row for row in rows)
    waiting = client.get("/supervision/statistics?table=waiting&format=csv").get_data().decode("utf-8-sig")
    assert waiting.splitlines()[1].startswith("verify_residence,1,")
