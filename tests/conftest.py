"""Fixtures: a fresh app per test session, a clean database per test, on SQLite or PostgreSQL.

TEST_DATABASE_URL selects the database (default: in-memory SQLite). The suite runs twice in CI: once each.
"""
from __future__ import annotations

import os

import pytest
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
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture()
def client(app, db):
    return app.test_client()
