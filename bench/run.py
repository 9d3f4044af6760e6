"""Permit cases end to end: raw engine vs Anju's service layer vs Anju over HTTP, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.run --cases 200            # SQLite (file, WAL) + PostgreSQL if reachable
    .venv/bin/python -m bench.run --cases 200 --no-pg

Per-task cost = wall time / user tasks completed (3 per case; opening the case is counted in, as the raw run
counts starting the workflow). Letters are issued (numbered, stored) in the transaction; their PDFs are
rendered after commit by the worker and are measured separately (bench/letters.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import bindparam

from bench.raw_engine import run_raw

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/anju_bench")


def _make_app(url: str):
    from app import create_app
    from app.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = False  # the HTTP run posts forms directly; CSRF costs one HMAC
        DEPLOY_ON_START = False
        RATELIMIT_ENABLED = False
        JOBS_MODE = "manual"  # PDFs are rendered by the worker, outside the request; measured in bench/letters.py
        TIMER_THREAD = False  # no background timer scan competing for the CPU and the database during the run

    return create_app(BenchConfig)


def _prepare(app) -> None:
    from app import demo
    from app.calendar.service import seed_years
    from app.core import clock
    from app.extensions import db
    from bench.deploy import deploy_permit_process

    with app.app_context():
        db.drop_all()
        db.create_all()
        today = clock.today()
        seed_years(range(today.year - 1, today.year + 2))
        deploy_permit_process()
        units = demo.seed_org()
        demo.seed_users(units)
        db.session.commit()


def _forms(n: int):
    from tests.factories import materials, permit_form

    return [permit_form("C0201", seed=i) for i in range(n)], materials()


class Stopwatch:
    """Wall time and this process's CPU time, summed over the timed segments (`with watch:`)."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu


def _backend_cpu(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving `url`'s database (the server runs on this
    machine: /proc/<pid>/stat). 0 for SQLite, whose work is in this process's own CPU time."""
    if not url.startswith("postgresql"):
        return 0.0
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def _result(url: str, cases: int, watch: Stopwatch, server_cpu_before: float) -> dict:
    server = _backend_cpu(url) - server_cpu_before  # the backends' CPU over the whole run (timed or not)
    return {"cases": cases, "tasks": cases * 3, "seconds": watch.wall, "cpu": watch.cpu + server, "server_cpu": server}


VERIFY = {"lives_at_address": "true", "visit_date": "2026-11-20", "observations": "经入户核查，申请人居住属实"}
APPROVE = {"decision": "approve", "issue_date": "2026-11-20"}


