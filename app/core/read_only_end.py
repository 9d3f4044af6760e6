"""A PostgreSQL transaction that only read ends with COMMIT instead of ROLLBACK.

psycopg prepares a statement on the server after its fifth execution on a connection, and forgets every
prepared statement at each ROLLBACK (a rolled-back transaction may have dropped what they refer to). Every
request ends its transaction with a rollback when the session closes, and most requests only read: so on a
connection that serves page views between form posts almost no statement reached five, and PostgreSQL parsed
and planned nearly every statement of every step again (bench/run.py's HTTP path: 6,992 plans for 10,107 statements,
against 322 for the service path, which commits; measured 2026-12-04 with pg_stat_statements).

For a transaction that wrote nothing, COMMIT and ROLLBACK are the same to the database: both end it and release
its locks. So just before a rollback, if every statement of the transaction was a SELECT and the transaction has
not failed, the connection is committed first; the rollback that follows finds nothing to undo and sends nothing.
Anything else — a write, a savepoint, DDL, a failed statement — rolls back exactly as before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

_WROTE = "anju_transaction_wrote"


def _note_statement(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        conn.info[_WROTE] = True


def _forget(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)


def _commit_if_only_read(conn: Connection) -> None:
    wrote = conn.info.pop(_WROTE, False)
    if wrote or conn.dialect.driver != "psycopg":
        return
    from psycopg.pq import TransactionStatus

    driver_connection = conn.connection.driver_connection
    if driver_connection is None or driver_connection.info.transaction_status != TransactionStatus.INTRANS:
        return
    try:
        driver_connection.commit()
    except Exception:  # the rollback that follows ends the transaction whatever happened here
        return


def register() -> None:
    """Listen on every engine (the app's, the worker's, the benchmark's); only psycopg connections are touched."""
    if event.contains(Engine, "rollback", _commit_if_only_read):
        return
    event.listen(Engine, "before_cursor_execute", _note_statement)
    event.listen(Engine, "commit", _forget)
    event.listen(Engine, "rollback", _commit_if_only_read)
