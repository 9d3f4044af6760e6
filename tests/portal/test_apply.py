"""Applying online: generic over the service catalogue, one question group per page, documents checked by
content, check your answers, a confirmation with what happens next; the case enters like a window case."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from app.cases.models import Case, CaseEvent
from app.letters.models import Letter
from app.notifications.models import OutboxMessage
from app.portal import apply
from app.portal.models import ApplicationDraft, CaseDocument
from tests.factories import permit_form
from tests.portal.helpers import apply_online, confirmation_numbers, pdf_bytes, png_bytes, token


def test_the_start_page_lists_every_service_offered_online(client, world):
    from app.cases import services

    html = client.get("/apply").get_data(as_text=True)
    offered = [s for s in services.all_services() if s.online_intake_unit_kind is not None]
    assert offered and all(f"/apply/{s.process_id}" in html for s in apply.online_services())
    assert client.get("/apply/no_such_service").status_code == 404
    start = client.get("/apply/residence_permit").get_data(as_text=True)
    assert "居住地住址证明" in start and "15" in start  # what to have ready, and how long it takes


def test_pages_follow_the_form_sections_and_cut_long_ones(app, world):
    definition = apply.intake_definition("residence_permit")
    pages = apply.pages(definition)
    assert [len(p["fields"]) for p in pages] == [6, 4, 5, 5]
    app.config["PORTAL_FIELDS_PER_PAGE"] = 4
    try:
        assert [len(p["fields"]) for p in apply.pages(definition)] == [4, 2, 4, 4, 1, 4, 1]
    finally:
        app.config["PORTAL_FIELDS_PER_PAGE"] = 6
    declared = {**definition, "ui": {**definition["ui"], "pages": [{"title": None, "fields": ["phone", "basis"]}]}}
    first, *rest = apply.pages(declared)
    assert first["fields"] == ["phone", "basis"] and all("phone" not in p["fields"] for p in rest)


def test_a_stranger_applies_online_and_the_case_enters_at_the_online_intake_unit(client, db, world):
    form = permit_form()
    done = apply_online(client, form=form, files={"material-proof_of_address": (png_bytes(), "lease.png")})
    html = done.get_data(as_text=True)
    number, code = confirmation_numbers(html)
    case = db.session.scalars(select(Case).where(Case.number == number)).one()
    assert case.data["channel"] == "online" and case.opened_by_id is None
    assert case.intake_unit.kind == "service_centre" and case.status == "received"
    assert case.applicant_id_number == form["id_number"]
    assert "工作日" in html and case.statutory_due_on.isoformat() in html  # what happens next, by when
    assert "居民身份证" in html  # still to bring (not uploaded) …
    (document,) = db.session.scalars(select(CaseDocument).where(CaseDocument.case_id == case.id)).all()
    assert (document.material_code, document.content_type, document.stage) == (
        "proof_of_address",
        "image/png",
        "application",
    )
    kinds = [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))]
    assert "document_uploaded" in kinds
    sms = db.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).one()
    assert (sms.kind, sms.channel, sms.recipient) == ("case_received", "sms", form["phone"])
    assert db.session.scalar(select(ApplicationDraft.id)) is None  # the draft is gone once sent
    # The receipt (with the access code) can be saved as PDF from the confirmation page.
    assert "/track/letters/" in html
    progress = client.get("/track").get_data(as_text=True)
    assert number in progress and code not in progress


def test_a_page_with_mistakes_names_the_field_and_keeps_what_was_typed(client, db, world):
    client.post("/apply/residence_permit/start", data={"csrf_token": token(client, "/apply/residence_permit")})
    url = "/apply/residence_permit/1"
    response = client.post(
        url,
        data={"applicant_name": "王小明", "id_number": "123", "csrf_token": token(client, url), "action": "continue"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "公民身份号码" in html and 'href="#field-id_number"' in html and 'value="王小明"' in html
    assert "current_address" not in html  # only this page's questions
    assert db.session.scalars(select(ApplicationDraft)).one().answers["applicant_name"] == "王小明"


def test_a_refused_upload_says_why_and_names_the_document(client, db, world):
    form = permit_form()
    client.post("/apply/residence_permit/start", data={"csrf_token": token(client, "/apply/residence_permit")})
    for number, page in enumerate(apply.pages(apply.intake_definition("residence_permit")), start=1):
        url = f"/apply/residence_permit/{number}"
        client.post(url, data={**{n: form[n] for n in page["fields"] if n in form}, "csrf_token": token(client, url)})
    url = "/apply/residence_permit/documents"
    fake = (io.BytesIO(b"MZ\x90\x00 this is a program, not a photo"), "photo.png")
    big = (io.BytesIO(b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF"), "scan.pdf")
    good = (io.BytesIO(pdf_bytes()), "card.pdf")
    response = client.post(
        url,
        data={
            "material-photo": fake,
            "material-proof_of_address": big,
            "material-id_card": good,
            "csrf_token": token(client, url),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "申请人近期相片" in html and ("PDF、JPG" in html or "PDF, JPG" in html)
    assert "居住地住址证明" in html and "5.0 MB" in html
    draft = db.session.scalars(select(ApplicationDraft)).one()
    assert list(draft.documents) == ["id_card"]  # the good one is kept


def test_uploads_are_stored_by_content_outside_the_web_root(app, client, db, world, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    try:
        apply_online(client, files={"material-id_card": (png_bytes("blue"), "../../etc/passwd.png")})
    finally:
        app.config.pop("UPLOAD_DIR")
    document = db.session.scalars(select(CaseDocument)).one()
    assert document.filename == "passwd.png"
    assert (tmp_path / document.sha256[:2] / document.sha256).read_bytes() == png_bytes("blue")
    assert client.get(f"/static/{document.sha256}").status_code == 404


def _flat(form: dict) -> dict:
    """A form as the browser sends it: repeat rows as `<field>.<row>.<column>` inputs, booleans as text."""
    out = {}
    for name, value in form.items():
        if isinstance(value, list):
            for index, row in enumerate(value):
                for column, cell in row.items():
                    if cell not in (None, False):
                        out[f"{name}.{index}.{column}"] = "true" if cell is True else str(cell)
        elif value is not None:
            out[name] = value
    return out


def test_legal_aid_and_wage_arrears_go_through_the_same_pages(client, db, world):
    import random

    from app.wage_arrears.demo import complaint_form

    person = permit_form()
    legal_aid = {
        **{k: person[k] for k in ("applicant_name", "id_number", "phone", "current_address", "community_code")},
        "applicant_status": "migrant_worker",
        "matter_type": "wage_claim",
        "aid_requested": "arbitration",
        "opponent_name": "杭州某建筑劳务有限公司",
        "facts": "2026年8月至10月在工地务工，公司拖欠工资三个月，多次催讨未果。",
    }
    html = apply_online(client, form=legal_aid, service="legal_aid").get_data(as_text=True)
    number = re.search(r"LA-\d{6}-\d{4}-\d{6}", html).group(0)
    case = db.session.scalars(select(Case).where(Case.number == number)).one()
    assert case.intake_unit.kind == "legal_aid_centre" and case.data["channel"] == "online"
    titles = [letter.title for letter in db.session.scalars(select(Letter).where(Letter.case_id == case.id))]
    assert "工作日" in html and titles == ["法律援助申请受理回执"]

    group = complaint_form(random.Random(9), "C0201", group=True, worker_count=3)
    html = apply_online(client, form=_flat(group), service="wage_arrears").get_data(as_text=True)
    number = re.search(r"WA-\d{6}-\d{4}-\d{6}", html).group(0)
    case = db.session.scalars(select(Case).where(Case.number == number)).one()
    workers = case.data["application"]["workers"]
    assert [w["name"] for w in workers] == [w["name"] for w in group["workers"]]  # every row of the repeat field
    assert case.intake_unit.kind == "labour_inspection"


def test_junk_input_names_are_not_kept_in_the_draft(client, db, world):
    client.post("/apply/wage_arrears/start", data={"csrf_token": token(client, "/apply/wage_arrears")})
    definition = apply.intake_definition("wage_arrears")
    number = next(i for i, p in enumerate(apply.pages(definition), 1) if "workers" in p["fields"])
    url = f"/apply/wage_arrears/{number}"
    client.post(
        url,
        data={
            "workers.0.name": "刘洋",
            "workers.9999.name": "too far",
            "applicant_name.x": "junk",
            "csrf_token": token(client, url),
            "action": "continue",
        },
    )
    answers = db.session.scalars(select(ApplicationDraft)).one().answers
    assert answers.get("workers.0.name") == "刘洋"
    assert "workers.9999.name" not in answers and "applicant_name.x" not in answers and "csrf_token" not in answers


def test_the_confirmation_is_a_real_pdf_with_what_happens_next(app, client, db, world, tmp_path):
    import subprocess

    assert client.get("/apply/done/confirmation.pdf").status_code == 302  # nothing sent from this browser
    html = apply_online(client, files={"material-id_card": (png_bytes(), "card.png")}).get_data(as_text=True)
    number, code = confirmation_numbers(html)
    assert "/apply/done/confirmation.pdf" in html
    response = client.get("/apply/done/confirmation.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert (
        response.headers["Cache-Control"] == "private, no-store" and number in response.headers["Content-Disposition"]
    )
    text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())
    case = db.session.scalars(select(Case).where(Case.number == number)).one()
    for expected in (number, code, case.statutory_due_on.isoformat(), "工作日", "居住地住址证明", "申请人居民身份证"):
        assert expected in flat, expected
    # Leaving the case forgets the access code: the PDF is no longer there.
    client.post("/track/leave", data={"csrf_token": token(client, "/track")})
    assert client.get("/apply/done/confirmation.pdf").status_code == 302


def test_check_and_decision_dates_count_working_days_and_say_today(client, db, world):
    """2026-11-20 is a Friday: the materials check (1 working day) is due Monday 11-23; a decision by 12-07
    (15 calendar days, 11 working days)."""
    html = apply_online(client).get_data(as_text=True)
    assert "2026-11-23" in html and "1 个工作日" in html
    assert "2026-12-07" in html and "自今天起 11 个工作日" in html
    assert "0 个工作日" not in html


def test_documents_can_be_sent_in_several_goes_and_an_oversize_sending_says_why(app, client, db, world):
    form = permit_form()
    client.post("/apply/residence_permit/start", data={"csrf_token": token(client, "/apply/residence_permit")})
    for number, page in enumerate(apply.pages(apply.intake_definition("residence_permit")), start=1):
        url = f"/apply/residence_permit/{number}"
        client.post(url, data={**{n: form[n] for n in page["fields"] if n in form}, "csrf_token": token(client, url)})
    url = "/apply/residence_permit/documents"
    first = client.post(
        url,
        data={
            "material-id_card": (io.BytesIO(png_bytes()), "card.png"),
            "action": "upload",
            "csrf_token": token(client, url),
        },
        content_type="multipart/form-data",
    )
    assert first.status_code == 302 and first.location.endswith(url)  # stays on the page for the next files
    assert "card.png" in client.get(url).get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    try:
        big = client.post(
            url,
            data={
                "material-photo": (io.BytesIO(b"\x89PNG" + b"0" * 100_000), "photo.png"),
                "csrf_token": token(client, url),
            },
            content_type="multipart/form-data",
            headers={"Accept-Language": "en"},
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 12 * 1024 * 1024
    assert big.status_code == 303 and big.location.endswith(url)
    page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "larger than 0.1 MB together" in page and "none of them was received" in page
    assert list(db.session.scalars(select(ApplicationDraft)).one().documents) == ["id_card"]


def test_school_places_and_points_are_applied_for_online_too(client, db, world):
    import random

    from app.points.demo import points_form
    from app.schools.demo import school_form

    parent = permit_form()
    for service, form, prefix, unit_kind in (
        ("school_placement", school_form(parent, random.Random(4), 2027), "SC", "education_bureau"),
        ("points_assessment", points_form(permit_form()), "PT", "service_centre"),
    ):
        html = apply_online(client, form=form, service=service).get_data(as_text=True)
        number = re.search(rf"{prefix}-\d{{6}}-\d{{4}}-\d{{6}}", html).group(0)
        case = db.session.scalars(select(Case).where(Case.number == number)).one()
        assert (case.service, case.intake_unit.kind, case.data["channel"]) == (service, unit_kind, "online")
        assert "工作日" in html  # when the first step is due, in working days
        client.post("/track/leave", data={"csrf_token": token(client, "/track")})


def test_answers_left_without_an_account_last_a_day_and_are_then_deleted(app, client, db, world):
    from datetime import timedelta

    from app.core import clock

    client.post("/apply/residence_permit/start", data={"csrf_token": token(client, "/apply/residence_permit")})
    url = "/apply/residence_permit/1"
    client.post(url, data={"applicant_name": "钱七", "csrf_token": token(client, url), "action": "continue"})
    clock.freeze(clock.utcnow() + timedelta(hours=23))
    assert 'value="钱七"' in client.get(url).get_data(as_text=True)  # still there the next morning
    client.post(url, data={"applicant_name": "钱七", "csrf_token": token(client, url), "action": "continue"})
    clock.freeze(clock.utcnow() + timedelta(hours=25))
    assert client.get(url).status_code == 302  # a day after the last save: gone, back to the start page
    other = app.test_client()
    other.post("/apply/legal_aid/start", data={"csrf_token": token(other, "/apply/legal_aid")})
    assert [d.service for d in db.session.scalars(select(ApplicationDraft))] == ["legal_aid"]  # and deleted
