"""Firing due BPMN timers: the scan, exactly once per timer, retries with backoff. See docs/timers.md.

Each case with a pending timer carries `next_timer_at` (its earliest timer, kept by cases.steps.advance).
`fire_due` claims due cases with SELECT … FOR UPDATE SKIP LOCKED (a batch at a time), fires each case's timers —
from the case's timer list when they only escalate, else through the engine and the same `advance` as a person's
step — and commits the batch:

* exactly once: the fired timer is part of the workflow state saved in the transaction that fired it (an
  escalation fired without the engine: moved to the case's "fired" list in that transaction). The row
  lock keeps any other worker (or a person completing a task) off the case meanwhile; SKIP LOCKED sends other
  workers to other cases instead of waiting; after the commit the case is no longer due. On SQLite (one
  writer) the claim is plain ordering, and the optimistic lock_version refuses a second save of the same state.
* nothing lost: a worker killed mid-job never commits, so the case is still due for the next scan; a job that
  fails is rolled back, recorded as a timer_failed event and retried with backoff; a timer due while no worker
  ran fires at the first scan after (late, and the timeline shows when it was due).
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.cases import steps
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case
from app.core import jobs
from app.core.clock import utcnow
from app.extensions import db
from app.inbox import service as inbox
from app.processes import engine, specs

log = logging.getLogger(__name__)

RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 3600  # a broken case is retried hourly for ever, never dropped


class TimerNotFired(RuntimeError):
    """The case was due but the engine fired nothing: treated as a failure so the scan cannot spin on it."""


BATCH = 50  # cases claimed and committed together


class _StepFailed(Exception):
    """One case's step raised in a batch: which case, and why (the batch is rolled back and run without it)."""

    def __init__(self, case_id: int, error: Exception) -> None:
        super().__init__(case_id, error)
        self.case_id, self.error = case_id, error


def fire_due(*, now: datetime | None = None, limit: int = 500, batch: int = BATCH) -> int:
    """Fires the timers due before `now` (default: Anju's clock) in up to `limit` cases. Returns the number of
    timers fired. Safe to run in any number of workers at once.

    Cases are claimed `batch` at a time (one SELECT … FOR UPDATE SKIP LOCKED), their open tasks read in one
    statement, every case's timers fired (without the engine when they only escalate), and the batch written in
    ONE flush and one commit: the statements of the whole batch go out together (one INSERT of all their events,
    the task updates and the timer lists as executemanys).
    Exactly once holds as with one case per transaction: a case's fired timers and its saved state are in the
    same commit, and its row stays locked until then. A worker killed mid-batch commits none of it: the whole
    batch is still due for the next scan.

    A case whose step raises is what a batch must not be held hostage by: the batch is rolled back, that case is
    recorded as failed (retried with backoff), and the others are claimed again and fired without it. If writing
    the batch fails (no case to blame), the batch is fired again one case per SAVEPOINT, so the case at fault
    rolls back alone."""
    now = (now or utcnow()).astimezone(UTC)
    fired = 0
    failed: set[int] = set()  # cases that failed in this call: not claimed again until their retry time
    claimed = 0
    while claimed < limit:
        cases = _claim_batch(now, skip=failed, size=max(1, min(batch, limit - claimed)))
        if not cases:
            db.session.rollback()  # end the (read-only) transaction of the empty claim
            break
        ids = [case.id for case in cases]
        try:
            fired += _fire_batch(cases, now)
            claimed += len(ids)
        except _StepFailed as failure:
            db.session.rollback()  # nothing of the batch is saved; the other cases are still due
            log.error("timers of case %s failed; retried later", failure.case_id, exc_info=failure.error)
            failed.add(failure.case_id)
            claimed += 1
            _record_failure(failure.case_id, now, failure.error)
        except Exception:  # the batch's flush or commit failed: find the case at fault one SAVEPOINT at a time
            db.session.rollback()
            log.exception("writing a timer batch failed; firing its cases one by one")
            fired_here, failures = _fire_isolated(ids, now)
            fired += fired_here
            claimed += len(ids)
            for case_id, exc in failures:
                failed.add(case_id)
                _record_failure(case_id, now, exc)
    if fired:
        log.info("fired %d timers", fired)
    jobs.run_committed()  # inline mode: render the letters the fired timers issued (Celery mode: sent already)
    return fired


def _fire_batch(cases: list[Case], now: datetime) -> int:
    """Every case's step in one transaction; raises _StepFailed naming the case whose step raised."""
    inbox.load_open_rows(case.id for case in cases)
    fired, lists = 0, []
    with db.session.no_autoflush:  # the batch's rows go out in one flush at the end
        for case in cases:
            try:
                fired += _step(case, now, lists)
            except Exception as exc:  # BaseException (a kill) is not caught: nothing is committed
                raise _StepFailed(case.id, exc) from exc
    _save_timer_lists(lists)
    db.session.commit()
    return fired


