"""Applicant accounts, drafts, one's own cases, supplement uploads — and nothing of anyone else's case leaks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.cases import service
from app.cases.models import Case, CaseEvent
from app.core import clock
from app.letters.models import Letter
from app.notifications.models import Notification, OutboxMessage
from app.portal.models import ApplicantAccount, CaseDocument
from tests.cases.test_service import open_task
from tests.conftest import csrf_from, login
from tests.factories import materials, permit_form
from tests.portal.helpers import apply_online, confirmation_numbers, last_code, png_bytes, register, token


def test_register_with_a_phone_verify_the_code_and_log_in_again(app, client, db, world):
    register(client, db, "13912345678")
    account = db.session.scalars(select(ApplicantAccount)).one()
    assert account.verified_at is not None and account.channel == "sms"
    code_row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "verification_code")).one()
    assert code_row.channel == "sms" and code_row.recipient == "13912345678"
    home = client.get("/account")
    assert home.status_code == 200 and "13912345678" in home.get_data(as_text=True)
    other = app.test_client()
    url = "/account/login"
    wrong = other.post(url, data={"login_name": "13912345678", "password": "nope", "csrf_token": token(other, url)})
    assert wrong.status_code == 401 and other.get("/account").status_code == 302
    good = other.post(
        url, data={"login_name": "139 1234 5678", "password": "a-good-password", "csrf_token": token(other, url)}
    )
    assert good.status_code == 302 and other.get("/account").status_code == 200


def test_codes_expire_and_allow_five_tries(client, db, world):
    url = "/account/register"
    client.post(url, data={"login_name": "li@example.com", "password": "long-enough", "csrf_token": token(client, url)})
    code = last_code(db, "li@example.com")
    wrong = "000000" if code != "000000" else "111111"
    verify = "/account/verify"
    for left in (4, 3):
        response = client.post(verify, data={"code": wrong, "csrf_token": token(client, verify)})
        assert response.status_code == 422 and str(left) in response.get_data(as_text=True)
    clock.freeze(clock.utcnow() + timedelta(minutes=11))
    expired = client.post(verify, data={"code": code, "csrf_token": token(client, verify)})
    assert expired.status_code == 422
    assert db.session.scalars(select(ApplicantAccount)).one().verified_at is None
    client.post("/account/verify/resend", data={"csrf_token": token(client, verify)})
    fresh = last_code(db, "li@example.com")
    for _ in range(5):
        client.post(
            verify, data={"code": "999999" if fresh != "999999" else "888888", "csrf_token": token(client, verify)}
        )
    used_up = client.post(verify, data={"code": fresh, "csrf_token": token(client, verify)})
    assert used_up.status_code == 422  # five wrong tries: even the right code no longer works


def test_bad_registration_names_the_fields(client, db, world):
    url = "/account/register"
    response = client.post(
        url,
        data={"login_name": "12345", "password": "short", "csrf_token": token(client, url)},
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#login_name"' in html and 'href="#password"' in html
    assert db.session.scalars(select(ApplicantAccount)).all() == []


def test_a_draft_waits_for_the_account_on_another_device(app, client, db, world):
    register(client, db, "13700001111")
    client.post("/apply/residence_permit/start", data={"csrf_token": token(client, "/apply/residence_permit")})
    url = "/apply/residence_permit/1"
    response = client.post(
        url,
        data={"applicant_name": "赵六", "csrf_token": token(client, url), "action": "save_and_leave"},
    )
    assert response.status_code == 422  # the rest of the page is missing, but what was typed is kept
    other = app.test_client()
    url = "/account/login"
    other.post(url, data={"login_name": "13700001111", "password": "a-good-password", "csrf_token": token(other, url)})
    assert "/apply/residence_permit" in other.get("/account").get_data(as_text=True)
    assert "继续填写" in other.get("/apply/residence_permit").get_data(as_text=True)
    other.post("/apply/residence_permit/start", data={"csrf_token": token(other, "/apply/residence_permit")})
    assert 'value="赵六"' in other.get("/apply/residence_permit/1").get_data(as_text=True)


def test_applicant_follows_own_case_uploads_the_supplement_and_the_case_goes_on(app, client, db, world):
    register(client, db, "wang@example.com")
    form = permit_form()
    number, _code = confirmation_numbers(apply_online(client, form=form).get_data(as_text=True))
    case = db.session.scalars(select(Case).where(Case.number == number)).one()
    window = world.users["window1"]
    task = open_task(db, case.id)
    from app.inbox import service as inbox

    inbox.claim_task(task_id=task.id, actor=window)
    service.complete_task(task_id=task.id, actor=window, form=materials("proof_of_address"), locale="zh")
    db.session.commit()
    kinds = [
        (m.kind, m.channel, m.recipient)
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id)
        )
    ]
    assert kinds == [("case_received", "email", "wang@example.com"), ("supplement_needed", "email", "wang@example.com")]
    home = client.get("/account").get_data(as_text=True)
    assert number in home
    client.get(f"/account/cases/{case.id}")
    progress = client.get("/track").get_data(as_text=True)
    assert "居住地住址证明" in progress and 'name="material-proof_of_address"' in progress
    url = "/track/supplement"
    bad = client.post(
        url,
        data={
            "material-proof_of_address": (__import__("io").BytesIO(b"GIF89a nope"), "a.png"),
            "csrf_token": csrf_from(progress),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "居住地住址证明" in bad.get_data(as_text=True)
    good = client.post(
        url,
        data={
            "material-proof_of_address": (__import__("io").BytesIO(png_bytes()), "lease.png"),
            "csrf_token": csrf_from(progress),
        },
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    document = db.session.scalars(select(CaseDocument).where(CaseDocument.case_id == case.id)).one()
    assert document.stage == "supplement"
    assert db.session.scalars(select(Notification).where(Notification.user_id == window.id)).one().case_id == case.id
    # The caseworker sees the image inline on the case page; viewing it is on the timeline.
    staff = app.test_client()
    login(staff, "window1")
    page = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/portal/documents/{document.id}" in page and "<img" in page
    image = staff.get(f"/portal/documents/{document.id}")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == png_bytes()
    viewed = db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "document_viewed")).one()
    assert viewed.actor_id == window.id
    # Accepting the supplement (the existing record_supplement step) moves the case on.
    task = open_task(db, case.id)
    assert task.task_name == "record_supplement"
    service.complete_task(
        task_id=task.id, actor=window, form={"supplied": "supplied", "supplied_on": "2026-11-20"}, locale="zh"
    )
    db.session.commit()
    assert db.session.get(Case, case.id).status == "in_review"


def test_an_applicant_sees_only_their_own_cases(app, client, db, world):
    theirs, _ = service.open_case(
        service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    register(client, db, "13600002222")
    number, code = confirmation_numbers(apply_online(client).get_data(as_text=True))
    mine = db.session.scalars(select(Case).where(Case.number == number)).one()
    top = max(theirs.id, mine.id) + 3
    for case_id in range(0, top):
        response = client.get(f"/account/cases/{case_id}")
        assert response.status_code == (302 if case_id == mine.id else 404), case_id
        assert theirs.number.encode() not in response.data
    page = client.get("/track").get_data(as_text=True)
    assert mine.number in page and theirs.number not in page
    letters = db.session.scalars(select(Letter.id)).all()
    for letter_id in range(0, max(letters) + 3):
        response = client.get(f"/track/letters/{letter_id}.pdf")
        own = db.session.get(Letter, letter_id)
        assert response.status_code == (200 if own is not None and own.case_id == mine.id else 404)
    # Claiming someone else's case needs its access code; a wrong one says nothing about the case.
    home = client.get("/account").get_data(as_text=True)
    for guess in ("", "AAAA-AAAA", code, theirs.number):
        client.post(
            "/account/cases/claim",
            data={"case_number": theirs.number, "access_code": guess, "csrf_token": csrf_from(home)},
        )
    assert theirs.number not in client.get("/account").get_data(as_text=True)
    # Staff documents are staff-only, and only for cases in the staff member's units.
    assert client.get("/portal/documents/1").status_code == 302
    other_unit = app.test_client()
    login(other_unit, "police_p03")
    for document_id in db.session.scalars(select(CaseDocument.id)).all() or [1]:
        assert other_unit.get(f"/portal/documents/{document_id}").status_code == 404


def test_applicant_and_staff_sessions_never_mix(app, client, db, world):
    register(client, db, "13500003333")
    assert client.get("/inbox/").status_code == 302  # an applicant is a stranger to staff pages
    login(client, "window1")  # a staff log-in ends the applicant session
    assert client.get("/account").status_code == 403
    with client.session_transaction() as session:
        assert "applicant" not in session
    client.post("/logout", data={"csrf_token": token(client, "/inbox/")})
    with client.session_transaction() as session:  # a forged applicant id is no session
        session["applicant"] = {"id": db.session.scalars(select(ApplicantAccount.id)).one(), "tag": "0" * 64}
    assert client.get("/account").status_code == 302


def test_an_applicant_adds_an_e_mail_proves_it_and_chooses_it_for_news(app, client, db, world):
    from app.portal import accounts

    register(client, db, "13911112222")
    register(app.test_client(), db, "taken@example.com")
    home = "/account"
    for value, status in (("not an address", 422), ("Taken@Example.com", 422), ("13911112222", 422)):
        response = client.post("/account/contact", data={"contact": value, "csrf_token": token(client, home)})
        assert response.status_code == status and 'href="#contact"' in response.get_data(as_text=True), value
    response = client.post("/account/contact", data={"contact": "Li@Example.com", "csrf_token": token(client, home)})
    assert response.status_code == 302 and response.location.endswith("/account/contact/verify")
    code = last_code(db, "li@example.com")  # sent to the new address, not to the phone
    account = db.session.scalars(select(ApplicantAccount).where(ApplicantAccount.phone == "13911112222")).one()
    # The code proves only the address it was sent to.
    db.session.refresh(account)
    with app.test_request_context():
        try:
            accounts.confirm_contact(account, address="other@example.com", code=code)
        except Exception as exc:  # ValidationFailed on the code field
            assert "code" in exc.errors
        else:
            raise AssertionError("a code bound to one address confirmed another")
    db.session.rollback()
    verify = "/account/contact/verify"
    assert client.get(verify).status_code == 200
    wrong = client.post(
        verify, data={"code": "000000" if code != "000000" else "111111", "csrf_token": token(client, verify)}
    )
    assert wrong.status_code == 422
    good = client.post(verify, data={"code": code, "csrf_token": token(client, verify)})
    assert good.status_code == 302
    db.session.expire_all()
    account = db.session.get(ApplicantAccount, account.id)
    assert (account.phone, account.email, account.channel) == ("13911112222", "li@example.com", "sms")
    page = client.get(home).get_data(as_text=True)
    assert 'value="email"' in page and "/account/contact" not in page  # both on the account: nothing to add
    client.post("/account/settings", data={"channel": "email", "locale": "en", "csrf_token": token(client, home)})
    apply_online(client)
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "case_received")).one()
    assert (message.channel, message.recipient, message.locale) == ("email", "li@example.com", "en")


def test_news_of_another_case_of_the_same_person_follows_the_account_channel(app, client, db, world):
    """A window case of someone who has an account (through an earlier online case) reaches them as they chose."""
    register(client, db, "zhao@example.com")
    form = permit_form()
    apply_online(client, form=form)
    window_case, _code = service.open_case(
        service="residence_permit",
        form=permit_form(**{k: form[k] for k in ("applicant_name", "id_number", "birth_date", "sex")}),
        actor=world.users["window1"],
        locale="zh",
        confirm_duplicate=True,
    )
    db.session.commit()
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.case_id == window_case.id, OutboxMessage.kind == "case_received")
    ).one()
    assert (message.channel, message.recipient) == ("email", "zhao@example.com")
    stranger_case, _code = service.open_case(
        service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    other = db.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == stranger_case.id)).one()
    assert (other.channel, other.recipient) == ("sms", stranger_case.applicant_phone)
