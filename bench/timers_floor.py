"""The engine's share of firing a timer: what no batching or SQL can take away.

    .venv/bin/python -m bench.timers_floor            # after bench.timers_quick / timers_scale prepared the cases

For each due case of the timer database: deserialize its saved state, fire the due timers, list the ready tasks
and the pending timers, serialize — the engine calls of cases.timers._step for a timer that needs the engine (a
deadline; escalations fire without it since 2026-12-03), without the database. Reported
as CPU milliseconds per timer (median of 3 passes), and what that alone means for 100,000 timers on this
machine's cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import datetime

from bench.timers_quick import FIRED, PG_URL, _app


def measure(url: str, passes: int = 3) -> float:
    from sqlalchemy import select

    from app.cases.models import Case
    from app.core import clock
    from app.extensions import db
    from app.processes import engine, specs

    now = datetime.fromisoformat(FIRED)
    with _app(url).app_context():
        clock.freeze(now)
        rows = db.session.execute(
            select(Case.workflow_state, Case.process_version_id).where(Case.next_timer_at < now).limit(500)
        ).all()
        bundles = {v: specs.bundle_for(specs.version_info(v)) for v in {r[1] for r in rows}}
        results = []
        for _ in range(passes):
            started = time.process_time()
            for state, version_id in rows:
                bundle = bundles[version_id]
                workflow = engine.deserialize(state, bundle)
                reached = engine.fire_due_timers(workflow, bundle, now=now)
                assert any(step.fired_timer for step in reached)
                engine.ready_user_tasks(workflow, bundle)
                engine.pending_timers(workflow)
                engine.serialize(workflow)
            results.append((time.process_time() - started) / len(rows) * 1000)
        clock.freeze(None)
    return statistics.median(results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=PG_URL)
    args = parser.parse_args()
    per_timer = measure(args.url)
    cores = os.cpu_count() or 1
    floor = 100_000 * per_timer / 1000 / cores
    print(
        f"engine alone: {per_timer:.2f} ms CPU per timer → 100,000 timers need ≥ {floor:.0f} s on {cores} cores,"
        " before any SQL (and PostgreSQL shares those cores)"
    )


if __name__ == "__main__":
    main()
