"""Nothing of another person's case leaks: every case id, every letter id, every document id and every access-code
pattern is tried, and the answers for "no such case" and "not yours" are the same bytes."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.cases import service
from app.letters.models import Letter
from app.portal.models import CaseDocument
from tests.cases.test_service import open_task
from tests.conftest import csrf_from
from tests.factories import materials, permit_form
from tests.portal.helpers import apply_online, confirmation_numbers, png_bytes, register, token

UNKNOWN = "RP-330106-2026-999999"


def _neutral(html: str, *numbers: str) -> str:
    """The page without what legitimately differs between two attempts: the CSRF token, the address of the page
    itself (the language switch's return address) and the number that was typed."""
    html = re.sub(r'name="(csrf_token|next)" value="[^"]+"', "", html)  # the language switch returns to the URL
    for number in numbers:
        html = html.replace(number, "NUMBER").replace(number.lower(), "NUMBER")
    return html


def _track(client, number: str, code: str):
    return client.post(
        "/track", data={"case_number": number, "access_code": code, "csrf_token": token(client, "/track")}
    )


def _open(db, world, *missing: str):
    case, code = service.open_case(
        service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh"
    )
    if missing:
        service.complete_task(
            task_id=open_task(db, case.id).id, actor=world.users["window1"], form=materials(*missing), locale="zh"
        )
    db.session.commit()
    return case, code


@pytest.fixture()
def many_guesses(app):
    """Guessing is rate-limited (tests/portal/test_portal.py); here every pattern must be answered."""
    app.config["PORTAL_RATE_LIMIT"] = "1000 per minute"
    yield
    app.config.pop("PORTAL_RATE_LIMIT")


def test_every_access_code_pattern_for_every_case_tells_nothing(app, db, world, many_guesses):
    cases = [_open(db, world), _open(db, world, "proof_of_address"), _open(db, world)]
    client = app.test_client()
    reference = _neutral(_track(client, UNKNOWN, "ABCD-EFGH").get_data(as_text=True), UNKNOWN)
    for index, (case, code) in enumerate(cases):
        others = [c for i, (_case, c) in enumerate(cases) if i != index]
        wrong_codes = [
            *others,  # another case's real code
            code[:-1] + ("A" if code[-1] != "A" else "B"),  # one character off
            code.replace("-", "")[:-1],  # too short
            code + "X",  # too long
            "",
            "0000-0000",
            "%",
            "' OR 1=1 --",
            "查询码",
            "A" * 300,
        ]
        for guess in wrong_codes:
            response = _track(client, case.number, guess)
            assert response.status_code == 422, (case.number, guess)
            body = response.get_data(as_text=True)
            if guess:  # an empty code is named as missing, before anything is looked up
                assert _neutral(body, case.number) == reference, (case.number, guess)
            assert "portal_case" not in client.get("/track").get_data(as_text=True)
            with client.session_transaction() as session:
                assert "portal_case" not in session
        # The right code in any spelling opens exactly this case, and only it.
        for spelling in (code, code.lower(), code.replace("-", ""), f" {code[:4]} {code[5:]} "):
            assert _track(client, case.number.lower(), spelling).status_code == 302, spelling
            page = client.get("/track").get_data(as_text=True)
            assert case.number in page
            assert all(other.number not in page for other, _code in cases if other.id != case.id)
            client.post("/track/leave", data={"csrf_token": csrf_from(page)})


def test_with_one_case_open_no_other_letter_document_or_upload_is_reachable(app, db, world):
    mine, my_code = _open(db, world, "proof_of_address")
    theirs, their_code = _open(db, world, "proof_of_address")
    staff_side = app.test_client()
    _track(staff_side, theirs.number, their_code)
    their_page = staff_side.get("/track").get_data(as_text=True)
    staff_side.post(
        "/track/supplement",
        data={
            "material-proof_of_address": (io.BytesIO(png_bytes()), "theirs.png"),
            "csrf_token": csrf_from(their_page),
        },
        content_type="multipart/form-data",
    )
    their_document = db.session.scalars(select(CaseDocument).where(CaseDocument.case_id == theirs.id)).one()

    client = app.test_client()
    _track(client, mine.number, my_code)
    page = client.get("/track").get_data(as_text=True)
    letters = db.session.scalars(select(Letter)).all()
    absent = client.get(f"/track/letters/{max(letter.id for letter in letters) + 1}.pdf").get_data(as_text=True)
    for letter in letters:
        response = client.get(f"/track/letters/{letter.id}.pdf")
        if letter.case_id == mine.id:
            assert response.status_code == 200 and response.data.startswith(b"%PDF")
        else:
            assert response.status_code == 404 and _neutral(response.get_data(as_text=True)) == _neutral(absent)
    # An upload goes to the case in the session, never to another (there is no case id to tamper with).
    client.post(
        "/track/supplement",
        data={"material-proof_of_address": (io.BytesIO(png_bytes("green")), "mine.png"), "csrf_token": csrf_from(page)},
        content_type="multipart/form-data",
    )
    assert [d.filename for d in db.session.scalars(select(CaseDocument).where(CaseDocument.case_id == theirs.id))] == [
        "theirs.png"
    ]
    assert "theirs.png" not in client.get("/track").get_data(as_text=True)
    # Documents are served to staff only: an applicant session is sent to the staff log-in for any id.
    for document_id in (their_document.id, their_document.id + 1, 0):
        response = client.get(f"/portal/documents/{document_id}")
        assert response.status_code == 302 and "/login" in response.location


def test_an_account_reaches_its_own_cases_only_and_not_yours_reads_as_absent(app, client, db, world):
    others = [_open(db, world)[0] for _ in range(3)]
    register(client, db, "13688889999")
    number, _code = confirmation_numbers(apply_online(client).get_data(as_text=True))
    mine = next(c for c in db.session.scalars(select(service.Case)) if c.number == number)
    absent = client.get(f"/account/cases/{mine.id + 100}")
    assert absent.status_code == 404
    for case in others:
        response = client.get(f"/account/cases/{case.id}")
        assert response.status_code == 404
        assert _neutral(response.get_data(as_text=True)) == _neutral(absent.get_data(as_text=True))
    home = client.get("/account").get_data(as_text=True)
    assert number in home and all(case.number not in home for case in others)
