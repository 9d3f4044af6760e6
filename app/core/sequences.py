"""Gap-free counters (case numbers, reference numbers, permit numbers), safe under concurrent transactions.

The row is locked by the UPDATE itself, so two transactions allocating at once are serialised by the database
(PostgreSQL row lock; SQLite's single writer) and never get the same value. A rolled-back transaction gives its
number back with it, which is what official numbering wants: no holes from failed requests.
"""

from __future__ import annotations

from sqlalchemy import String, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Counter(db.Model):
    __tablename__ = "counters"

    scope: Mapped[str] = mapped_column(String(120), primary_key=True)  # e.g. "case:residence_permit:2026"
    last_value: Mapped[int] = mapped_column(default=0)


def next_value(scope: str) -> int:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = pg_insert(Counter).values(scope=scope, last_value=0).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite_insert(Counter).values(scope=scope, last_value=0).on_conflict_do_nothing()
    else:  # pragma: no cover - other databases are not supported
        stmt = insert(Counter).values(scope=scope, last_value=0)
    db.session.execute(stmt)
    return db.session.execute(
        update(Counter)
        .where(Counter.scope == scope)
        .values(last_value=Counter.last_value + 1)
        .returning(Counter.last_value)
    ).scalar_one()
