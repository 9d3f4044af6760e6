"""Permit cases end to end: raw engine vs Anju's service layer vs Anju over HTTP, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.run --cases 300            # SQLite (file, WAL) + PostgreSQL if reachable
    .venv/bin/python -m bench.run --cases 300 --no-pg

The runners are interleaved case by case (one raw case, then one case on every path and database, again and
again), so a burst of load from the other users of this shared machine — the raw engine alone was seen to vary
from 4.4 to 8.0 ms per task within minutes — hits the baseline and Anju alike. Ratios are taken per chunk of
cases (--chunk), then the median.

Per-task cost = wall time / user tasks completed (3 per case; opening the case is counted in, as the raw run
counts starting the workflow). Letters are issued (numbered, stored) in the transaction; their PDFs are
rendered after commit by the worker and are measured separately (bench/letters.py).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import bindparam

from bench.raw_engine import raw_cases

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_DATABASES = {"service": "anju_bench", "http": "anju_bench_http"}  # one per path: their backends are told apart


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


_monitor = None


def _backend_cpu(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving `url`'s database (the server runs on this
    machine: /proc/<pid>/stat). 0 for SQLite, whose work is in this process's own CPU time."""
    global _monitor
    if not url.startswith("postgresql"):
        return 0.0
    import psycopg

    if _monitor is None:
        _monitor = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    name = url.rsplit("/", 1)[1]
    pids = [r[0] for r in _monitor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]
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
    server = _backend_cpu(url) - server_cpu_before  # the backends' CPU so far (timed or not)
    return {"cases": cases, "tasks": cases * 3, "seconds": watch.wall, "cpu": watch.cpu + server, "server_cpu": server}


VERIFY = {"lives_at_address": "true", "visit_date": "2026-11-20", "observations": "经入户核查，申请人居住属实"}
APPROVE = {"decision": "approve", "issue_date": "2026-11-20"}
STEP_USERS = ("window2", "community_c0201", "police_p02")


def service_cases(url: str, cases: int) -> Iterator[dict]:
    """`cases` permit cases through cases.service, one commit per call; yields the running totals after each
    case. Only the service calls and their commits are timed: finding the id of the next open task is the
    benchmark's bookkeeping (a person clicks it in the inbox), not part of completing it. Each case runs in its
    own app context and session, as each request has its own — and no context stays pushed while another
    runner's case runs."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.cases import service
    from app.extensions import db
    from app.inbox.models import HumanTask, TaskState

    app = _make_app(url)
    _prepare(app)
    forms, mats = _forms(cases)
    data = dict(zip(STEP_USERS, (mats, VERIFY, APPROVE), strict=True))
    next_task = select(HumanTask.id).where(HumanTask.case_id == bindparam("case_id"), HumanTask.state == TaskState.OPEN)
    users = select(User).where(User.username.in_(("window1", *STEP_USERS)))
    watch, server_cpu = Stopwatch(), _backend_cpu(url)
    for done, form in enumerate(forms, 1):
        with app.app_context():
            by_name = {u.username: u for u in db.session.scalars(users)}
            with watch:
                case, _code = service.open_case(
                    service="residence_permit", form=form, actor=by_name["window1"], locale="zh"
                )
                db.session.commit()
            for username in STEP_USERS:
                task_id = db.session.scalar(next_task, {"case_id": case.id})
                with watch:
                    service.complete_task(task_id=task_id, actor=by_name[username], form=data[username], locale="zh")
                    db.session.commit()
        yield _result(url, done, watch, server_cpu)


def http_cases(url: str, cases: int) -> Iterator[dict]:
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
    for username in ("window1", *STEP_USERS):
        clients[username] = app.test_client()
        clients[username].post("/login", data={"username": username, "password": DEMO_PASSWORD})
    data = dict(zip(STEP_USERS, (mats, VERIFY, APPROVE), strict=True))
    next_task = select(HumanTask.id).where(HumanTask.case_id == bindparam("case_id"), HumanTask.state == TaskState.OPEN)
    watch, server_cpu = Stopwatch(), _backend_cpu(url)
    for done, form in enumerate(forms, 1):
        with watch:
            response = clients["window1"].post("/cases/new?service=residence_permit", data=form)
        assert response.status_code == 302, response.status_code
        case_id = int(response.location.rsplit("/", 1)[1])
        _followed_redirect(clients["window1"])
        for username in STEP_USERS:
            with app.app_context():
                task_id = db.session.scalar(next_task, {"case_id": case_id})
            with watch:
                response = clients[username].post(f"/inbox/tasks/{task_id}", data=data[username])
            assert response.status_code == 302, (response.status_code, response.get_data(as_text=True)[-600:])
            _followed_redirect(clients[username])
        yield _result(url, done, watch, server_cpu)


def _followed_redirect(client) -> None:
    """What the page a POST redirects to takes out of the session when the browser follows the redirect: the
    confirmation message and the new case's access code. Without it they piled up in the session cookie — 300
    confirmations signed and serialised again on every POST — which no person's session ever holds."""
    with client.session_transaction() as session:
        session.pop("_flashes", None)
        session.pop("new_access_code", None)


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=2) as c:
            for name in PG_DATABASES.values():
                if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                    c.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception:
        return False


