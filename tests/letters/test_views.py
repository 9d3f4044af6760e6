"""GET /letters/<id>.pdf: login, jurisdiction, the stored bytes, a timeline event per download."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import func, select

from app.cases.models import CaseEvent
from app.extensions import db as _db
from app.inbox.models import HumanTask
from app.letters import service
from tests.letters.facts import sample_facts


def _issued(org, kind="rp_approval", render=True):
    letter = service.issue_letter(
        case_id=org["case"].id,
        kind=kind,
        facts=sample_facts(kind),
        agency_unit_id=org["bureau"].id,
        doc_code="西公居",
        actor_id=None,
    )
    _db.session.commit()
    if render:
        service.render_letter(letter.id)
        _db.session.commit()
    return letter.id


def _login(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def _downloads():
    return _db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "letter_downloaded")).all()


def test_download_twice_gives_the_stored_bytes(client, org):
    letter_id = _issued(org)
    stored = service.get_letter(letter_id).pdf
    _login(client, org["users"]["caseworker"])
    first = client.get(f"/letters/{letter_id}.pdf")
    second = client.get(f"/letters/{letter_id}.pdf")
    assert first.status_code == 200, first.data[:300]
    assert first.mimetype == "application/pdf"
    assert first.data == stored == second.data
    disposition = first.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("准予核发居住证决定书-RP-330106-2026-000123.pdf") in disposition
    assert "no-store" in first.headers["Cache-Control"]
    _db.session.expire_all()
    events = _downloads()
    assert len(events) == 2
    number = service.get_letter(letter_id).number
    assert events[0].payload == {"letter_id": letter_id, "number": number}
    assert events[0].actor_id == org["users"]["caseworker"].id
    assert events[0].unit_id == org["community"].id


def test_a_letter_not_yet_rendered_is_rendered_stored_and_then_stable(client, org):
    letter_id = _issued(org, "rp_receipt", render=False)
    _login(client, org["users"]["supervisor"])  # the street's supervisor sees its communities
    first = client.get(f"/letters/{letter_id}.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF-")
    _db.session.expire_all()
    assert service.get_letter(letter_id).pdf == first.data == client.get(f"/letters/{letter_id}.pdf").data


def test_outside_the_jurisdiction_looks_absent_and_is_not_recorded(client, org):
    letter_id = _issued(org, render=False)
    _login(client, org["users"]["stranger"])
    response = client.get(f"/letters/{letter_id}.pdf")
    assert response.status_code == 404  # the same answer as for a letter that does not exist
    _db.session.expire_all()
    assert _downloads() == []
    assert service.get_letter(letter_id).content_hash is None  # nothing rendered for a refused request


def test_a_task_in_the_users_unit_makes_the_case_visible(client, org):
    letter_id = _issued(org)
    _db.session.add(
        HumanTask(
            case_id=org["case"].id,
            engine_task_id="00000000-0000-0000-0000-000000000001",
            task_name="decide",
            title="审批",
            service="residence_permit",
            lane="bureau",
            unit_id=org["bureau"].id,
        )
    )
    _db.session.commit()
    _login(client, org["users"]["bureau"])
    assert client.get(f"/letters/{letter_id}.pdf").status_code == 200


def test_admin_sees_everything(client, org):
    letter_id = _issued(org)
    _login(client, org["users"]["admin"])
    assert client.get(f"/letters/{letter_id}.pdf").status_code == 200


def test_login_required(client, org):
    letter_id = _issued(org, render=False)
    response = client.get(f"/letters/{letter_id}.pdf")
    assert response.status_code in (302, 401)
    assert (
        _db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "letter_downloaded"))
        == 0
    )


def test_unknown_letter(client, org):
    _login(client, org["users"]["admin"])
    assert client.get("/letters/999999.pdf").status_code == 404
