"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.config import ROOT, TestConfig
from app.extensions import db
from tests.conftest import _ensure_pg_database, database_url


def test_upgrade_from_empty_matches_models(tmp_path):
    url = database_url()
    if url.startswith("postgresql"):
        url = f"{url}_migrations"
        _ensure_pg_database(url)
    else:
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    app = create_app(type("MigrationConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, "DEPLOY_ON_START": False}))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        assert diff == []
        flask_migrate.downgrade(directory=str(ROOT / "migrations"), revision="base")
        db.engine.dispose()
