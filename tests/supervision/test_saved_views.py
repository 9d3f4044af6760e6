"""Inbox filters (service, step, due state, priority, jurisdiction, order) and saved views, personal or shared."""

from __future__ import annotations

import pytest

from app.core.errors import NotFound, ValidationFailed
from app.extensions import db
from app.inbox.queries import InboxFilters, inbox
from app.supervision import queries, service
from tests.conftest import csrf_from, login
from tests.supervision.conftest import end_of


@pytest.fixture()
def pool(build):
    """Unclaimed tasks in 文三社区 (C0201) and 求是社区 (C0202)."""
    case = build.case("C0201")
    tasks = {
        "overdue": build.task(case, unit="C0201", due=end_of("2026-11-18")),
        "today": build.task(case, unit="C0201", due=end_of("2026-11-20"), priority=1),
        "next3": build.task(case, "record_supplement", unit="C0201", due=end_of("2026-11-24")),
        "none": build.task(case, unit="C0201"),
        "other_unit": build.task(build.case("C0202"), unit="C0202", due=end_of("2026-11-19")),
    }
    db.session.commit()
    return tasks


def _names(pool, page) -> list[str]:
    ids = {t.id: name for name, t in pool.items()}
    return [ids[t.id] for t in page.tasks]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["today", "overdue", "other_unit", "next3", "none"]),  # urgency: priority first, then due date
        ({"sort": "due"}, ["overdue", "other_unit", "today", "next3", "none"]),
        ({"due": "overdue"}, ["overdue", "other_unit"]),
        ({"due": "today"}, ["today"]),
        ({"due": "next3"}, ["next3"]),
        ({"due": "none"}, ["none"]),
        ({"priority": "raised"}, ["today"]),
        ({"step": "record_supplement"}, ["next3"]),
        ({"unit_id": "C0202"}, ["other_unit"]),
        ({"service": "legal_aid"}, []),
        ({"due": "bogus", "sort": "bogus"}, ["today", "overdue", "other_unit", "next3", "none"]),  # ignored
    ],
)
def test_inbox_filters(world, pool, filters, expected):
    if "unit_id" in filters:
        filters = {**filters, "unit_id": str(world.units[filters["unit_id"]].id)}
    page = inbox(world.users["xixi_lead"], view="unit", filters=InboxFilters.from_mapping(filters))
    assert _names(pool, page) == expected


def test_the_unit_filter_never_widens_jurisdiction(world, pool):
    caseworker = world.users["community_c0201"]
    outside = InboxFilters(unit_id=world.units["C0202"].id)
    assert inbox(caseworker, view="unit", filters=outside).tasks == []
    assert len(inbox(caseworker, view="unit", service="residence_permit").tasks) == 4  # the old signature works


def test_personal_and_shared_views(world, pool):
    me, colleague, elsewhere = world.users["window1"], world.users["window2"], world.users["community_c0201"]
    mine = service.save_view(owner=me, name="我的超期", filters={"due": "overdue", "view": "unit"}, shared=False)
    shared = service.save_view(owner=me, name="窗口今日", filters={"due": "today", "bogus": "x"}, shared=True)
    db.session.commit()
    assert shared.filters == {"due": "today", "view": "mine"} and shared.unit_id == me.unit_id
    assert {v.name for v in queries.saved_views_for(me)} == {"我的超期", "窗口今日"}
    assert [v.name for v in queries.saved_views_for(colleague)] == ["窗口今日"]
    assert queries.saved_views_for(elsewhere) == []
    with pytest.raises(NotFound):  # only the owner deletes, a shared view too
        service.delete_view(view_id=shared.id, actor=colleague)
    service.delete_view(view_id=mine.id, actor=me)
    with pytest.raises(ValidationFailed):
        service.save_view(owner=me, name=" ", filters={}, shared=False)


def test_saving_and_using_a_view_in_the_inbox(client, world, pool):
    login(client, "xixi_lead")
    page = client.get("/inbox/?view=unit&due=overdue").get_data(as_text=True)
    assert page.count('class="nowrap" href="/cases/') == 2
    response = client.post(
        "/inbox/views",
        data={"csrf_token": csrf_from(page), "name": "超期待认领", "view": "unit", "due": "overdue", "shared": "unit"},
    )
    assert response.status_code == 302 and "saved=" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "超期待认领" in page and page.count('class="nowrap" href="/cases/') == 2
    assert 'aria-current="page">超期待认领' in page
    login(client, "community_c0201")  # not in 西溪街道's own unit: does not see the shared view
    assert "超期待认领" not in client.get("/inbox/").get_data(as_text=True)
