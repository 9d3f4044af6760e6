"""Applying online: generic over the service catalogue, one question group per page, documents checked by
content, check your answers, a confirmation with what happens next; the case enters like a window case."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.cases.models import Case, CaseEvent
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
