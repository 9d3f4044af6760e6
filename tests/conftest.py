"""Fixtures: a fresh app per test session, a clean database per test, on SQLite or PostgreSQL.

TEST_DATABASE_URL selects the database (default: in-memory SQLite). The suite runs twice in CI: once each.
"""

from __future__ import annotations

import os

import pytest
from flask.testing import FlaskClient
from sqlalchemy.pool import StaticPool

from app import create_app
from app.config import TestConfig
from app.extensions import db as _db


def _ensure_pg_database(url: str) -> None:
    """Each xdist worker gets its own PostgreSQL database (anju_test_gw0, …), created on first use."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    if url.startswith("postgresql"):
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            url = f"{url}_{worker}"
        _ensure_pg_database(url)
    return url


def _config() -> dict:
    url = database_url()
    cfg: dict = {"SQLALCHEMY_DATABASE_URI": url}
    if url in ("sqlite://", "sqlite:///:memory:"):
        # One shared in-memory database for every connection in the test.
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    return cfg


@pytest.fixture(scope="session")
def app():
    application = create_app(type("SessionTestConfig", (TestConfig,), _config()))
    with application.app_context():
        _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.drop_all()


@pytest.fixture()
def db(app):
    """An app context and a clean database; every table is emptied after the test."""
    from app.extensions import limiter

    with app.app_context():
        limiter.reset()  # rate-limit counters are per app; each test starts with none
        yield _db
        _db.session.rollback()
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())
        from app.processes import specs

        specs._versions.clear()  # emptied tables hand out the same ids again: forget what they meant


class IsolatedClient(FlaskClient):
    """Each request gets a fresh app context (its own `g` and db session), as in production, even though the
    test itself holds an app context to query the database."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _isolated_client_class(app):
    app.test_client_class = IsolatedClient


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def world(db):
    """The demo org tree and users, the calendar for 2025–2027, deployed processes, and a frozen clock."""
    from datetime import datetime
    from types import SimpleNamespace

    from app import demo
    from app.calendar.service import seed_years
    from app.core import clock
    from app.processes import specs

    clock.freeze(datetime(2026, 11, 20, 10, 0, tzinfo=clock.CHINA_TZ))
    seed_years(range(2025, 2028))
    specs.deploy_all()
    units = demo.seed_org()
    users = demo.seed_users(units)
    db.session.commit()
    yield SimpleNamespace(units=units, users=users)
    clock.freeze(None)


def csrf_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, username: str, password: str | None = None):
    from app.demo import DEMO_PASSWORD

    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password or DEMO_PASSWORD,
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
    )
