"""Calendar fixtures: a calendar seeded with 2024–2027, users, and logging in."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime

import pytest

from app.accounts.models import Role, UnitKind, User
from app.accounts.service import add_unit, hash_password
from app.calendar import service
from app.core import clock

PASSWORD = "correct horse battery"


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # slow on purpose (scrypt): once per test run is enough


@pytest.fixture()
def seeded(db):
    service.seed_years(range(2024, 2028))
    db.session.commit()
    return db


@pytest.fixture()
def frozen_today():
    """Today is 2026-06-01 in China (so 2027 is a year deadlines can reach)."""
    clock.freeze(datetime(2026, 6, 1, 2, 0, tzinfo=UTC))
    yield
    clock.freeze(None)


@pytest.fixture()
def users(db):
    district = add_unit(code="D1", name_zh="西湖区", name_en="Xihu District", kind=UnitKind.DISTRICT, parent=None)
    admin = User(
        username="admin1",
        password_hash=_password_hash(),
        display_name="管理员",
        unit=district,
        role=Role.ADMIN,
        locale="en",  # these tests read the English UI; the zh catalogue is tested in tests/test_i18n.py
    )
    worker = User(
        username="worker1",
        password_hash=_password_hash(),
        display_name="窗口",
        unit=district,
        role=Role.CASEWORKER,
    )
    db.session.add_all([admin, worker])
    db.session.commit()
    return {"admin": admin.id, "caseworker": worker.id}


@pytest.fixture()
def missing_endpoints_tolerated(app):
    """base.html links to pages other packages are still building; until they exist, build '#' for them."""

    def handler(error, endpoint, values):
        if endpoint.split(".")[0] in ("inbox", "cases", "letters", "portal", "supervision"):
            return "#"
        return None

    app.url_build_error_handlers.append(handler)
    yield
    app.url_build_error_handlers.remove(handler)


def _log_in(client, user_id: int) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True


@pytest.fixture()
def login_as():
    """Log a test client in as a user id without the log-in form (which is rate-limited)."""
    return _log_in


@pytest.fixture()
def csrf_token():
    def scrape(html: str) -> str:
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match, "no CSRF token in the page"
        return match.group(1)

    return scrape


@pytest.fixture()
def admin_client(client, users, seeded, frozen_today, missing_endpoints_tolerated):
    _log_in(client, users["admin"])
    return client