def _fire_isolated(case_ids: list[int], now: datetime) -> tuple[int, list[tuple[int, Exception]]]:
    """The slow path: the cases (claimed again) each in its own SAVEPOINT, one flush each, committed together."""
    cases = _claim_batch(now, skip=set(), size=len(case_ids), only=case_ids)
    fired, failures = 0, []
    for case in cases:
        case_id = case.id
        # Jobs queued by the batch's earlier cases (letters to render after commit): a rollback, even of a
        # savepoint, drops every pending job (core.jobs), so they are put back if this case fails.
        queued = list(db.session.info.get("jobs_pending", ()))
        try:
            with db.session.begin_nested():
                lists: list[tuple[Case, dict]] = []
                with db.session.no_autoflush:
                    fired_here = _step(case, now, lists)
                db.session.flush()
                _save_timer_lists(lists)
            fired += fired_here
        except Exception as exc:  # one bad case must not stop the others
            db.session.info["jobs_pending"] = queued
            failures.append((case_id, exc))
            log.exception("timers of case %s failed; retried later", case_id)
    try:
        db.session.commit()
    except Exception as exc:  # nothing of the batch was saved: all stay due and are retried later
        db.session.rollback()
        log.exception("commit of a timer batch failed; its cases are retried later")
        return 0, [(case.id, exc) for case in cases]
    return fired, failures


def _claim_batch(now: datetime, *, skip: set[int], size: int, only: list[int] | None = None) -> list[Case]:
    # Strictly before `now`, as the engine fires only timers due before its now: a case due exactly at `now`
    # would otherwise be claimed and found not yet due.
    query = (
        select(Case)
        .where(Case.next_timer_at.is_not(None), Case.next_timer_at < now)
        .order_by(Case.next_timer_at, Case.id)
        .limit(size)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite ignores it (one writer at a time anyway)
        # The state (12–15 kB, stored out of line) only if the engine must run: escalation timers fire without it.
        .options(defer(Case.workflow_state))
        .execution_options(populate_existing=True)
    )
    if skip:
        query = query.where(Case.id.not_in(skip))
    if only is not None:
        query = query.where(Case.id.in_(only))
    return list(db.session.scalars(query))


def _step(case: Case, now: datetime, lists: list[tuple[Case, dict]]) -> int:
    """One case's engine step and everything after it, in the session (the caller flushes). A case whose timers
    fired without the engine leaves its new timer list in `lists`, for _save_timer_lists."""
    version = specs.version_info(case.process_version_id)
    bundle = specs.bundle_for(version)
    quick = _fire_escalations(case, bundle, now)
    if quick is not None:
        fired, values = quick
        lists.append((case, values))
        return fired
    workflow = steps.load_workflow(case, bundle)
    reached = engine.fire_due_timers(workflow, bundle, now=now)
    steps.advance(case, version, workflow, reached, actor=None)
    if case.next_timer_at is not None and case.next_timer_at < now:
        raise TimerNotFired(f"case {case.number}: a timer due at {case.next_timer_at.isoformat()} did not fire")
    return sum(1 for step in reached if step.fired_timer)


def _fire_escalations(case: Case, bundle: engine.ProcessBundle, now: datetime) -> tuple[int, dict] | None:
    """Fires the case's due timers without the engine when every one of them only escalates its task
    (`escalation_only`: the path is timer → escalation event → end, checked at deploy) — what nearly every timer
    of every process is. Their effects are what the engine's path would cause (steps.advance → escalate): the
    timer_fired event, priority up, the supervisors told, the task reassigned if the service says so. The timers
    move from "pending" to "fired" in the case's timer list, in the same row and transaction as the effects, and
    the saved state is caught up at the case's next engine step (steps.load_workflow). Exactly once holds as
    before: the row is locked, and after the commit the case is no longer due for them (docs/timers.md).

    Returns how many fired and the case's new timer columns (written by _save_timer_lists), or None when the
    engine must run: a due timer that does more (a deadline that ends the case), a case saved before the list
    existed, or an element listed twice (several instances)."""
    listed = case.timers or {}
    pending = listed.get("pending") or []
    due, later = [], []
    for element, at in pending:
        (due if datetime.fromisoformat(at) < now else later).append([element, at])
    elements = [element for element, _at in pending]
    metas = [bundle.tasks.get(element) for element, _at in due]
    if not due or any(meta is None or not meta.escalation_only or elements.count(meta.name) > 1 for meta in metas):
        return None
    for (element, at), meta in zip(due, metas, strict=True):
        steps.record_timer_fired(case, element, meta, due=at)
        steps.escalate(case, bundle.tasks[meta.escalation_only].properties)
    return len(due), {
        "timers": {"pending": later, "fired": [*listed.get("fired", []), *due]},
        "next_timer_at": datetime.fromisoformat(later[0][1]) if later else None,
    }


