"""Quick measure of the timer scan: N permit cases with a due escalation timer, fired by W worker processes.

    .venv/bin/python -m bench.timers_quick --cases 1000 --workers 2      # PostgreSQL (database anju_bench_timers)

Each worker process is what a Celery worker runs: `cases.timers.fire_due` in a loop until nothing is due. Every
fired timer escalates: priority up, a notification, two timeline events, the timer moved to the case's "fired"
list (escalations fire without the engine) — one transaction per batch of cases. The run ends by checking that
every timer fired exactly once. docs/timers.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from datetime import datetime

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/anju_bench_timers"
OPENED = "2026-11-20T10:00:00+08:00"
FIRED = "2026-11-24T10:00:00+08:00"


def _app(url: str):
    from app import create_app
    from app.config import Config

    class TimerBenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        DEPLOY_ON_START = False
        JOBS_MODE = "manual"
        TIMER_THREAD = False

    return create_app(TimerBenchConfig)


def prepare(url: str, cases: int) -> None:
    import psycopg
    from sqlalchemy import select

    from app import demo
    from app.accounts.models import User
    from app.calendar.service import seed_years
    from app.cases import service
    from app.core import clock
    from app.extensions import db
    from bench.deploy import deploy_permit_process
    from tests.factories import permit_form

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'anju_bench_timers'").fetchone():
            conn.execute("CREATE DATABASE anju_bench_timers")
    app = _app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        clock.freeze(datetime.fromisoformat(OPENED))
        seed_years(range(2025, 2028))
        deploy_permit_process()
        demo.seed_users(demo.seed_org())
        db.session.commit()
        window1 = db.session.scalars(select(User).where(User.username == "window1")).one()
        for i in range(cases):
            service.open_case(service="residence_permit", form=permit_form("C0201", seed=i), actor=window1, locale="zh")
            if i % 100 == 99:
                db.session.commit()
        db.session.commit()


def work(url: str) -> tuple[int, float]:
    from app.cases import timers
    from app.core import clock

    app = _app(url)
    clock.freeze(datetime.fromisoformat(FIRED))
    started = time.perf_counter()
    fired = 0
    with app.app_context():
        while batch := timers.fire_due(limit=200):
            fired += batch
    return fired, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--url", default=PG_URL)
    args = parser.parse_args()
    started = time.perf_counter()
    prepare(args.url, args.cases)
    print(f"prepared {args.cases} cases in {time.perf_counter() - started:.1f} s")
    context = multiprocessing.get_context("spawn")  # fresh processes: no connection shared across a fork
    started = time.perf_counter()
    with context.Pool(args.workers) as pool:
        results = pool.map(work, [args.url] * args.workers)
    wall = time.perf_counter() - started
    total = sum(fired for fired, _seconds in results)
    busy = max(seconds for _fired, seconds in results)

    from sqlalchemy import func, select

    from app.cases.models import CaseEvent
    from app.extensions import db

    with _app(args.url).app_context():
        per_case = (
            select(CaseEvent.case_id, func.count().label("n"))
            .where(CaseEvent.kind == "timer_fired")
            .group_by(CaseEvent.case_id)
            .subquery()
        )
        cases_fired = db.session.scalar(select(func.count()).select_from(per_case))
        twice = db.session.scalar(select(func.count()).select_from(per_case).where(per_case.c.n > 1))
    print(
        f"workers: {[fired for fired, _ in results]} timers; {total} in {busy:.2f} s of scanning "
        f"({wall:.2f} s with process start) = {total / busy:.0f} timers/s"
    )
    print(f"cases fired: {cases_fired} of {args.cases}; fired more than once: {twice}")


if __name__ == "__main__":
    main()
