"""Gap-free counters (case numbers, reference numbers, permit numbers), safe under concurrent transactions.

The row is locked by the UPDATE itself, so two transactions allocating at once are serialised by the database
(PostgreSQL row lock; SQLite's single writer) and never get the same value. A rolled-back transaction gives its
number back with it, which is what official numbering wants: no holes from failed requests.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Table, TextClause, text
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
    return db.session.execute(_upsert(table, tuple(key), column), key).scalar_one()


_upserts: dict[tuple[str, tuple[str, ...], str], TextClause] = {}


def _upsert(table: Table, keys: tuple[str, ...], column: str) -> TextClause:
    """The upsert as text, built once per counter table: SQLAlchemy's ON CONFLICT construct is compiled anew on
    every execution (it has no cache key), which cost more than the statement itself on a case step. The same
    SQL runs on PostgreSQL and SQLite (3.35+: ON CONFLICT … DO UPDATE, RETURNING)."""
    cache_key = (table.name, keys, column)
    statement = _upserts.get(cache_key)
    if statement is None:
        unknown = [name for name in (*keys, column) if name not in table.c]
        if unknown:  # names go into SQL text: only the table's own columns
            raise KeyError(f"{table.name} has no column {unknown}")
        statement = _upserts[cache_key] = text(
            f"INSERT INTO {table.name} ({', '.join(keys)}, {column}) "
            f"VALUES ({', '.join(':' + k for k in keys)}, 1) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {column} = {table.name}.{column} + 1 "
            f"RETURNING {column}"
        )
    return statement


def next_value(scope: str) -> int:
    return increment(Counter.__table__, {"scope": scope})
