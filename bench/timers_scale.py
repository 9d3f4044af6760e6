"""100,000 due timers fired by W worker processes (issue 3), each checked to fire exactly once.

    .venv/bin/python -m bench.timers_scale --cases 100000 --workers 2 --real 500

Opening 100,000 cases through the service layer would take longer than the run it prepares, so `--real` cases
(default 500) are opened for real (bench/timers_quick.prepare: permit cases with a due escalation timer), and the
rest are cloned from them in SQL: the case row with its serialized workflow and its open task row. The clone's
open task gets a fresh engine task id, written into the clone's workflow state in place of the original's (the
inbox row and the engine task must agree, and engine_task_id is unique); every other byte of the state is the
real one. Then W processes run `cases.timers.fire_due` until nothing is due, as Celery workers do, and the
timeline is checked: one timer_fired event per case, none twice.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time

import psycopg

from bench.timers_quick import PG_URL, prepare, work

CLONE_CASES = """
INSERT INTO cases (id, number, workflow_state, {cols})
SELECT %(base)s + g, t.number || '-' || g, replace(t.workflow_state, ht.engine_task_id, md5('clone-' || g)::uuid::text),
       {tcols}
FROM generate_series(1, %(n)s) AS g
JOIN cases t ON t.id = %(first)s + (g - 1) %% %(real)s
JOIN human_tasks ht ON ht.case_id = t.id AND ht.state = 'OPEN'
"""

CLONE_TASKS = """
INSERT INTO human_tasks (case_id, engine_task_id, {cols})
SELECT %(base)s + g, md5('clone-' || g)::uuid::text, {tcols}
FROM generate_series(1, %(n)s) AS g
JOIN human_tasks t ON t.case_id = %(first)s + (g - 1) %% %(real)s AND t.state = 'OPEN'
"""


def clone(url: str, total: int, real: int) -> None:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        first, count, base = conn.execute("SELECT min(id), count(*), max(id) FROM cases").fetchone()
        assert count == real, (count, real)
        open_per_case = conn.execute(
            "SELECT max(n) FROM (SELECT count(*) n FROM human_tasks WHERE state = 'OPEN' GROUP BY case_id) x"
        ).fetchone()[0]
        assert open_per_case == 1, open_per_case

        def columns(table: str, skip: set[str]) -> list[str]:
            rows = conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
                (table,),
            ).fetchall()
            return [r[0] for r in rows if r[0] not in skip]

        case_cols = columns("cases", {"id", "number", "workflow_state"})
        task_cols = columns("human_tasks", {"id", "case_id", "engine_task_id"})
        params = {"base": base, "n": total - real, "first": first, "real": real}
        conn.execute("SET synchronous_commit = off")
        conn.execute(
            CLONE_CASES.format(cols=", ".join(case_cols), tcols=", ".join(f"t.{c}" for c in case_cols)), params
        )
        conn.execute(
            CLONE_TASKS.format(cols=", ".join(task_cols), tcols=", ".join(f"t.{c}" for c in task_cols)), params
        )
        conn.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) cases")
        conn.execute("VACUUM (ANALYZE) human_tasks")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--real", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--url", default=PG_URL)
    args = parser.parse_args()
    started = time.perf_counter()
    prepare(args.url, args.real)
    clone(args.url, args.cases, args.real)
    print(f"prepared {args.cases} cases ({args.real} opened for real) in {time.perf_counter() - started:.1f} s")
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with context.Pool(args.workers) as pool:
        results = pool.map(work, [args.url] * args.workers)
    wall = time.perf_counter() - started
    total = sum(fired for fired, _seconds in results)
    busy = max(seconds for _fired, seconds in results)
    dsn = args.url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        cases_fired, twice = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE n > 1) FROM "
            "(SELECT case_id, count(*) n FROM case_events WHERE kind = 'timer_fired' GROUP BY case_id) x"
        ).fetchone()
        still_due = conn.execute("SELECT count(*) FROM cases WHERE next_timer_at < '2026-11-24T02:00:00Z'").fetchone()
    print(
        f"workers: {[fired for fired, _ in results]} timers; {total} in {busy:.2f} s of scanning "
        f"({wall:.2f} s with process start) = {total / busy:.0f} timers/s"
    )
    print(f"cases fired: {cases_fired} of {args.cases}; fired more than once: {twice}; still due: {still_due[0]}")
    print(caught_up(args.url, sample=200))


def caught_up(url: str, *, sample: int) -> str:
    """Escalations fired without the engine are in the case's timer list, not yet in its state: a sample of cases
    is loaded as the next step would load them, and the engine must agree that the timer has fired."""
    from sqlalchemy import func, select

    from app.cases import steps
    from app.cases.models import Case
    from app.extensions import db
    from app.processes import engine, specs
    from bench.timers_quick import _app

    with _app(url).app_context():
        cases = db.session.scalars(select(Case).order_by(func.random()).limit(sample)).all()
        listed = sum(1 for case in cases if (case.timers or {}).get("fired"))
        agree = 0
        for case in cases:
            workflow = steps.load_workflow(case, specs.bundle_for(specs.version_info(case.process_version_id)))
            agree += engine.pending_timers(workflow) == [] and "b_overdue_check_materials" in (
                engine.completed_element_ids(workflow)
            )
    return f"caught up: {agree} of {len(cases)} sampled cases ({listed} fired without the engine)"


if __name__ == "__main__":
    main()
