"""Legal aid over HTTP: the green channel is tagged in every list of tasks and on the case page (and an overdue
escalation is told apart from it), jurisdiction, masking, intake at the window with bad input."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.cases.models import Case
from app.core.masking import mask_id_number
from tests.conftest import csrf_from, login
from tests.legal_aid.conftest import OK, do, fire_timers, la_form, open_tasks


def words(app, msgid: str) -> str:
    with app.test_request_context(), force_locale("zh"):
        return gettext(msgid)


def html(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def row_of(page: str, number: str) -> str:
    """The inbox table row of a case."""
    start = page.rindex("<tr>", 0, page.index(number))
    return page[start : page.index("</tr>", start)]


def test_green_channel_is_tagged_in_every_inbox_and_on_the_case_page(app, db, world, green):
    green_tag, escalated = words(app, "Green channel"), words(app, "escalated")
    client = app.test_client()
    login(client, "legal_aid1")
    _status, page = html(client, "/inbox/?view=unit")
    row = row_of(page, green.number)
    assert green_tag in row and escalated not in row
    assert green.applicant_id_number not in page and mask_id_number(green.applicant_id_number) in row
    status, case_page = html(client, f"/cases/{green.id}")
    assert status == 200 and green_tag in case_page and green.applicant_id_number not in case_page
    (task,) = open_tasks(db, green.id)
    _status, task_page = html(client, f"/inbox/tasks/{task.id}")
    assert green_tag in task_page

    # The supervisor's desk lists it with the tag too.
    lead = app.test_client()
    login(lead, "legal_aid_lead")
    _status, desk = html(lead, "/supervision/tasks")
    assert green_tag in row_of(desk, green.number)

    # Overdue at the end of the same day: escalated on top of the green channel, both shown.
    fire_timers(db, "2026-11-21", 9)
    _status, page = html(client, "/inbox/?view=unit")
    row = row_of(page, green.number)
    assert green_tag in row and escalated in row


def test_a_normal_case_has_no_tag_until_escalated(app, db, world, centre):
    from app.cases import service

    case, _code = service.open_case(service="legal_aid", form=la_form("support"), actor=centre, locale="zh")
    db.session.commit()
    client = app.test_client()
    login(client, "legal_aid1")
    _status, page = html(client, "/inbox/?view=unit")
    row = row_of(page, case.number)
    assert words(app, "Green channel") not in row and words(app, "escalated") not in row


def test_only_units_on_the_case_see_it(app, db, world, green, centre):
    do(db, green, centre, OK)
    for username, status in (("legal_aid1", 200), ("legal_aid_lead", 200), ("labour1", 404), ("window1", 404)):
        client = app.test_client()
        login(client, username)
        assert html(client, f"/cases/{green.id}")[0] == status, username


def test_window_intake_over_http_names_the_bad_field_and_saves_nothing(app, db, world):
    client = app.test_client()
    login(client, "legal_aid1")
    _status, form_page = html(client, "/cases/new?service=legal_aid")
    form = la_form(phone="12345")
    before = db.session.scalar(select(func.count()).select_from(Case))
    response = client.post(
        "/cases/new?service=legal_aid", data={**form, "csrf_token": csrf_from(form_page)}, follow_redirects=False
    )
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 422) and "联系电话" in page
    assert db.session.scalar(select(func.count()).select_from(Case)) == before
    # Without the CSRF token nothing is opened either.
    response = client.post("/cases/new?service=legal_aid", data=la_form())
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Case)) == before
    response = client.post(
        "/cases/new?service=legal_aid", data={**la_form(), "csrf_token": csrf_from(form_page)}, follow_redirects=False
    )
    assert response.status_code == 302 and db.session.scalar(select(func.count()).select_from(Case)) == before + 1
