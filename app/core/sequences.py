"""Gap-free counters (case numbers, reference numbers, permit numbers), safe under concurrent transactions.

The row is locked by the UPDATE itself, so two transactions allocating at once are serialised by the database
(PostgreSQL row lock; SQLite's single writer) and never get the same value. A rolled-back transaction gives its
number back with it, which is what official numbering wants: no holes from failed requests.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Table
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Counter(db.Model):
    __tablename__ = "counters"

    scope: Mapped[str] = mapped_column(String(120), primary_key=True)  # e.g. "case:residence_permit:2026"
    last_value: Mapped[int] = mapped_column(default=0)


def increment(table: Table, key: dict[str, Any], column: str = "last_value") -> int:
    """Adds one to `column` of the row of `table` with primary key `key`, creating it at 1; returns the value.

    ONE statement — ``INSERT … VALUES (…, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1 RETURNING n`` — so a
    number costs one round trip. The upsert takes the row lock: a concurrent allocator waits for the first
    transaction and then increments the committed value (PostgreSQL re-checks the conflict), SQLite's single
    writer serialises them. Gap-free: a rolled-back transaction gives its number back.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as upsert
    else:  # pragma: no cover - Anju runs on PostgreSQL and SQLite only
        raise NotImplementedError(dialect)
    target = table.c[column]
    stmt = upsert(table).values({**key, column: 1})
    stmt = stmt.on_conflict_do_update(index_elements=list(key), set_={column: target + 1}).returning(target)
    return db.session.execute(stmt).scalar_one()


def next_value(scope: str) -> int:
    return increment(Counter.__table__, {"scope": scope})
