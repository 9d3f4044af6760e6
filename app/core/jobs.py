"""Background jobs that must run only after the transaction that asked for them has committed.

`enqueue("letters.render", letter_id=5)` inside a service queues the job on the session. After COMMIT:
- with CELERY_BROKER_URL set, each job is sent to Celery (Redis or RabbitMQ) and a worker runs it;
- otherwise (the embedded default) it runs in this process at the end of the request or CLI command,
  in its own transaction, so a fresh machine needs no broker;
- JOBS_MODE="manual" leaves them to `flask anju run-pending` (benchmarks, bulk imports).
A rollback drops the queue: a job never runs for work that was not saved. Job functions must be idempotent
(a retried or duplicated delivery does no harm): each handler checks before it acts.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# name → "module:function"; resolved lazily so core imports no domain.
REGISTRY: dict[str, str] = {
    "letters.render": "app.letters.service:render_letter",
    "timers.fire_due": "app.cases.timers:fire_due",  # also sent by Celery beat every TIMER_SCAN_SECONDS
    "permits.scan_endorsements": "app.permits.scan:scan_endorsements",  # endorsement due / suspended (PERIODIC)
    "outbox.send": "app.notifications.outbox:send_pending",  # e-mails and SMS to applicants (notifications)
    "inbox.compact_tallies": "app.inbox.tallies:compact_job",  # fold the dashboard's deltas (PERIODIC)
}
# Scans that run beside the timer scan, every N seconds: Celery beat sends them, and without a broker the
# embedded scanner thread (cases.timers.Scanner) runs them. Each is safe to run in several workers at once.
PERIODIC: dict[str, float] = {"permits.scan_endorsements": 300.0, "inbox.compact_tallies": 30.0}
_celery = None


def enqueue(name: str, **kwargs: Any) -> None:
    """Queues a job for after the commit. A keyword value may be a zero-argument callable, called after the
    commit: `letter_id=lambda: letter.id` names a row whose id the transaction's last flush assigned."""
    from app.extensions import db

    if name not in REGISTRY:
        raise KeyError(f"unknown job {name!r}")
    db.session.info.setdefault("jobs_pending", []).append((name, kwargs))


def resolve(name: str) -> Callable[..., Any]:
    module, function = REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), function)


def _after_commit(session: Session) -> None:
    pending = session.info.pop("jobs_pending", None)
    if not pending:
        return
    pending = [(name, {k: v() if callable(v) else v for k, v in kwargs.items()}) for name, kwargs in pending]
    mode = current_app.config.get("JOBS_MODE") or (
        "celery" if current_app.config.get("CELERY_BROKER_URL") else "inline"
    )
    if mode == "celery":
        for name, kwargs in pending:
            celery_app().send_task(name, kwargs=kwargs)
    elif mode == "inline":
        session.info.setdefault("jobs_committed", []).extend(pending)


def _after_rollback(session: Session, *_args: Any) -> None:
    session.info.pop("jobs_pending", None)


event.listen(Session, "after_commit", _after_commit)
event.listen(Session, "after_soft_rollback", _after_rollback)


def run_committed() -> int:
    """Runs the inline jobs queued by commits so far, each in its own transaction. Returns how many ran."""
    from app.extensions import db

    ran = 0
    while jobs := db.session.info.pop("jobs_committed", None):
        for name, kwargs in jobs:
            try:
                resolve(name)(**kwargs)
                db.session.commit()
                ran += 1
            except Exception:  # a failed job must not break the request that already succeeded
                db.session.rollback()
                log.exception("job %s %s failed; it can be re-run with `flask anju run-pending`", name, kwargs)
    return ran


def register(app: Flask) -> None:
    @app.teardown_appcontext
    def _run_inline_jobs(exc: BaseException | None) -> None:
        if exc is None:
            run_committed()


def celery_app():
    """The Celery application (created on first use, configured from the Flask config)."""
    global _celery
    if _celery is None:
        from celery import Celery

        broker = current_app.config["CELERY_BROKER_URL"]
        _celery = Celery("anju", broker=broker)
        _celery.conf.update(
            task_acks_late=True,
            task_reject_on_worker_lost=True,
            worker_prefetch_multiplier=1,
            broker_connection_retry_on_startup=True,
            task_ignore_result=True,
        )
        # The timer scan (docs/timers.md), for `celery -A app.worker worker -B` or a separate `celery … beat`.
        # Any number of workers may run scans at once: the row claim (SKIP LOCKED) shares the due cases out.
        # A scan not started within one interval is dropped: the next one does the same work.
        interval = float(current_app.config.get("TIMER_SCAN_SECONDS", 5))
        _celery.conf.beat_schedule = {
            "fire-due-timers": {
                "task": "timers.fire_due",
                "schedule": interval,
                "kwargs": {"limit": int(current_app.config.get("TIMER_SCAN_LIMIT", 500))},
                "options": {"expires": interval},
            },
            **{
                f"periodic-{name}": {"task": name, "schedule": every, "options": {"expires": every}}
                for name, every in PERIODIC.items()
            },
        }
    return _celery
