"""Pre-aggregated counts of open tasks (supervisor's desk, list totals): flat however many tasks are open.

The dashboard counts open tasks by unit, person and service in buckets of their due date (overdue, today, next 3
working days) and of their case's statutory deadline (at risk). Counting the task rows each time grows with the
open workload (70,000 rows in one district at a million cases: BENCHMARKS.md). Instead `open_task_tallies` holds
counts per key:

* kind "due":  (unit, assignee, service, due_at)           — one row per distinct due moment (deadlines end at
  23:59:59 local, so a few dozen days);
* kind "risk": (unit, assignee, service, task_name, risk_on) — risk_on is the case's statutory deadline while the
  case counts toward "at risk" (running and not waiting for the applicant), else no row.

Rows are written by DATABASE TRIGGERS on human_tasks and cases, as +1 / −1 deltas, in the transaction that changes
the task or the case: every write path is counted (the ORM, Core UPDATEs such as claim/release, imports, test
factories), no step pays a round trip for it, and an insert-only table has no hot rows for concurrent steps to
queue or deadlock on. `compact()` (a periodic job) folds the deltas into one row per key; the dashboard sums
whatever is there, folded or not, so it is exact at any moment. Task rows are never deleted (a case's history is
kept); a deleted open row is not untallied — `rebuild()` recounts from scratch (`flask anju rebuild-tallies`).

The trigger's notion of "counts toward at risk" is supervision.measures.at_risk_clause's, written in SQL:
statutory_due_on set, closed_at NULL, status not AWAITING_APPLICANT. tests/supervision/test_tallies.py checks the
tallies against a direct count after every kind of change.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Connection

from app.extensions import db
from app.inbox.models import OpenTaskTally

# The enum columns store the member NAMES (native_enum=False).
_OPEN = "'OPEN'"
_PAUSED = "'AWAITING_APPLICANT'"
_COLUMNS = "kind, unit_id, assignee_id, service, task_name, due_at, risk_on, n"
# Which task columns a tally key reads: an UPDATE touching none of them changes no count.
_TASK_KEY = "state, unit_id, assignee_id, service, task_name, due_at"
_CASE_KEY = "status, closed_at, statutory_due_on"


def _risk(case: str) -> str:
    """SQL: the case's statutory deadline if the case counts toward "at risk", else NULL."""
    return f"CASE WHEN {case}.closed_at IS NULL AND {case}.status <> {_PAUSED} THEN {case}.statutory_due_on END"


def _task_rows(row: str, sign: int) -> list[str]:
    """INSERT … SELECT statements adding `sign` for the task row `row` (OLD or NEW) to both kinds of key."""
    return [
        f"INSERT INTO open_task_tallies ({_COLUMNS}) SELECT 'due', {row}.unit_id, {row}.assignee_id, {row}.service,"
        f" NULL, {row}.due_at, NULL, {sign} WHERE {row}.state = {_OPEN}",
        f"INSERT INTO open_task_tallies ({_COLUMNS}) SELECT 'risk', {row}.unit_id, {row}.assignee_id, {row}.service,"
        f" {row}.task_name, NULL, {_risk('c')}, {sign} FROM cases c"
        f" WHERE c.id = {row}.case_id AND {row}.state = {_OPEN} AND {_risk('c')} IS NOT NULL",
    ]


def _case_rows(row: str, sign: int) -> str:
    """INSERT … SELECT adding `sign` to the risk keys of the case's open tasks, as the case row `row` stands."""
    return (
        f"INSERT INTO open_task_tallies ({_COLUMNS}) SELECT 'risk', t.unit_id, t.assignee_id, t.service,"
        f" t.task_name, NULL, {_risk(row)}, {sign} FROM human_tasks t"
        f" WHERE t.case_id = NEW.id AND t.state = {_OPEN} AND {_risk(row)} IS NOT NULL"
    )


_CASE_CHANGED = f"({_risk('OLD')}) IS DISTINCT FROM ({_risk('NEW')})"

