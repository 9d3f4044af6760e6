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

    return create_app(BenchConfig)


def _prepare(app) -> None:
    from app import demo
    from app.calendar.service import seed_years
    from app.core import clock
    from app.extensions import db
    from app.processes import specs

    with app.app_context():
        db.drop_all()
        db.create_all()
        today = clock.today()
        seed_years(range(today.year - 1, today.year + 2))
        specs.deploy_all()
        units = demo.seed_org()
        demo.seed_users(units)
        db.session.commit()


def _forms(n: int):
    from tests.factories import materials, permit_form

    return [permit_form("C0201", seed=i) for i in range(n)], materials()


def run_service(url: str, cases: int) -> dict:
    from sqlalchemy import select

    from app.accounts.models import User
    from app.cases import service
    from app.extensions import db
    from app.inbox.models import HumanTask, TaskState

    app = _make_app(url)
    _prepare(app)
    forms, mats = _forms(cases)
    verify = {"lives_at_address": "true", "visit_date": "2026-11-20", "observations": "经入户核查，申请人居住属实"}
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        steps = [
            ("window2", mats),
            ("community_c0201", verify),
            ("police_p02", {"decision": "approve", "issue_date": "2026-11-20"}),
        ]
        started = time.perf_counter()
        for form in forms:
            case, _code = service.open_case(service="residence_permit", form=form, actor=users["window1"], locale="zh")
            db.session.commit()
            for username, data in steps:
                task_id = db.session.scalar(
                    select(HumanTask.id).where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN)
                )
                service.complete_task(task_id=task_id, actor=users[username], form=data, locale="zh")
                db.session.commit()
        elapsed = time.perf_counter() - started
    return {"cases": cases, "tasks": cases * 3, "seconds": elapsed}


def run_http(url: str, cases: int) -> dict:
    from sqlalchemy import select

    from app.demo import DEMO_PASSWORD
    from app.extensions import db
    from app.inbox.models import HumanTask, TaskState

    app = _make_app(url)
    _prepare(app)
    forms, mats = _forms(cases)
    verify = {"lives_at_address": "true", "visit_date": "2026-11-20", "observations": "经入户核查，申请人居住属实"}
    clients = {}
    for username in ("window1", "window2", "community_c0201", "police_p02"):
        clients[username] = app.test_client()
        clients[username].post("/login", data={"username": username, "password": DEMO_PASSWORD})
    steps = [
        ("window2", mats),
        ("community_c0201", verify),
        ("police_p02", {"decision": "approve", "issue_date": "2026-11-20"}),
    ]
    started = time.perf_counter()
    for form in forms:
        response = clients["window1"].post("/cases/new?service=residence_permit", data=form)
        assert response.status_code == 302, response.status_code
        case_id = int(response.location.rsplit("/", 1)[1])
        for username, data in steps:
            with app.app_context():
                task_id = db.session.scalar(
                    select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.state == TaskState.OPEN)
                )
            response = clients[username].post(f"/inbox/tasks/{task_id}", data=data)
            assert response.status_code == 302, (response.status_code, response.get_data(as_text=True)[-600:])
    elapsed = time.perf_counter() - started
    return {"cases": cases, "tasks": cases * 3, "seconds": elapsed}


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
    args = parser.parse_args()
    sqlite_url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    targets = [("SQLite (WAL)", sqlite_url)] + ([("PostgreSQL", PG_URL)] if not args.no_pg and _pg_available() else [])

    def per_task_ms(fn, *a):
        runs = [fn(*a) for _ in range(args.repeat)]
        return statistics.median(r["seconds"] / r["tasks"] * 1000 for r in runs)

    raw = per_task_ms(run_raw, args.cases)
    print(f"{'raw SpiffWorkflow (ser/deser per task)':<44} {raw:7.3f} ms/task   1.00×")
    for name, url in targets:
        service_ms = per_task_ms(run_service, url, args.cases)
        http_ms = per_task_ms(run_http, url, args.cases)
        print(f"{'service layer, ' + name:<44} {service_ms:7.3f} ms/task  {service_ms / raw:5.2f}×")
        print(f"{'HTTP (Flask test client), ' + name:<44} {http_ms:7.3f} ms/task  {http_ms / raw:5.2f}×")


if __name__ == "__main__":
    main()
