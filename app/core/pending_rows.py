"""Append-only rows (timeline events, outbox messages, permit history) queued on the session and written after
its flush, one multi-row INSERT per kind of row.

A step of a case records several such rows; through the unit of work each kind is a mapper to sort, a set of
objects to track, and — as the ORM leaves a None column out of the INSERT — often one statement per row. Queued
here, the rows of one flush go out as one INSERT per statement, written after the flush's own rows, so a row
may name a row inserted by that same flush: a value given as a zero-argument callable (`lambda: permit.id`) is
called when the rows are written. Nothing is written for a flush that wrote nothing: the commit writes what is
still queued (flushing first, so that what the rows name is in the database), and so does a SAVEPOINT before it
begins. A rollback discards the queue with everything else. Rows queued here are not ORM objects: nothing reads
them back in the transaction that queued them, and a query in that transaction sees them only after a flush.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql import Executable

_KEY = "pending_rows"

# An INSERT taking one parameter set per row, built once by the caller (the same object collects the rows of one
# statement) — or a function giving it for the dialect in use ("sqlite", "postgresql"), as ON CONFLICT is
# spelled per dialect.
Statement = Executable | Callable[[str], Executable]


def queue(session: Session, statement: Statement, row: dict[str, Any]) -> None:
    """Queues `row` for `statement`."""
    session.info.setdefault(_KEY, {}).setdefault(statement, []).append(row)


def queued(session: Session, statement: Statement) -> list[dict[str, Any]]:
    """The rows queued for `statement` and not written yet (values not resolved)."""
    return session.info.get(_KEY, {}).get(statement, [])


def _resolved(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value() if callable(value) else value for name, value in row.items()}


def _write(session: Session, *_args: Any, connection: Connection | None = None) -> None:
    pending = session.info.pop(_KEY, None)
    if not pending:
        return
    connection = connection if connection is not None else session.connection()
    dialect = connection.dialect.name
    for statement, rows in pending.items():  # in the order the kinds were first queued
        if not isinstance(statement, Executable):
            statement = statement(dialect)
        connection.execute(statement, [_resolved(row) for row in rows])


def _flush_then_write(session: Session, *_args: Any) -> None:
    # Commit fires before_commit BEFORE its final flush: flush first, so the rows these name are in the
    # database (that flush writes the queue itself, in after_flush); a clean session writes it here.
    if session.info.get(_KEY):
        session.flush()
    _write(session)


def _write_before_savepoint(session: Session, transaction: SessionTransaction) -> None:
    # What was queued before a SAVEPOINT belongs to the transaction around it: written inside, it would go with
    # a rollback of the savepoint (a timer batch isolates each case so), and the rollback drops the queue. So it
    # is written now, on the enclosing transaction's connection, before the SAVEPOINT is sent. (begin_nested
    # flushes first, which writes the queue too; a clean session does not flush.)
    if transaction.nested and transaction.parent is not None and session.info.get(_KEY):
        _write(session, connection=transaction.parent.connection(None))


def _discard(session: Session, *_args: Any) -> None:
    # The queue holds only rows queued since the innermost transaction began (see above): all of them go.
    session.info.pop(_KEY, None)


event.listen(Session, "after_flush", _write)
event.listen(Session, "before_commit", _flush_then_write)
event.listen(Session, "after_transaction_create", _write_before_savepoint)
event.listen(Session, "after_soft_rollback", _discard)
