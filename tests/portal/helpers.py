"""Shared steps of the applicant-side tests: files, applying through the pages, accounts."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select

from app.notifications.models import OutboxMessage
from app.portal import apply
from tests.conftest import csrf_from
from tests.factories import permit_form


def png_bytes(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def token(client, url: str) -> str:
    return csrf_from(client.get(url).get_data(as_text=True))


def apply_online(client, *, form: dict | None = None, files: dict | None = None, service: str = "residence_permit"):
    """Goes through start → every page → documents → check → send; returns the confirmation response."""
    form = form or permit_form()
    start = f"/apply/{service}"
    response = client.post(f"{start}/start", data={"csrf_token": token(client, start)})
    assert response.status_code == 302, response.status_code
    definition = apply.intake_definition(service)
    for number, page in enumerate(apply.pages(definition), start=1):
        url = f"{start}/{number}"
        data = {key: value for key, value in form.items() if key.split(".")[0] in page["fields"]}  # repeat rows too
        response = client.post(url, data={**data, "csrf_token": token(client, url), "action": "continue"})
        assert response.status_code == 302, (number, response.get_data(as_text=True)[:3000])
    url = f"{start}/documents"
    if client.get(url).status_code == 200:  # a service with no materials check has no documents page
        upload = {name: (io.BytesIO(content), filename) for name, (content, filename) in (files or {}).items()}
        response = client.post(
            url, data={**upload, "csrf_token": token(client, url)}, content_type="multipart/form-data"
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    url = f"{start}/check"
    response = client.post(url, data={"csrf_token": token(client, url)})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return client.get(response.location)


def confirmation_numbers(html: str) -> tuple[str, str]:
    number = re.search(r"RP-\d{6}-\d{4}-\d{6}", html).group(0)
    code = re.search(r'class="reference access-code">([A-Z0-9-]+)<', html).group(1)
    return number, code


def last_code(db, recipient: str) -> str:
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "verification_code", OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def register(client, db, login_name: str, password: str = "a-good-password"):
    url = "/account/register"
    response = client.post(url, data={"login_name": login_name, "password": password, "csrf_token": token(client, url)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    url = "/account/verify"
    response = client.post(url, data={"code": last_code(db, login_name), "csrf_token": token(client, url)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response
