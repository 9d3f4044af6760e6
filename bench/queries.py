"""p50/p95 of the inbox, overdue drill-down and supervisor dashboard queries on a generated database (issue 3).

    .venv/bin/python -m bench.generate --cases 1000000                 # once: database anju_bench_big
    .venv/bin/python -m bench.queries --db anju_bench_big --runs 200 --plans bench/plans
    .venv/bin/python -m bench.queries --db anju_bench_10k --runs 200

Calls the app's own query functions (app.inbox.queries.inbox, app.supervision.queries.dashboard / task_list)
inside an app context, one fresh session per run as a request has, so what is measured is what runs — every
statement of the call (the user's unit tree, the count, the page, the forecast), not a hand-copied SQL.
With --plans, every statement one call of each query issues is re-run under EXPLAIN (ANALYZE, BUFFERS) and
written to <dir>/<query>.txt.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime
from pathlib import Path

from bench.generate import NOW, _app, url_for

CASEWORKER = "window1"  # service centre: the busiest unit
SUPERVISOR = "district_lead"  # the whole district: the widest scope


def _queries():
    from app.inbox.queries import inbox
    from app.supervision.queries import TaskFilter, dashboard, task_list

    now = datetime.fromisoformat(NOW)
    return {
        "inbox_unit_caseworker": (CASEWORKER, lambda u: inbox(u, view="unit", now=now)),
        "inbox_mine_caseworker": (CASEWORKER, lambda u: inbox(u, view="mine", now=now)),
        "inbox_unit_supervisor": (SUPERVISOR, lambda u: inbox(u, view="unit", now=now)),
        "inbox_mine_supervisor": (SUPERVISOR, lambda u: inbox(u, view="mine", now=now)),
        "overdue_list_supervisor": (SUPERVISOR, lambda u: task_list(u, TaskFilter(bucket="overdue"), now=now)),
        "dashboard_supervisor": (SUPERVISOR, lambda u: dashboard(u, now=now)),
        # The same with the at-risk forecast recomputed on every call (what the first call after the cache's
        # 10 minutes pays; supervision.queries.cached_forecast). Fewer runs: it reads 90 days of history.
        "dashboard_supervisor_cold": (SUPERVISOR, lambda u: _cold(dashboard, u, now)),
    }


def _cold(call, user, now):
    from app.supervision import queries

    queries._forecasts.clear()
    return call(user, now=now)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def measure(db_name: str, runs: int, plans: Path | None) -> dict[str, dict]:
    from sqlalchemy import select

    from app.accounts.models import User
    from app.core import clock
    from app.extensions import db

    app = _app(url_for(db_name))
    results: dict[str, dict] = {}
    with app.app_context():
        clock.freeze(datetime.fromisoformat(NOW))
        ids = {u.username: u.id for u in db.session.scalars(select(User))}
        for name, (username, call) in _queries().items():
            timings, sizes = [], None
            for i in range((min(runs, 30) if name.endswith("_cold") else runs) + 5):  # 5 warm-up runs
                db.session.remove()
                user = db.session.get(User, ids[username])
                started = time.perf_counter()
                result = call(user)
                elapsed = (time.perf_counter() - started) * 1000
                if i >= 5:
                    timings.append(elapsed)
                sizes = getattr(result, "total", None)
                if sizes is None and hasattr(result, "total"):
                    sizes = result.total
            if hasattr(result, "by_unit"):
                sizes = result.total.open
            results[name] = {
                "p50": statistics.median(timings),
                "p95": _pct(timings, 0.95),
                "max": max(timings),
                "rows": sizes,
            }
            print(f"{name:26s} p50 {results[name]['p50']:7.1f} ms  p95 {results[name]['p95']:7.1f} ms  rows {sizes}")
            if plans is not None:
                _explain(name, username, call, ids, plans)
                db.session.remove()
    return results


def _explain(name: str, username: str, call, ids: dict, plans: Path) -> None:
    from sqlalchemy import event

    from app.accounts.models import User
    from app.extensions import db

    db.session.remove()
    user = db.session.get(User, ids[username])
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        call(user)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    out = [f"# {name} ({username}); {len(captured)} statements, each under EXPLAIN (ANALYZE, BUFFERS)\n"]
    conn = db.session.connection()
    for statement, parameters in captured:
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).scalars().all()
        out.append(f"\n## statement\n{statement}\n-- params: {parameters!r}\n\n## plan\n" + "\n".join(plan) + "\n")
    plans.mkdir(parents=True, exist_ok=True)
    (plans / f"{name}.txt").write_text("".join(out))
    db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="anju_bench_big")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--plans", type=Path, default=None, help="write EXPLAIN (ANALYZE, BUFFERS) plans here")
    args = parser.parse_args()
    measure(args.db, args.runs, args.plans)


if __name__ == "__main__":
    main()
