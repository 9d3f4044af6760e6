"""Jinja filters and globals shared by every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask

from app.core import clock, masking
from app.core.clock import CHINA_TZ, utcnow


def _as_china_time(value: datetime) -> datetime:
    # Times are stored in UTC; SQLite hands them back without a zone, so a naive value means UTC.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(CHINA_TZ)


def localdate(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _as_china_time(value).date()
    return value.isoformat()


def localtime(value: datetime | None) -> str:
    if value is None:
        return ""
    return _as_china_time(value).strftime("%Y-%m-%d %H:%M")


def register(app: Flask) -> None:
    app.add_template_filter(localdate, "localdate")
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(lambda text: date.fromisoformat(text) if text else None, "todate")
    app.add_template_filter(masking.mask_id_number, "mask_id")
    app.add_template_filter(masking.mask_phone, "mask_phone")
    app.add_template_filter(masking.mask_name, "mask_name")

    @app.context_processor
    def _globals():
        return {"now_utc": utcnow(), "today": clock.today()}
