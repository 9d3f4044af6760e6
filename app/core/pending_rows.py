"""Append-only rows (timeline events, outbox messages, permit history) queued on the session and written after
its flush, one multi-row INSERT per kind of row.

A step of a case records several such rows; through the unit of work each kind is a mapper to sort, a set of
objects to track, and — as the ORM leaves a None column out of the INSERT — often one statement per row. Queued
here, the rows of one flush go out as one INSERT per statement, written after the flush's own rows, so a row
may name a row inserted by that same flush: a value given as a zero-argument callable (`lambda: permit.id`) is
called when the rows are written. Nothing is written for a flush that wrote nothing: the commit writes what is
still queued (flushing first, so that what the rows name is in the database). A rollback discards the queue
with everything else. Rows queued here are not ORM objects: nothing reads them back in the transaction that
queued them, and a query in that transaction sees them only after a flush.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

_KEY = "pending_rows"

# A statement for the dialect in use ("sqlite", "postgresql"): an ON CONFLICT clause is spelled per dialect.
StatementFor = Callable[[str], Executable]


def queue(session: Session, statement_for: StatementFor, row: dict[str, Any]) -> None:
    """Queues `row` for `statement_for(dialect)`, an INSERT taking one parameter set per row (built once by the
    caller: the same function object collects the rows of one statement)."""
    session.info.setdefault(_KEY, {}).setdefault(statement_for, []).append(row)


def queued(session: Session, statement_for: StatementFor) -> list[dict[str, Any]]:
    """The rows queued for `statement_for` and not written yet (values not resolved)."""
    return session.info.get(_KEY, {}).get(statement_for, [])


def _resolved(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value() if callable(value) else value for name, value in row.items()}


def _write(session: Session, *_args: Any) -> None:
    pending = session.info.pop(_KEY, None)
    if not pending:
        return
    connection = session.connection()
    dialect = connection.dialect.name
    for statement_for, rows in pending.items():  # in the order the kinds were first queued
        connection.execute(statement_for(dialect), [_resolved(row) for row in rows])


def _flush_then_write(session: Session, *_args: Any) -> None:
    # Commit fires before_commit BEFORE its final flush: flush first, so the rows these name are in the
    # database (that flush writes the queue itself, in after_flush); a clean session writes it here.
    if session.info.get(_KEY):
        session.flush()
    _write(session)


def _discard(session: Session, *_args: Any) -> None:
    session.info.pop(_KEY, None)


event.listen(Session, "after_flush", _write)
event.listen(Session, "before_commit", _flush_then_write)
event.listen(Session, "after_soft_rollback", _discard)
