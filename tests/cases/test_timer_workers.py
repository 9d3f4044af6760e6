"""Several workers firing timers at once, on the real PostgreSQL (and Redis for Celery): each timer fires exactly
once, workers share the due cases (SKIP LOCKED), a worker killed mid-job loses nothing.

PostgreSQL only: in-memory SQLite has one connection, and one writer is what makes SQLite safe anyway.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cases import service, timers
from app.cases.models import Case, CaseEvent
from app.core import clock
from app.extensions import db as _db
from app.notifications.models import Notification
from tests.conftest import database_url
from tests.factories import permit_form

pytestmark = pytest.mark.skipif(not database_url().startswith("postgresql"), reason="needs PostgreSQL")

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def open_cases(db, world, n: int, *, opened_at: datetime) -> list[int]:
    clock.freeze(opened_at)
    ids = []
    for i in range(n):
        case, _ = service.open_case(
            service="residence_permit", form=permit_form("C0201", seed=i), actor=world.users["window1"], locale="zh"
        )
        ids.append(case.id)
    db.session.commit()
    return ids


def fired_per_case(db) -> dict[int, int]:
    rows = db.session.execute(
        select(CaseEvent.case_id, func.count()).where(CaseEvent.kind == "timer_fired").group_by(CaseEvent.case_id)
    ).all()
    return dict(rows)


def test_two_workers_share_the_due_cases_and_fire_each_timer_once(app, db, world):
    ids = open_cases(db, world, 30, opened_at=datetime(2026, 11, 20, 10, tzinfo=clock.CHINA_TZ))
    clock.freeze(datetime(2026, 11, 24, 10, tzinfo=clock.CHINA_TZ))
    barrier = threading.Barrier(2)
    fired: dict[str, int] = {}

    def worker(name: str) -> None:
        with app.app_context():  # its own session and connection, as in a separate process
            barrier.wait()
            try:
                fired[name] = timers.fire_due(limit=100, batch=5)  # small batches: both get some
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(fired.values()) == 30 and min(fired.values()) > 0, fired  # both worked, nobody twice
    assert fired_per_case(db) == dict.fromkeys(ids, 1)
    assert db.session.scalar(select(func.count(Notification.id))) == 30


def test_a_locked_case_is_skipped_and_a_killed_worker_leaves_its_timer_due(app, db, world, tmp_path):
    """A real process fires a case's timer and is SIGKILLed before its COMMIT. Meanwhile another scan skips the
    locked case without waiting; afterwards the timer is still due, and fires once."""
    (case_id,) = open_cases(db, world, 1, opened_at=datetime(2026, 11, 20, 10, tzinfo=clock.CHINA_TZ))
    now = datetime(2026, 11, 24, 10, tzinfo=clock.CHINA_TZ)
    script = textwrap.dedent(f"""
        import time
        from datetime import datetime
        from app import create_app
        from app.cases import timers
        from app.core import clock
        from app.extensions import db

        app = create_app({{"DEPLOY_ON_START": False, "TESTING": True,
                          "SQLALCHEMY_DATABASE_URI": {app.config["SQLALCHEMY_DATABASE_URI"]!r}}})
        clock.freeze(datetime.fromisoformat({now.isoformat()!r}))
        real = timers._step

        def step_then_hang(*args, **kwargs):
            real(*args, **kwargs)
            db.session.flush()  # the fired timer is written, uncommitted, the row locked
            print("FIRED", flush=True)
            time.sleep(60)

        timers._step = step_then_hang
        with app.app_context():
            timers.fire_due()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "FIRED"
        clock.freeze(now)
        started = time.monotonic()
        assert timers.fire_due() == 0  # the only due case is locked: skipped, not waited for
        assert time.monotonic() - started < 2
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    _db.session.expire_all()
    assert fired_per_case(db) == {} and db.session.get(Case, case_id).next_timer_at < now
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the server ends the dead connection's transaction, releasing the lock
        if (fired := timers.fire_due()) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert fired == 1 and fired_per_case(db) == {case_id: 1}


def test_the_embedded_scanner_thread_fires_due_timers(app, db, world):
    (case_id,) = open_cases(db, world, 1, opened_at=datetime(2026, 11, 20, 10, tzinfo=clock.CHINA_TZ))
    clock.freeze(datetime(2026, 11, 24, 10, tzinfo=clock.CHINA_TZ))
    scanner = timers.Scanner(app, interval=0.05).start()
    try:
        deadline = time.monotonic() + 10
        while not fired_per_case(db) and time.monotonic() < deadline:
            time.sleep(0.05)
            db.session.rollback()  # a fresh snapshot for the next look
    finally:
        scanner.stop()
    assert fired_per_case(db) == {case_id: 1}


# ---------------------------------------------------------------- real Celery workers with Redis


def _redis_db() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return 12 + int(worker.removeprefix("gw") or 0) % 4  # one Redis database per xdist worker: 12–15


def _flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def test_two_celery_workers_with_beat_fire_each_timer_once(app, db, world, tmp_path):
    """The production set-up: `celery -A app.worker worker -B` plus a second plain worker, a Redis broker,
    beat scanning every half second in batches of 4 cases, and a burst of scans sent at once."""
    broker = f"{REDIS_URL}/{_redis_db()}"
    try:
        _flush(broker)
    except Exception as exc:
        pytest.fail(f"Redis is needed at {REDIS_URL}: {exc}")
    # Backdated: the workers run on the real clock, so the timers must be due in real time.
    real_now = datetime.now(UTC)
    ids = open_cases(db, world, 24, opened_at=real_now - timedelta(days=10))
    clock.freeze(None)
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CELERY_BROKER_URL": broker,
        "ANJU_DEPLOY_ON_START": "0",
        "ANJU_TIMER_SCAN_SECONDS": "0.5",
        "ANJU_TIMER_SCAN_LIMIT": "4",
        "ANJU_JOBS_MODE": "manual",
    }
    common = [
        "-A",
        "app.worker",
        "worker",
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    commands = {
        "w1": [str(VENV_BIN / "celery"), *common, "-n", "w1@%h", "-B", "-s", str(tmp_path / "beat-schedule")],
        "w2": [str(VENV_BIN / "celery"), *common, "-n", "w2@%h"],
    }
    logs = {name: tmp_path / f"{name}.log" for name in commands}
    procs = {
        name: subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=logs[name].open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        for name, cmd in commands.items()
    }
    try:
        from celery import Celery

        sender = Celery("anju-test", broker=broker)
        for _ in range(6):  # a burst on top of beat, so both workers scan at the same moment
            sender.send_task("timers.fire_due", kwargs={"limit": 4})
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            db.session.rollback()
            done = len(fired_per_case(db)) == len(ids)
            both = all("succeeded" in logs[name].read_text() for name in logs)
            if done and both:
                break
            assert all(p.poll() is None for p in procs.values()), {n: logs[n].read_text()[-2000:] for n in logs}
            time.sleep(0.2)
        time.sleep(1.0)  # more beat scans run meanwhile: a second firing would show up now
        db.session.rollback()
        counts = fired_per_case(db)
        assert counts == dict.fromkeys(ids, 1), {n: logs[n].read_text()[-3000:] for n in logs}
        assert db.session.scalar(select(func.count(Notification.id))) == len(ids)
        for name in logs:
            assert "succeeded" in logs[name].read_text(), f"{name} ran no scan:\n{logs[name].read_text()[-3000:]}"
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        _flush(broker)
