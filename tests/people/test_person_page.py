"""One person, many cases: the person page within the viewer's units, and the likely-duplicate warning."""

from __future__ import annotations

from sqlalchemy import select

from app.cases import service
from app.cases.models import Case, CaseEvent
from tests.cases.test_views import post_form
from tests.conftest import login
from tests.factories import permit_form


def _open(world, form, user="window1", **kwargs):
    case, _code = service.open_case(
        service="residence_permit", form=form, actor=world.users[user], locale="zh", **kwargs
    )
    return case


def test_window_is_warned_of_a_second_open_case_and_may_confirm(client, db, world):
    form = permit_form(seed=42)
    first = _open(world, form)
    db.session.commit()
    login(client, "window1")
    response = post_form(client, "/cases/new?service=residence_permit", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="duplicate-warning"' in html and first.number in html
    assert db.session.scalar(select(Case.id).where(Case.id != first.id)) is None  # nothing opened
    response = post_form(client, "/cases/new?service=residence_permit", {**form, "confirm_duplicate": "yes"})
    assert response.status_code == 302
    second = db.session.scalars(select(Case).where(Case.id != first.id)).one()
    event = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == second.id, CaseEvent.kind == "duplicate_suspected")
    ).one()
    assert event.payload["existing"] == [first.number]


def test_different_people_are_not_duplicates(db, world):
    _open(world, permit_form())
    _open(world, permit_form())  # raises if taken for a duplicate
    assert db.session.scalar(select(CaseEvent.id).where(CaseEvent.kind == "duplicate_suspected")) is None


def test_online_application_is_opened_and_flagged(db, world):
    form = permit_form(seed=43)
    first = _open(world, form)
    second, _code = service.open_case(service="residence_permit", form=form, actor=None, locale="zh", channel="online")
    db.session.commit()
    kinds = {e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == second.id))}
    assert "duplicate_suspected" in kinds and second.data["channel"] == "online" and first.id != second.id


def test_person_page_lists_cases_masks_and_records_the_view(client, db, world):
    form = permit_form(seed=44, community="C0201")
    first = _open(world, form)
    second = _open(world, form, confirm_duplicate=True)
    other_person = _open(world, permit_form())
    db.session.commit()
    login(client, "window1")
    response = client.get(f"/people/of-case/{second.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert first.number in html and second.number in html and other_person.number not in html
    assert first.applicant_id_number not in html  # masked
    assert 'class="notice notice-warning"' in html  # two open cases of one person
    viewed = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == second.id, CaseEvent.kind == "person_viewed")
    ).one()
    assert viewed.payload["cases"] == 2


def test_person_page_hides_cases_outside_the_viewers_units(client, db, world):
    form = permit_form(seed=45, community="C0201")
    mine = _open(world, form, user="community_c0201")
    db.session.commit()
    elsewhere = _open(world, {**form, "community_code": "C0101"}, user="community_c0101", confirm_duplicate=True)
    db.session.commit()
    login(client, "community_c0201")
    html = client.get(f"/people/of-case/{mine.id}").get_data(as_text=True)
    assert mine.number in html and elsewhere.number not in html  # listed by service and status only
    assert client.get(f"/people/of-case/{elsewhere.id}").status_code == 404  # not reachable from a case not seen