# PostgreSQL: one plpgsql function per table (a trigger runs a function).
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION anju_tally_task() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'UPDATE' THEN "
    + "; ".join(_task_rows("OLD", -1))
    + "; END IF; "
    + "; ".join(_task_rows("NEW", 1))
    + "; RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION anju_tally_case() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF {_CASE_CHANGED} THEN {_case_rows('OLD', -1)}; {_case_rows('NEW', 1)}; END IF; RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER human_tasks_tally AFTER INSERT OR UPDATE OF "
    f"{_TASK_KEY} ON human_tasks FOR EACH ROW EXECUTE FUNCTION anju_tally_task()",
    f"CREATE OR REPLACE TRIGGER cases_tally AFTER UPDATE OF {_CASE_KEY} ON cases "
    "FOR EACH ROW EXECUTE FUNCTION anju_tally_case()",
]
# SQLite: the same statements in trigger bodies (IS NOT is SQLite's IS DISTINCT FROM).
SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS human_tasks_tally_insert AFTER INSERT ON human_tasks BEGIN "
    + "; ".join(_task_rows("NEW", 1))
    + "; END",
    f"CREATE TRIGGER IF NOT EXISTS human_tasks_tally_update AFTER UPDATE OF {_TASK_KEY} ON human_tasks BEGIN "
    + "; ".join(_task_rows("OLD", -1) + _task_rows("NEW", 1))
    + "; END",
    f"CREATE TRIGGER IF NOT EXISTS cases_tally AFTER UPDATE OF {_CASE_KEY} ON cases "
    f"WHEN ({_risk('OLD')}) IS NOT ({_risk('NEW')}) BEGIN {_case_rows('OLD', -1)}; {_case_rows('NEW', 1)}; END",
]
TRIGGERS = {
    "postgresql": ["human_tasks_tally", "cases_tally"],
    "sqlite": ["human_tasks_tally_insert", "human_tasks_tally_update", "cases_tally"],
}


def create_triggers(connection: Connection) -> None:
    """Creates the triggers (after the tables exist): by create_all (tests, benchmarks) and by the migration."""
    for statement in {"postgresql": POSTGRESQL, "sqlite": SQLITE}[connection.dialect.name]:
        connection.exec_driver_sql(statement)


# ---------------------------------------------------------------- folding and recounting

_KEY = ("kind", "unit_id", "assignee_id", "service", "task_name", "due_at", "risk_on")


def compact() -> int:
    """Folds every tally row into one row per key (keys summing to zero go); returns how many rows were folded.

    One DELETE … RETURNING takes exactly the rows it removes (a delta committed meanwhile is either taken or left
    for next time, never lost), and the sums go back in the same transaction. Concurrent compactions are harmless:
    a row is deleted by one of them only. The caller commits."""
    table = OpenTaskTally.__table__
    taken = db.session.execute(delete(table).returning(*(table.c[k] for k in (*_KEY, "n")))).all()
    sums: dict[tuple, int] = defaultdict(int)
    for row in taken:
        sums[tuple(row[:-1])] += row[-1]
    rows = [dict(zip(_KEY, key, strict=True), n=n) for key, n in sorted(sums.items(), key=_sort_key) if n]
    if rows:
        db.session.execute(insert(table), rows)
    return len(taken)


def _sort_key(item: tuple[tuple, int]) -> tuple:
    return tuple((value is None, str(value)) for value in item[0])


def compact_job() -> None:
    """The periodic job (core.jobs.PERIODIC): folds and commits."""
    compact()
    db.session.commit()


def rebuild_statements() -> list[str]:
    """SQL that counts every open task into fresh tally rows (the table must be empty)."""
    return [
        f"INSERT INTO open_task_tallies ({_COLUMNS}) "
        "SELECT 'due', unit_id, assignee_id, service, NULL, due_at, NULL, count(*) FROM human_tasks "
        f"WHERE state = {_OPEN} GROUP BY unit_id, assignee_id, service, due_at",
        f"INSERT INTO open_task_tallies ({_COLUMNS}) "
        f"SELECT 'risk', t.unit_id, t.assignee_id, t.service, t.task_name, NULL, {_risk('c')}, count(*) "
        f"FROM human_tasks t JOIN cases c ON c.id = t.case_id WHERE t.state = {_OPEN} AND {_risk('c')} IS NOT NULL "
        f"GROUP BY t.unit_id, t.assignee_id, t.service, t.task_name, {_risk('c')}",
    ]


def rebuild() -> None:
    """Recounts every tally from the task and case rows (after a bulk import, or to repair). The caller commits."""
    db.session.execute(delete(OpenTaskTally.__table__))
    for statement in rebuild_statements():
        db.session.execute(text(statement))


def size() -> int:
    return db.session.scalar(select(func.count()).select_from(OpenTaskTally.__table__)) or 0
