"""Reference numbers (文号): doc code + series + 字〔year〕第N号, gap-free per agency, year and series.

The counter lives in a row of `letter_sequences` and is advanced inside the caller's transaction, so a
rolled-back letter gives its number back (a database SEQUENCE would not) and two transactions never get the
same number:

``INSERT … ON CONFLICT DO UPDATE SET last_value = last_value + 1 RETURNING last_value`` creates or advances
the row in one round trip and takes its row lock, so a concurrent allocator blocks until the first
transaction ends and then increments the committed value. On SQLite the write lock on the database
serialises allocators. Services only flush; the caller commits.
"""

from __future__ import annotations

from app.core.sequences import increment
from app.letters.models import LetterSequence


def format_reference_number(*, doc_code: str, series: str, year: int, value: int) -> str:
    """西公居 + 受 + 2026 + 15 → 西公居受字〔2026〕第15号."""
    return f"{doc_code}{series}字〔{year}〕第{value}号"


def allocate(*, agency_unit_id: int, series: str, year: int) -> int:
    """The next value of the counter (1, 2, 3 …) in the current transaction: one upsert (core.sequences)."""
    return increment(LetterSequence.__table__, {"agency_unit_id": agency_unit_id, "year": year, "series": series})


def next_reference_number(*, agency_unit_id: int, doc_code: str, series: str, year: int) -> str:
    """Allocates and formats the next 文号, e.g. 西公居受字〔2026〕第15号. Never commits."""
    if not doc_code or not series:
        raise ValueError("doc_code and series are required for a reference number")
    value = allocate(agency_unit_id=agency_unit_id, series=series, year=year)
    return format_reference_number(doc_code=doc_code, series=series, year=year, value=value)
