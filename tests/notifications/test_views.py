"""Notifications page and header count; the escalation settings page. Through HTTP, as the users see them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.accounts.models import AuditEntry
from app.cases import service, timers
from app.core import clock
from app.notifications.models import Notification
from app.supervision.models import ServiceSetting
from tests.conftest import csrf_from, login
from tests.factories import permit_form


def overdue_case(db, world):
    case, _ = service.open_case(
        service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh"
    )
    db.session.commit()
    clock.freeze(datetime(2026, 11, 24, 10, tzinfo=clock.CHINA_TZ))
    assert timers.fire_due() == 1
    return case


def test_supervisor_sees_the_unread_count_reads_the_notification_and_marks_it_read(client, db, world):
    case = overdue_case(db, world)
    assert login(client, "window_lead").status_code == 302
    inbox = client.get("/inbox/").get_data(as_text=True)
    assert 'href="/notifications/"' in inbox and '<span class="tag nav-count">1' in inbox
    page = client.get("/notifications/").get_data(as_text=True)
    assert case.number in page and "材料审查" in page and f'href="/cases/{case.id}"' in page
    note = db.session.scalars(select(Notification)).one()
    response = client.post(f"/notifications/{note.id}/read", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is not None
    assert '<span class="tag nav-count">' not in client.get("/inbox/").get_data(as_text=True).split("</nav>")[0]


def test_nobody_can_mark_another_persons_notification(client, db, world):
    overdue_case(db, world)
    note = db.session.scalars(select(Notification)).one()
    login(client, "window1")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "材料审查" not in page  # not theirs: not listed
    client.post(f"/notifications/{note.id}/read", data={"csrf_token": csrf_from(page)})
    client.post("/notifications/read-all", data={"csrf_token": csrf_from(page)})
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None


def test_supervisor_turns_on_reassignment_of_overdue_tasks(client, db, world):
    login(client, "window_lead")
    page = client.get("/supervision/settings")
    assert page.status_code == 200 and "居住证申领" in page.get_data(as_text=True)
    response = client.post(
        "/supervision/settings",
        data={"csrf_token": csrf_from(page.get_data(as_text=True)), "reassign_residence_permit": "on"},
    )
    assert response.status_code == 302
    assert db.session.get(ServiceSetting, "residence_permit").reassign_overdue_to_supervisor is True
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "service_setting_changed")).one()
    assert audit.user_id == world.users["window_lead"].id and "True" in audit.detail
    page = client.get("/supervision/settings").get_data(as_text=True)
    client.post("/supervision/settings", data={"csrf_token": csrf_from(page)})  # unticked
    db.session.expire_all()
    assert db.session.get(ServiceSetting, "residence_permit").reassign_overdue_to_supervisor is False


def test_caseworkers_cannot_change_escalation_settings(client, db, world):
    login(client, "window1")
    assert client.get("/supervision/settings").status_code == 403
    assert 'href="/notifications/"' not in client.get("/inbox/").get_data(as_text=True)  # the link is for supervisors


def test_the_case_timeline_shows_the_timer_and_the_escalation(client, db, world):
    case = overdue_case(db, world)
    login(client, "window_lead")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "定时器已触发" in page and "任务超期，已通知主管" in page
