"""A transaction that only read ends with COMMIT, so psycopg keeps its prepared statements (app/core/read_only_end);
anything that wrote still rolls back — nothing is saved half way."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from app.accounts.models import OrgUnit, User
from app.cases.models import Case
from app.extensions import db as _db
from tests.conftest import database_url

on_postgresql = pytest.mark.skipif(not database_url().startswith("postgresql"), reason="needs PostgreSQL")


@on_postgresql
def test_prepared_statements_survive_read_only_transactions(app, db, world):
    query = select(User.id).where(User.username == "window1")
    with _db.engine.connect() as conn:
        for _ in range(7):  # psycopg prepares a statement at its fifth execution on a connection
            assert conn.execute(query).scalar() is not None
            conn.rollback()  # how a session ends a request's transaction; it used to forget every prepared statement
        assert conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar() >= 1


@on_postgresql
def test_a_write_still_forgets_them(app, db, world):
    """The other side: after a rollback that undid a write, psycopg's own rule applies unchanged."""
    query = select(User.id).where(User.username == "window1")
    with _db.engine.connect() as conn:
        for _ in range(7):
            conn.execute(query)
            conn.execute(text("UPDATE users SET display_name = display_name WHERE id = 0"))
            conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar() == 0


@on_postgresql
def test_a_failed_read_still_rolls_back(app, db, world):
    with app.app_context():
        with pytest.raises(Exception, match="division by zero"):
            _db.session.execute(text("SELECT 1 / 0"))
        _db.session.remove()  # the aborted transaction cannot commit; it is rolled back as before
    with app.app_context():
        assert _db.session.scalar(text("SELECT 1")) == 1


@on_postgresql
def test_a_read_lock_is_released_at_the_end(app, db, world):
    unit_id = world.units["C0201"].id
    db.session.commit()
    with app.app_context():
        _db.session.execute(select(OrgUnit.id).where(OrgUnit.id == unit_id).with_for_update()).one()
        _db.session.remove()
    with app.app_context():  # would fail at once if the row were still locked
        assert (
            _db.session.execute(
                select(OrgUnit.id).where(OrgUnit.id == unit_id).with_for_update(nowait=True)
            ).scalar_one()
            == unit_id
        )
        _db.session.remove()


def test_a_flushed_write_is_rolled_back_when_the_session_closes(app, db, world):
    user = world.users["window1"]
    db.session.commit()
    with app.app_context():
        row = _db.session.get(User, user.id)
        row.display_name = "changed, never committed"
        _db.session.flush()
        assert _db.session.scalar(select(User.display_name).where(User.id == user.id)) == "changed, never committed"
        _db.session.remove()
    with app.app_context():
        assert _db.session.scalar(select(User.display_name).where(User.id == user.id)) != "changed, never committed"


def test_a_write_by_text_statement_is_rolled_back(app, db, world):
    user = world.users["window1"]
    db.session.commit()
    with app.app_context():
        _db.session.execute(text("UPDATE users SET display_name = 'x' WHERE id = :i"), {"i": user.id})
        _db.session.execute(select(Case.id)).all()  # a read after the write does not make it read-only
        _db.session.remove()
    with app.app_context():
        assert _db.session.scalar(select(func.count()).where(User.display_name == "x")) == 0
