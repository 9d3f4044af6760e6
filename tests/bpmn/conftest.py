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


class PackagedCalendar:
    """The working-day calendar from the packaged sources (official years, else the statutory rules), so engine
    tests count working days without a database. Same answers as the seeded calendar table."""

    def __init__(self) -> None:
        self._years: dict[int, dict] = {}

    def day(self, day, /):
        from app.calendar import sources
        from app.calendar.deadlines import DayStatus

        if day.year not in self._years:
            official = sources.official_year(day.year)
            specs = official or sources.provisional_year(day.year)
            self._years[day.year] = {"provisional": official is None, "days": {s.day: s.is_workday for s in specs}}
        year = self._years[day.year]
        return DayStatus(year["days"][day], year["provisional"])


_CALENDAR = PackagedCalendar()


@pytest.fixture(autouse=True)
def calendar_without_database(monkeypatch):
    """Timer expressions (after_working_days) read the calendar through cases.deadlines: give them this one."""
    from app.cases import deadlines

    monkeypatch.setattr(deadlines, "session_calendar", lambda: _CALENDAR)
