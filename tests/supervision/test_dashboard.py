"""Dashboard counts on known data, grouped by department, person and service, and their drill-down lists."""

from __future__ import annotations

from datetime import date

import pytest

from app.cases.models import CaseStatus
from app.extensions import db
from app.supervision import queries
from app.supervision.queries import TaskFilter
from tests.conftest import login
from tests.supervision.conftest import end_of, local


@pytest.fixture()
def tasks(build):
    """Friday 2026-11-20 10:00; the next three working days are 23–25 November."""
    breached = build.case("C0201", due_on=date(2026, 11, 19))
    fine = build.case("C0201", due_on=date(2026, 12, 10))
    paused = build.case("C0202", due_on=date(2026, 11, 2), status=CaseStatus.AWAITING_APPLICANT)
    beishan = build.case("C0101", due_on=date(2026, 12, 10))
    tasks = {
        "overdue_mine": build.task(breached, unit="C0201", assignee="community_c0201", due=end_of("2026-11-19")),
        "overdue_police": build.task(fine, "approve", unit="P02", due=end_of("2026-11-18")),
        "today": build.task(fine, unit="C0201", due=end_of("2026-11-20")),
        "next3": build.task(fine, unit="C0201", assignee="community_c0201", due=end_of("2026-11-25")),
        "later": build.task(paused, "record_supplement", unit="C0202", due=end_of("2026-11-26")),
        "no_due": build.task(fine, "check_materials", unit="MSC"),
        "done": build.task(
            fine,
            unit="C0201",
            due=end_of("2026-11-10"),
            created=local("2026-11-08"),
            completed=local("2026-11-09"),
            completed_by="community_c0201",
        ),
        "beishan": build.task(beishan, unit="C0101", due=end_of("2026-11-19")),
    }
    db.session.commit()
    return tasks


def test_counts_for_the_whole_district(world, tasks):
    d = queries.dashboard(world.users["district_lead"])
    assert (d.total.open, d.total.overdue, d.total.today, d.total.next3, d.total.at_risk) == (7, 3, 1, 1, 1)
    by_unit = {u.code: c for u, c in d.by_unit}
    assert by_unit["C0201"].open == 3 and by_unit["C0201"].overdue == 1 and by_unit["C0201"].at_risk == 1
    assert by_unit["P02"].overdue == 1 and by_unit["C0101"].overdue == 1 and by_unit["MSC"].overdue == 0
    by_person = {p.username if p else None: c for p, c in d.by_person}
    assert by_person["community_c0201"].open == 2 and by_person["community_c0201"].next3 == 1
    assert by_person[None].open == 5 and by_person[None].today == 1
    assert dict((s, c.overdue) for s, c in d.by_service) == {"residence_permit": 3}


def test_a_street_supervisor_counts_only_their_street(world, tasks):
    d = queries.dashboard(world.users["xixi_lead"])  # 西溪街道: its two communities, not the police station
    assert (d.total.open, d.total.overdue, d.total.today, d.total.next3) == (4, 1, 1, 1)
    assert {u.code for u, _c in d.by_unit} == {"C0201", "C0202"}


def test_paused_cases_are_not_at_risk(world, tasks):
    at_risk = queries.task_list(world.users["district_lead"], TaskFilter(bucket="at_risk")).tasks
    assert [t.id for t in at_risk] == [tasks["overdue_mine"].id]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (TaskFilter(bucket="overdue"), {"overdue_mine", "overdue_police", "beishan"}),
        (TaskFilter(bucket="today"), {"today"}),
        (TaskFilter(bucket="next3"), {"next3"}),
        (TaskFilter(bucket="overdue", person="none"), {"overdue_police", "beishan"}),
        (TaskFilter(person="community_c0201"), {"overdue_mine", "next3"}),
        (TaskFilter(unit_id="C0201"), {"overdue_mine", "today", "next3"}),
        (TaskFilter(service="residence_permit", bucket="today"), {"today"}),
    ],
)
def test_drill_down_lists_match_the_counts(world, tasks, filters, expected):
    if filters.person and filters.person != "none":
        filters = TaskFilter(bucket=filters.bucket, person=str(world.users[filters.person].id))
    if isinstance(filters.unit_id, str):
        filters = TaskFilter(unit_id=world.units[filters.unit_id].id)
    listed = queries.task_list(world.users["district_lead"], filters).tasks
    names = {name for name, t in tasks.items() if t.id in {row.id for row in listed}}
    assert names == expected
    # most urgent first: due dates ascending within equal priority
    dues = [t.due_at for t in listed if t.due_at]
    assert dues == sorted(dues)


def test_dashboard_page_links_every_number_to_its_list(client, world, tasks):
    login(client, "xixi_lead")
    html = client.get("/supervision/").get_data(as_text=True)
    assert 'href="/supervision/tasks?bucket=overdue"' in html
    assert f'href="/supervision/tasks?bucket=overdue&amp;unit_id={world.units["C0201"].id}"' in html
    assert f'href="/supervision/tasks?bucket=next3&amp;person={world.users["community_c0201"].id}"' in html
    assert 'href="/supervision/tasks?bucket=today&amp;person=none"' in html
    page = client.get("/supervision/tasks?bucket=overdue").get_data(as_text=True)
    assert "RP-330106-2026-" in page and "3412**********1234" in page  # masked as in every list
    assert "341202199001011234" not in page


def test_caseworkers_do_not_see_the_desk(client, world, tasks):
    login(client, "window1")
    for url in ("/supervision/", "/supervision/tasks", "/supervision/workload", "/supervision/statistics"):
        assert client.get(url).status_code == 403
    assert "supervision/" not in client.get("/inbox/").get_data(as_text=True).split("<main")[0]


def test_csv_export_has_bom_header_and_masked_ids(client, world, tasks):
    login(client, "district_lead")
    response = client.get("/supervision/tasks?bucket=overdue&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["案件编号", "申请人", "身份证号码"] or lines[0].startswith("Case number")
    assert len(lines) == 1 + 3
    assert "3412**********1234" in body.decode("utf-8") and "341202199001011234" not in body.decode("utf-8")
    assert "王*" in body.decode("utf-8")
    counts = client.get("/supervision/?format=csv&table=person").get_data().decode("utf-8-sig").splitlines()
    assert len(counts) == 1 + 2  # header, community_c0201, not claimed