_CASES = Case.__table__
# The timer lists of a batch's cases in one executemany (one round trip in psycopg's pipeline), where the ORM
# would send one UPDATE per case: it never batches a versioned UPDATE, as it checks each row count. The check is
# kept — every row must match its id and lock_version — and the version moves on as the ORM's would.
_SAVE_TIMER_LIST = (
    update(_CASES)
    .where(_CASES.c.id == bindparam("b_id"), _CASES.c.lock_version == bindparam("b_version"))
    .values(
        timers=bindparam("b_timers"),
        next_timer_at=bindparam("b_next"),
        timer_failures=0,
        lock_version=bindparam("b_version") + 1,
    )
)


def _save_timer_lists(lists: list[tuple[Case, dict]]) -> None:
    if not lists:
        return
    rows = [
        {"b_id": case.id, "b_version": case.lock_version, "b_timers": v["timers"], "b_next": v["next_timer_at"]}
        for case, v in lists
    ]
    saved = db.session.execute(_SAVE_TIMER_LIST, rows).rowcount
    if saved != len(rows):
        raise StaleDataError(f"saving the timer lists of {len(rows)} cases matched {saved} rows")
    for case, values in lists:  # the session's objects as the database now has them (no expiry on commit)
        for key, value in (*values.items(), ("timer_failures", 0), ("lock_version", case.lock_version + 1)):
            set_committed_value(case, key, value)


def _record_failure(case_id: int, now: datetime, exc: Exception) -> None:
    """In its own transaction: push the case's next look back (doubling, up to an hour) and say why."""
    try:
        case = db.session.scalar(
            select(Case).where(Case.id == case_id).with_for_update().execution_options(populate_existing=True)
        )
        if case is None:
            return
        case.timer_failures = (case.timer_failures or 0) + 1
        delay = min(RETRY_FIRST_SECONDS * 2 ** (case.timer_failures - 1), RETRY_MAX_SECONDS)
        case.next_timer_at = now + timedelta(seconds=delay)
        record(
            case,
            EventKind.TIMER_FAILED,
            actor=None,
            error=f"{type(exc).__name__}: {exc}"[:500],
            attempt=case.timer_failures,
            retry_at=case.next_timer_at.isoformat(),
        )
        db.session.commit()
    except Exception:  # the database itself may be the problem: the case stays due and the next scan retries
        db.session.rollback()
        log.exception("could not record the timer failure of case %s", case_id)


# ---------------------------------------------------------------- the embedded scanner (no broker)


class Scanner:
    """A daemon thread in the web process that calls fire_due every `interval` seconds (the embedded default:
    a fresh machine needs no broker). Several processes may each run one: the claim keeps them apart."""

    def __init__(self, app: Flask, *, interval: float, limit: int = 200) -> None:
        self.app, self.interval, self.limit = app, interval, limit
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="anju-timer-scanner", daemon=True)
        self._periodic_last: dict[str, float] = {}  # jobs.PERIODIC: job → monotonic time of its last run

    def start(self) -> Scanner:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def scan_once(self) -> int:
        self.run_periodic()
        with self.app.app_context():
            try:
                return fire_due(limit=self.limit)
            except Exception:  # e.g. the database is unreachable: log, and try again next time
                log.exception("timer scan failed")
                return 0
            finally:
                db.session.remove()

    def run_periodic(self, *, now: float | None = None) -> list[str]:
        """Runs the other scans of jobs.PERIODIC whose interval has passed (the first time: at once)."""
        import time

        now = time.monotonic() if now is None else now
        ran = []
        for name, every in jobs.PERIODIC.items():
            if now - self._periodic_last.get(name, float("-inf")) < every:
                continue
            self._periodic_last[name] = now
            with self.app.app_context():
                try:
                    jobs.resolve(name)()
                    ran.append(name)
                except Exception:  # the next interval tries again; the timer scan goes on regardless
                    db.session.rollback()
                    log.exception("periodic scan %s failed", name)
                finally:
                    db.session.remove()
        return ran

    def _loop(self) -> None:
        # Wait first: a short-lived process that happens to create the app never scans.
        while not self._stop.wait(self.interval):
            while self.scan_once() and not self._stop.is_set():
                pass  # something fired: more may be due, scan again at once


def start_scanner_if_wanted(app: Flask) -> Scanner | None:
    """Started by create_app when serving on the embedded default: not in tests, not with a broker (Celery beat
    schedules the scan then), not in one-off CLI commands (`flask db upgrade`, `flask anju seed-demo`, which
    moves the clock), not in the reloader's watcher process; ANJU_TIMER_THREAD=0 turns it off."""
    config = app.config
    if config.get("TESTING") or not config.get("TIMER_THREAD") or config.get("CELERY_BROKER_URL"):
        return None
    if not _serving_process():
        return None
    return Scanner(app, interval=float(config["TIMER_SCAN_SECONDS"])).start()


def _serving_process() -> bool:
    import click

    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return True  # a WSGI server (gunicorn, waitress) importing wsgi.py
    if ctx.command.name != "run":
        return False
    from flask.helpers import get_debug_flag

    reload = ctx.params.get("reload")
    reload = get_debug_flag() if reload is None else reload
    return not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
