"""Engine-level fixtures: the real BPMN/DMN files, parsed by the real engine, no database."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from app.processes import engine

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
_keys = itertools.count()


def load_sources(process_id: str) -> tuple[dict[str, str], dict[str, str]]:
    bpmn = {f"{process_id}.bpmn": (BPMN_DIR / f"{process_id}.bpmn").read_text(encoding="utf-8")}
    dmn = {p.name: p.read_text(encoding="utf-8") for p in BPMN_DIR.glob("*.dmn")}
    return bpmn, dmn


def bundle_from(process_id: str, bpmn: dict[str, str], dmn: dict[str, str]) -> engine.ProcessBundle:
    return engine.build_bundle(process_id, bpmn, dmn, cache_key=f"test-{next(_keys)}")


@pytest.fixture(scope="session")
def permit_bundle() -> engine.ProcessBundle:
    return bundle_from("residence_permit", *load_sources("residence_permit"))


from app.calendar.sources import PackagedCalendar  # noqa: E402

_CALENDAR = PackagedCalendar()


@pytest.fixture(autouse=True)
def fixed_clock():
    """The cases below use dates around Friday 2026-11-20: pin the clock there so timers (a supplement
    deadline, a working-day SLA) do not fire just because the real date has moved past them."""
    from datetime import datetime

    from app.core import clock

    clock.freeze(datetime(2026, 11, 20, 10, 0, tzinfo=clock.CHINA_TZ))
    yield
    clock.freeze(None)


@pytest.fixture(autouse=True)
def calendar_without_database(monkeypatch):
    """Timer expressions (after_working_days) read the calendar through cases.deadlines: give them this one."""
    from app.cases import deadlines

    monkeypatch.setattr(deadlines, "session_calendar", lambda: _CALENDAR)
