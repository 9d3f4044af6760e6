"""Public pages: follow a case with number + access code, download its letters, verify a letter by its code."""

from __future__ import annotations

import re
import subprocess
from datetime import date

from sqlalchemy import select

from app.cases import service
from app.cases.models import CaseEvent
from app.letters import service as letters
from app.letters.models import Letter, LetterStatus
from tests.cases.test_service import open_task
from tests.conftest import csrf_from
from tests.factories import materials, permit_form


def _open(db, world, *missing):
    case, code = service.open_case(
        service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh"
    )
    if missing:
        service.complete_task(
            task_id=open_task(db, case.id).id, actor=world.users["window1"], form=materials(*missing), locale="zh"
        )
    db.session.commit()
    return case, code


def _track(client, number, code):
    token = csrf_from(client.get("/track").get_data(as_text=True))
    return client.post("/track", data={"case_number": number, "access_code": code, "csrf_token": token})


def _without_token(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_the_right_code_shows_progress_masked_and_reloads(client, db, world):
    case, code = _open(db, world)
    response = _track(client, case.number.lower(), code.lower())
    assert response.status_code == 302
    html = client.get("/track").get_data(as_text=True)
    assert case.number in html and "材料审查" in html  # the current step …
    assert world.units["MSC"].name_zh in html  # … and the department that holds it
    assert case.applicant_name not in html and case.applicant_id_number not in html
    assert "2026-12-07" in html  # the statutory deadline
    assert "window1" not in html and world.users["window1"].display_name not in html  # no staff names
    assert _without_token(client.get("/track").get_data(as_text=True)) == _without_token(html)  # reload
    client.post("/track/leave", data={"csrf_token": csrf_from(html)})
    assert case.number not in client.get("/track").get_data(as_text=True)


def test_wrong_code_and_unknown_case_answer_identically(client, db, world):
    case, code = _open(db, world)
    wrong_code = _track(client, case.number, "ABCD-EFGH2")
    unknown = _track(client, "RP-330106-2026-999999", code)
    assert wrong_code.status_code == unknown.status_code == 422
    first, second = (_without_token(r.get_data(as_text=True)) for r in (wrong_code, unknown))
    assert first.replace(case.number, "") == second.replace("RP-330106-2026-999999", "")
    with client.session_transaction() as session:
        assert "portal_case" not in session


def test_letters_only_of_the_case_in_the_session(client, db, world):
    mine, code = _open(db, world)
    other, _ = _open(db, world)
    other_letter = db.session.scalars(select(Letter).where(Letter.case_id == other.id)).one()
    my_letter = db.session.scalars(select(Letter).where(Letter.case_id == mine.id)).one()
    assert client.get(f"/track/letters/{my_letter.id}.pdf").status_code == 404  # no session yet
    _track(client, mine.number, code)
    for letter_id in range(1, other_letter.id + 5):
        response = client.get(f"/track/letters/{letter_id}.pdf")
        assert response.status_code == (200 if letter_id == my_letter.id else 404), letter_id
        if letter_id != my_letter.id:
            assert other.number.encode() not in response.data and b"%PDF" not in response.data
    # Tampering: another case id with the tag of mine, or a made-up tag, is no session at all.
    with client.session_transaction() as session:
        session["portal_case"] = {**session["portal_case"], "case_id": other.id}
    page = client.get("/track").get_data(as_text=True)
    assert other.number not in page and mine.number not in page
    assert client.get(f"/track/letters/{other_letter.id}.pdf").status_code == 404
    with client.session_transaction() as session:
        session["portal_case"] = {"case_id": other.id, "tag": "0" * 64}
    assert client.get(f"/track/letters/{other_letter.id}.pdf").status_code == 404
    client.set_cookie("session", "forged.cookie.value")
    assert client.get(f"/track/letters/{my_letter.id}.pdf").status_code == 404
    db.session.expire_all()
    downloads = db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "letter_downloaded")).all()
    assert [(e.case_id, e.actor_id, e.payload["by"]) for e in downloads] == [(mine.id, None, "applicant")]


