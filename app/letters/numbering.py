"""Reference numbers (文号): doc code + series + 字〔year〕第N号, gap-free per agency, year and series.

The counter lives in a row of `letter_sequences` and is advanced inside the caller's transaction, so a
rolled-back letter gives its number back (a database SEQUENCE would not) and two transactions never get the
same number:

1. make sure the row exists with an insert that tolerates a concurrent insert of the same row
   (ON CONFLICT DO NOTHING on PostgreSQL and SQLite; a savepoint + IntegrityError elsewhere);
2. ``UPDATE … SET last_value = last_value + 1 … RETURNING last_value``.

The UPDATE takes the row lock itself (the lock ``SELECT … FOR UPDATE`` would take), so a concurrent
allocator blocks on it until the first transaction ends and then increments the committed value (PostgreSQL
READ COMMITTED re-reads the row). A separate ``SELECT … FOR UPDATE`` first would add a round trip and no
safety. On SQLite the write lock on the database serialises allocators. Services only flush; the caller
commits.
"""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.letters.models import LetterSequence


def format_reference_number(*, doc_code: str, series: str, year: int, value: int) -> str:
    """西公居 + 受 + 2026 + 15 → 西公居受字〔2026〕第15号."""
    return f"{doc_code}{series}字〔{year}〕第{value}号"


def _ensure_sequence_row(*, agency_unit_id: int, series: str, year: int) -> None:
    table = LetterSequence.__table__
    values = {"agency_unit_id": agency_unit_id, "year": year, "series": series, "last_value": 0}
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        db.session.execute(pg_insert(table).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        db.session.execute(sqlite_insert(table).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - Anju runs on PostgreSQL and SQLite only
        try:
            with db.session.begin_nested():
                db.session.execute(insert(table).values(values))
        except IntegrityError:
            pass  # a concurrent transaction created it; the UPDATE below waits for it


def allocate(*, agency_unit_id: int, series: str, year: int) -> int:
    """The next value of the counter (1, 2, 3 …) in the current transaction."""
    _ensure_sequence_row(agency_unit_id=agency_unit_id, series=series, year=year)
    table = LetterSequence.__table__
    return db.session.execute(
        update(table)
        .where(table.c.agency_unit_id == agency_unit_id, table.c.year == year, table.c.series == series)
        .values(last_value=table.c.last_value + 1)
        .returning(table.c.last_value)
    ).scalar_one()


def next_reference_number(*, agency_unit_id: int, doc_code: str, series: str, year: int) -> str:
    """Allocates and formats the next 文号, e.g. 西公居受字〔2026〕第15号. Never commits."""
    if not doc_code or not series:
        raise ValueError("doc_code and series are required for a reference number")
    value = allocate(agency_unit_id=agency_unit_id, series=series, year=year)
    return format_reference_number(doc_code=doc_code, series=series, year=year, value=value)