RAW = "raw SpiffWorkflow (ser/deser per task)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--chunk", type=int, default=20, help="cases per ratio sample")
    parser.add_argument("--warmup", type=int, default=5, help="cases per runner before the first sample")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--paths", default="service,http", help="comma-separated: service, http")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    paths = {"service": ("service layer, ", service_cases), "http": ("HTTP (Flask test client), ", http_cases)}
    total = args.warmup + args.cases
    runners: dict[str, Iterator[dict]] = {RAW: raw_cases(total)}
    use_pg = not args.no_pg and _pg_available()
    for path in args.paths.split(","):
        prefix, make = paths[path]
        if not args.no_sqlite:
            runners[prefix + "SQLite (WAL)"] = make(f"sqlite:///{folder}/{path}.db", total)
        if use_pg:
            runners[prefix + "PostgreSQL"] = make(f"{PG_SERVER}/{PG_DATABASES[path]}", total)

    # Case by case: one case of every runner in turn; a sample of the running totals every --chunk cases,
    # the first after the warm-up (parsing, imports and caches filling).
    samples: dict[str, list[dict]] = {label: [] for label in runners}
    for done in range(1, total + 1):
        latest = {}
        for label, runner in runners.items():
            # Each runner starts its case with the garbage of the others collected (untimed): otherwise the
            # collection an HTTP case's garbage makes due lands in whichever runner allocates next.
            gc.collect()
            latest[label] = next(runner)
        measured = done - args.warmup
        if measured == 0:
            # Everything made so far (modules, apps, parsed specs) lives to the end: out of the collector's way,
            # or a full collection over five apps' heaps lands on whichever runner happens to be running.
            gc.collect()
            gc.freeze()
        if measured >= 0 and (measured % args.chunk == 0 or done == total):
            for label, totals in latest.items():
                samples[label].append(totals)

    def per_task(label: str, i: int, key: str) -> float:  # sample i: the cases between totals i and i + 1
        now, before = samples[label][i + 1], samples[label][i]
        return (now[key] - before[key]) / (now["tasks"] - before["tasks"]) * 1000

    def overall(label: str, key: str) -> float:
        return (samples[label][-1][key] - samples[label][0][key]) / (
            samples[label][-1]["tasks"] - samples[label][0]["tasks"]
        )

    chunks = len(samples[RAW]) - 1
    print(f"{args.cases} cases × 3 tasks, interleaved; {chunks} samples of {args.chunk} cases")
    print("ms per task and ratio to raw: median over samples (min–max); 'all' = total over total")
    print(f"{'':44s} {'wall ms':>20s} {'wall ratio':>18s} {'all':>6s} {'CPU ms':>20s} {'CPU ratio':>18s} {'all':>6s}")

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"

    for label in runners:
        columns = []
        for key in ("seconds", "cpu"):
            mine = [per_task(label, i, key) for i in range(chunks)]
            raw = [per_task(RAW, i, key) for i in range(chunks)]
            ratio = overall(label, key) / overall(RAW, key)
            columns += [cell(mine), cell([m / r for m, r in zip(mine, raw, strict=True)]), f"{ratio:.2f}"]
        print(
            f"{label:44s} {columns[0]:>20s} {columns[1]:>18s} {columns[2]:>6s} {columns[3]:>20s} {columns[4]:>18s} "
            f"{columns[5]:>6s}"
        )
        if samples[label][-1].get("server_cpu"):
            server = overall(label, "server_cpu") * 1000
            print(f"{'':44s} PostgreSQL backends {server:.2f} ms/task CPU (in the CPU columns)")


if __name__ == "__main__":
    main()
