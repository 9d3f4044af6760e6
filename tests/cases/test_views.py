"""The caseworker journey over HTTP: intake form, inbox, claim, complete, case page; bad input; CSRF."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.cases.models import Case, CaseEvent
from app.inbox.models import HumanTask, TaskState
from tests.conftest import csrf_from, login
from tests.factories import materials, permit_form


def post_form(client, url, data):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_intake_over_http_then_inbox_claim_and_complete(client, db, world):
    login(client, "window1")
    response = post_form(client, "/cases/new?service=residence_permit", permit_form())
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    code = re.search(r'class="access-code">([A-Z0-9-]+)<', page).group(1)
    case = db.session.scalars(select(Case)).one()
    assert case.access_code_hash and code not in page.replace(code, "", 1)  # shown once on this page only
    assert case.applicant_id_number not in page  # masked until revealed
    inbox = client.get("/inbox/?view=unit").get_data(as_text=True)
    assert "材料审查" in inbox and case.number in inbox
    task = db.session.scalars(select(HumanTask)).one()
    task_page = client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert "辅助审查信息" in task_page and "D-RP-1" in task_page  # the permit's decision facts beside the form
    assert post_form(client, f"/inbox/tasks/{task.id}", {}).status_code == 422  # nothing chosen: errors shown
    response = post_form(client, f"/inbox/tasks/{task.id}", materials())
    assert response.status_code == 302 and response.location.endswith("/inbox/")
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).state == TaskState.COMPLETED


def test_intake_errors_keep_input_and_name_fields_in_english(client, db, world):
    login(client, "window1")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/language", data={"locale": "en", "csrf_token": token, "next": "/inbox/"})
    form = permit_form(phone="12345", applicant_name="测试人")
    response = post_form(client, "/cases/new?service=residence_permit", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("error-summary" in html and "Mobile" in html) or "phone" in html.lower()
    assert 'value="测试人"' in html and db.session.scalars(select(Case)).first() is None


def test_post_without_csrf_is_refused(client, world):
    login(client, "window1")
    response = client.post("/cases/new?service=residence_permit", data=permit_form())
    assert response.status_code == 400


def test_reveal_is_recorded(client, db, world):
    login(client, "window1")
    post_form(client, "/cases/new?service=residence_permit", permit_form())
    case = db.session.scalars(select(Case)).one()
    response = post_form(client, f"/cases/{case.id}", {})  # GET page for token, POST is not allowed on detail
    assert response.status_code == 405
    token = csrf_from(client.get(f"/cases/{case.id}").get_data(as_text=True))
    client.post(f"/cases/{case.id}/reveal", data={"csrf_token": token})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.applicant_id_number in page
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert "personal_data_viewed" in kinds


def test_login_is_rate_limited_and_failures_are_audited(app, client, db, world):
    from app.accounts.models import AuditEntry

    for _ in range(10):
        login(client, "window1", "wrong")
    assert login(client, "window1", "wrong").status_code == 429
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).first() is not None


def test_healthz(client):
    body = client.get("/healthz").get_json()
    assert body["app"] == "ok" and body["database"] == "ok"


def test_a_deactivated_account_is_signed_out_at_its_next_request(client, db, world):
    login(client, "window1")
    assert client.get("/inbox/").status_code == 200
    world.users["window1"].is_active_flag = False
    db.session.commit()
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/login" in response.location
    world.users["window1"].is_active_flag = True
    db.session.commit()
    assert client.get("/inbox/").status_code == 200  # the same session is good again once reactivated
