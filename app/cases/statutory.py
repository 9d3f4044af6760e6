"""The statutory clock of a case: its deadline rule, and the pauses while the case waits for the applicant.

Kept in case.data["statutory"] = {"rule": "15CAL", "start": "2026-11-20", "pauses": [[start, end | None]],
"provisional": bool}. The clock pauses when the case enters AWAITING_APPLICANT and resumes when it leaves
(cases.lifecycle.move calls pause/resume; each is also a clock_paused / clock_resumed event); on resume the
deadline is recomputed from the start with every closed pause added back (calendar.deadlines explains how a
pause counts: from the day after the request went out up to and including the day the materials arrived).
"""

from __future__ import annotations

from datetime import date

from app.calendar.deadlines import compute_deadline_with_pauses
from app.cases import deadlines
from app.cases.models import Case
from app.core.clock import today


def start(case: Case, rule: str, started_on: date) -> None:
    """Starts the clock (the day the application was received is not counted, 民法典 Art. 201)."""
    case.data = {**(case.data or {}), "statutory": {"rule": rule, "start": started_on.isoformat(), "pauses": []}}
    _recompute(case)


def stop(case: Case) -> None:
    """The obligation the clock measured is met (a decision made, an investigation concluded): no statutory deadline
    runs until a service starts the next one. The rule and dates stay on the case, marked stopped."""
    clock = _clock(case)
    if clock is None:
        return
    case.statutory_due_on = None
    _store(case, {**clock, "rule": None, "stopped": {"rule": clock["rule"], "on": today().isoformat()}})


def pause(case: Case) -> None:
    clock = _clock(case)
    if clock is None or (clock["pauses"] and clock["pauses"][-1][1] is None):
        return  # no statutory clock, or already paused
    clock["pauses"].append([today().isoformat(), None])
    _store(case, clock)


def resume(case: Case) -> None:
    clock = _clock(case)
    if clock is None or not clock["pauses"] or clock["pauses"][-1][1] is not None:
        return
    clock["pauses"][-1][1] = today().isoformat()
    _store(case, clock)
    _recompute(case)


def is_paused(case: Case) -> bool:
    clock = _clock(case)
    return bool(clock and clock["pauses"] and clock["pauses"][-1][1] is None)


def _clock(case: Case) -> dict | None:
    stored = (case.data or {}).get("statutory")
    if not stored or not stored.get("rule"):
        return None
    start_day = stored.get("start") or case.opened_at.date().isoformat()  # cases opened before pauses were kept
    return {**stored, "start": start_day, "pauses": [list(p) for p in stored.get("pauses", [])]}


def _store(case: Case, clock: dict) -> None:
    case.data = {**case.data, "statutory": clock}  # a new dict: JSON columns notice reassignment, not mutation


def _recompute(case: Case) -> None:
    clock = _clock(case)
    if clock is None:
        return
    closed = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in clock["pauses"] if b is not None]
    deadline = compute_deadline_with_pauses(
        date.fromisoformat(clock["start"]), deadlines.parse_rule(clock["rule"]), closed, deadlines.session_calendar()
    )
    case.statutory_due_on = deadline.due
    _store(case, {**clock, "provisional": deadline.provisional})