def test_guessing_is_rate_limited(client, db, world):
    case, _ = _open(db, world)
    token = csrf_from(client.get("/track").get_data(as_text=True))
    statuses = [
        client.post(
            "/track", data={"case_number": case.number, "access_code": f"X{i}", "csrf_token": token}
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429
    assert [client.get(f"/verify/ABCDE2345{i}").status_code for i in range(2, 9)] == [404] * 7
    assert [client.get("/verify/ABCDE23459").status_code for _ in range(4)][-1] == 429


def test_supplement_lists_the_missing_materials_and_pauses_the_clock(client, db, world):
    case, code = _open(db, world, "proof_of_address")
    _track(client, case.number, code)
    html = client.get("/track").get_data(as_text=True)
    assert "居住地住址证明" in html and "2026-12-04" in html
    assert "paused" in html or "暂停" in html


def test_verify_shows_only_the_allowed_fields_and_the_state(client, db, world):
    case, _ = _open(db, world)
    letter = db.session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    response = client.get(f"/verify/{letter.verification_code[:5]}-{letter.verification_code[5:].lower()}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for shown in (letter.number, "居住证申领受理回执", letter.context["agency"]["name"], case.applicant_name[0] + "*"):
        assert shown in html
    for hidden in (case.applicant_name, case.applicant_id_number, case.applicant_phone, case.number):
        assert hidden not in html
    assert client.get(f"/verify?code={letter.verification_code}").status_code == 302
    letter.status = LetterStatus.REVOKED
    db.session.commit()
    assert "Revoked" in client.get(f"/verify/{letter.verification_code}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    letter.status = LetterStatus.SUPERSEDED
    db.session.commit()
    assert "Superseded" in client.get(
        f"/verify/{letter.verification_code}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    unknown = client.get("/verify/ZZZZZZZZZZ", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404 and "No letter has this code" in unknown.get_data(as_text=True)


def test_an_approval_past_its_validity_is_expired(client, db, world):
    from app.portal.queries import verification

    case, _ = _open(db, world)
    letter = db.session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    letter.kind = "rp_approval"
    letter.context = {**letter.context, "permit": {"valid_until": date(2026, 1, 1).isoformat()}}
    db.session.commit()
    assert verification(letter.verification_code)["state"] == "expired"


def test_every_letter_carries_its_qr_code_and_verification_address(client, db, world, app):
    case, _ = _open(db, world)
    letter = db.session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    assert letter.context["verify_url"] == f"{app.config['ANJU_PUBLIC_URL']}/verify/{letter.verification_code}"
    pdf = letters.letter_pdf(letter)
    listing = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True)
    if listing.returncode != 0:  # older poppler reads no stdin: use a file
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            listing = subprocess.run(["pdfimages", "-list", f.name], capture_output=True, check=True)
    assert len(listing.stdout.decode().splitlines()) == 3  # header, rule, one image: the QR code
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    code = letter.verification_code
    assert f"{code[:5]}-{code[5:]}" in text


def test_progress_gives_an_expected_date_from_recent_cases_and_the_decision_date_at_the_end(client, db, world):
    from datetime import datetime

    from app.core import clock
    from tests.permits.conftest import do

    users = world.users

    def at(day: str) -> None:
        clock.freeze(datetime.fromisoformat(f"{day}T10:00:00+08:00"))

    # A case decided in five days (checked after 1, verified after 3, approved after 5): how long cases take.
    at("2026-11-02")
    earlier, earlier_code = service.open_case(
        service="residence_permit", form=permit_form(today=date(2026, 11, 2)), actor=users["window1"], locale="zh"
    )
    at("2026-11-03")
    do(db, earlier.id, users["window1"], materials())
    at("2026-11-05")
    visit = {"lives_at_address": "true", "visit_date": "2026-11-05", "observations": "经入户核查，申请人居住属实"}
    do(db, earlier.id, users["community_c0201"], visit)
    at("2026-11-07")
    do(db, earlier.id, users["police_p02"], {"decision": "approve", "issue_date": "2026-11-07"})
    db.session.commit()

    at("2026-11-20")
    case, code = _open(db, world)
    _track(client, case.number, code)
    html = client.get("/track", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Expected decision" in html and "around 2026-11-25" in html  # 5 days from now, before the deadline
    assert "2026-12-07" in html  # the statutory deadline, with the working days left
    assert "11 working days left" in html

    client.post("/track/leave", data={"csrf_token": csrf_from(html)})
    _track(client, earlier.number, earlier_code)
    done = client.get("/track", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Expected decision" not in done and "2026-11-07" in done and "Collect it at the service window" in done


def test_while_waiting_for_the_applicant_the_dates_say_the_clock_is_paused(client, db, world):
    case, code = _open(db, world, "proof_of_address")
    _track(client, case.number, code)
    html = client.get("/track", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "This depends on when you send the missing materials." in html
    assert "Paused while we wait for your materials" in html and "working days left" not in html
