"""One clock for the whole app, so tests and demo data can move time deliberately."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

# The district works on China Standard Time; dates on letters and deadlines are local dates.
CHINA_TZ = timezone(timedelta(hours=8), name="CST")

_frozen: datetime | None = None


def utcnow() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def local_now() -> datetime:
    return utcnow().astimezone(CHINA_TZ)


def today() -> date:
    return local_now().date()


def freeze(at: datetime | None) -> None:
    """Pin the clock (tests, demo data); None releases it."""
    global _frozen
    _frozen = at.astimezone(UTC) if at is not None else None