def run_service(url: str, cases: int) -> dict:
    """`cases` permit cases through cases.service, one commit per call. Only the service calls and their commits
    are timed: finding the id of the next open task is the benchmark's bookkeeping (a person clicks it in the
    inbox), not part of completing it."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.cases import service
    from app.extensions import db
    from app.inbox.models import HumanTask, TaskState

    app = _make_app(url)
    _prepare(app)
    forms, mats = _forms(cases)
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        steps = [(users["window2"], mats), (users["community_c0201"], VERIFY), (users["police_p02"], APPROVE)]
        next_task = select(HumanTask.id).where(
            HumanTask.case_id == bindparam("case_id"), HumanTask.state == TaskState.OPEN
        )
        db.session.commit()
        watch, server_cpu = Stopwatch(), _backend_cpu(url)
        for form in forms:
            with watch:
                case, _code = service.open_case(
                    service="residence_permit", form=form, actor=users["window1"], locale="zh"
                )
                db.session.commit()
            for actor, data in steps:
                task_id = db.session.scalar(next_task, {"case_id": case.id})
                with watch:
                    service.complete_task(task_id=task_id, actor=actor, form=data, locale="zh")
                    db.session.commit()
        return _result(url, cases, watch, server_cpu)


def run_http(url: str, cases: int) -> dict:
    """The same through the Flask test client: each step is one POST (routing, login session, form parsing, the
    service call, the commit, the redirect). Only the POSTs are timed."""
    from sqlalchemy import select

    from app.demo import DEMO_PASSWORD
    from app.extensions import db
    from app.inbox.models import HumanTask, TaskState

    app = _make_app(url)
    _prepare(app)
    forms, mats = _forms(cases)
    clients = {}
    for username in ("window1", "window2", "community_c0201", "police_p02"):
        clients[username] = app.test_client()
        clients[username].post("/login", data={"username": username, "password": DEMO_PASSWORD})
    steps = [("window2", mats), ("community_c0201", VERIFY), ("police_p02", APPROVE)]
    next_task = select(HumanTask.id).where(HumanTask.case_id == bindparam("case_id"), HumanTask.state == TaskState.OPEN)
    watch, server_cpu = Stopwatch(), _backend_cpu(url)
    for form in forms:
        with watch:
            response = clients["window1"].post("/cases/new?service=residence_permit", data=form)
        assert response.status_code == 302, response.status_code
        case_id = int(response.location.rsplit("/", 1)[1])
        for username, data in steps:
            with app.app_context():
                task_id = db.session.scalar(next_task, {"case_id": case_id})
            with watch:
                response = clients[username].post(f"/inbox/tasks/{task_id}", data=data)
            assert response.status_code == 302, (response.status_code, response.get_data(as_text=True)[-600:])
    return _result(url, cases, watch, server_cpu)


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=2) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname='anju_bench'").fetchone():
                c.execute("CREATE DATABASE anju_bench")
        return True
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--paths", default="service,http", help="comma-separated: service, http")
    args = parser.parse_args()
    sqlite_url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    targets = [] if args.no_sqlite else [("SQLite (WAL)", sqlite_url)]
    if not args.no_pg and _pg_available():
        targets.append(("PostgreSQL", PG_URL))
    paths = {"service": run_service, "http": run_http}
    chosen = [(name, paths[name]) for name in args.paths.split(",")]

    # Rounds, not blocks: each round runs raw, then every path on every database, so a burst of load from the
    # other users of this shared machine hits raw and Anju alike. Ratios are taken per round, then the median.
    # Two measures: wall time (what a user waits) and CPU time (this process + its PostgreSQL backends), which
    # the other processes on the machine disturb far less than the wall time.
    rounds: dict[str, list[dict]] = {}
    for round_no in range(args.repeat):
        raw = run_raw(args.cases)
        rows = {"raw SpiffWorkflow (ser/deser per task)": raw}
        for target, url in targets:
            for path, run in chosen:
                label = ("service layer, " if path == "service" else "HTTP (Flask test client), ") + target
                rows[label] = run(url, args.cases)
        for label, result in rows.items():
            wall, cpu = (result[k] / result["tasks"] * 1000 for k in ("seconds", "cpu"))
            raw_wall, raw_cpu = (raw[k] / raw["tasks"] * 1000 for k in ("seconds", "cpu"))
            rounds.setdefault(label, []).append({"wall": wall, "cpu": cpu, "x": wall / raw_wall, "xcpu": cpu / raw_cpu})
        print(
            f"round {round_no + 1}: "
            + "; ".join(f"{r[-1]['wall']:.2f}/{r[-1]['x']:.2f}× cpu {r[-1]['cpu']:.2f}" for r in rounds.values())
        )
        for label, result in rows.items():
            if result.get("server_cpu"):
                print(
                    f"    {label}: PostgreSQL backends {result['server_cpu'] / result['tasks'] * 1000:.2f} ms/task CPU"
                )
    print(f"\n{args.cases} cases × 3 tasks, {args.repeat} rounds; ms per task and ratio to raw: median (min–max)")
    print(f"{'':44s} {'wall ms':>20s} {'wall ratio':>18s} {'CPU ms':>20s} {'CPU ratio':>18s}")

    def cell(values: list[float], fmt: str) -> str:
        return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}–{max(values):{fmt}})"

    for label, values in rounds.items():
        print(
            f"{label:44s} "
            + " ".join(f"{cell([v[k] for v in values], '.2f'):>19s}" for k in ("wall", "x", "cpu", "xcpu"))
        )


if __name__ == "__main__":
    main()
