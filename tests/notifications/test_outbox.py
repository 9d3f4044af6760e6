"""The outbox: written with the event, sent after the commit, never twice, retried with backoff, over real SMTP."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.cases import service
from app.core import clock
from app.notifications import outbox
from app.notifications.models import OutboxMessage
from tests.cases.test_service import open_task
from tests.conftest import csrf_from, login
from tests.factories import materials, permit_form


class SmtpStub:
    """A tiny SMTP server on a free local port, enough for smtplib: it keeps every message it receives."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.messages: list[dict] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as reader:
                conn.sendall(b"220 stub ESMTP\r\n")
                envelope: dict = {"to": []}
                while line := reader.readline():
                    verb = line.decode().strip().upper()
                    if verb.startswith(("EHLO", "HELO")):
                        conn.sendall(b"250 stub\r\n")
                    elif verb.startswith("MAIL FROM"):
                        envelope["from"] = line.decode().strip()
                        conn.sendall(b"250 ok\r\n")
                    elif verb.startswith("RCPT TO"):
                        envelope["to"].append(line.decode().strip()[8:].strip("<>"))
                        conn.sendall(b"250 ok\r\n")
                    elif verb == "DATA":
                        conn.sendall(b"354 go ahead\r\n")
                        data = b""
                        while (chunk := reader.readline()) != b".\r\n":
                            data += chunk
                        self.messages.append({**envelope, "data": data})
                        envelope = {"to": []}
                        conn.sendall(b"250 queued\r\n")
                    elif verb == "QUIT":
                        conn.sendall(b"221 bye\r\n")
                        break
                    else:
                        conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def smtp(app):
    stub = SmtpStub()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=stub.port, MAIL_DEFAULT_SENDER="anju@district.example")
    yield stub
    app.config.update(MAIL_SERVER=None, MAIL_PORT=None)
    stub.close()


def _rows(db, **where):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for key, value in where.items():
        query = query.where(getattr(OutboxMessage, key) == value)
    return db.session.scalars(query).all()


def test_message_is_written_with_the_transaction_and_dropped_with_its_rollback(db, world):
    outbox.queue_message(
        kind="verification_code",
        case=None,
        to_phone="13800138000",
        to_email=None,
        context={"code": "123456", "minutes": 10},
    )
    db.session.rollback()
    assert _rows(db) == []
    outbox.queue_message(
        kind="verification_code",
        case=None,
        to_phone="13800138000",
        to_email=None,
        context={"code": "123456", "minutes": 10},
    )
    assert ("outbox.send", {}) in db.session.info["jobs_pending"]  # sent by the worker after the commit
    db.session.commit()
    (row,) = _rows(db)
    assert row.channel == "sms" and row.status == "pending" and "123456" in row.body and row.body.startswith("【安居】")


def test_the_same_event_is_queued_once_and_a_sent_message_is_never_sent_again(db, world, smtp):
    for _ in range(2):
        outbox.queue_message(
            kind="decision_issued",
            case=None,
            to_phone=None,
            to_email="wang@example.com",
            context={"event": "e1", "locale": "en"},
        )
    db.session.commit()
    outbox.queue_message(
        kind="decision_issued",
        case=None,
        to_phone=None,
        to_email="wang@example.com",
        context={"event": "e1", "locale": "en"},
    )
    db.session.commit()
    assert len(_rows(db)) == 1
    assert outbox.send_pending() == 1
    assert outbox.send_pending() == 0
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["to"] == ["wang@example.com"]
    assert b"A decision" in smtp.messages[0]["data"]


def test_failures_are_retried_with_backoff_then_given_up(app, db, world):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=1, OUTBOX_MAX_ATTEMPTS=3)
    try:
        outbox.queue_message(kind="case_received", case=None, to_phone=None, to_email="li@example.com", context={})
        db.session.commit()
        assert outbox.send_pending() == 0
        (row,) = _rows(db)
        assert row.attempts == 1 and row.status == "pending" and "ConnectionRefused" in row.last_error
        first_retry = row.next_attempt_at
        assert outbox.send_pending() == 0 and row.attempts == 1  # not due yet: nothing is tried
        clock.freeze(clock.utcnow() + timedelta(minutes=1, seconds=1))
        outbox.send_pending()
        assert row.attempts == 2 and row.next_attempt_at - first_retry >= timedelta(seconds=119)  # doubled
        clock.freeze(clock.utcnow() + timedelta(minutes=3))
        outbox.send_pending()
        assert row.attempts == 3 and row.status == "failed"
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=None, OUTBOX_MAX_ATTEMPTS=6)


def test_verification_codes_do_not_stay_in_the_database_once_sent(db, world):
    outbox.queue_message(
        kind="verification_code",
        case=None,
        to_phone="13800138000",
        to_email=None,
        context={"code": "654321", "minutes": 10},
    )
    db.session.commit()
    assert outbox.send_pending() == 1
    (row,) = _rows(db)
    assert row.status == "sent" and "654321" not in row.body and "654321" not in row.dedupe_key


def test_case_milestones_reach_the_applicant_once_each(db, world):
    case, _code = service.open_case(
        service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh"
    )
    service.complete_task(
        task_id=open_task(db, case.id).id, actor=world.users["window1"], form=materials("proof_of_address"), locale="zh"
    )
    db.session.commit()
    rows = _rows(db, case_id=case.id)
    assert [(r.kind, r.channel, r.recipient) for r in rows] == [
        ("case_received", "sms", case.applicant_phone),
        ("supplement_needed", "sms", case.applicant_phone),
    ]
    assert case.number in rows[0].body and "2026-12-04" in rows[1].body
    with pytest.raises(ValueError):
        outbox.queue_message(kind="hello", case=case, to_phone="13800138000", to_email=None, context={})


def test_admin_sees_the_outbox_with_masked_recipients_and_can_retry(app, db, world):
    outbox.queue_message(
        kind="case_received", case=None, to_phone="13912345678", to_email="zhang@example.com", context={}
    )
    db.session.commit()
    client = app.test_client()
    login(client, "admin")
    html = client.get("/notifications/outbox").get_data(as_text=True)
    assert "139****5678" in html and "z***@example.com" in html
    assert "13912345678" not in html and "zhang@example.com" not in html
    row = _rows(db, channel="email")[0]
    row.status = "failed"
    db.session.commit()
    response = client.post(f"/notifications/outbox/{row.id}/retry", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).status == "pending"
    window = app.test_client()
    login(window, "window1")
    assert window.get("/notifications/outbox").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
