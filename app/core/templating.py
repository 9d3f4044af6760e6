"""Jinja filters and globals shared by every page."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from app.core import masking
from app.core.clock import CHINA_TZ, utcnow


def localdate(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=CHINA_TZ)).astimezone(CHINA_TZ).date()
    return value.isoformat()


def localtime(value: datetime | None) -> str:
    if value is None:
        return ""
    value = value if value.tzinfo else value.replace(tzinfo=CHINA_TZ)
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def register(app: Flask) -> None:
    app.add_template_filter(localdate, "localdate")
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(masking.mask_id_number, "mask_id")
    app.add_template_filter(masking.mask_phone, "mask_phone")
    app.add_template_filter(masking.mask_name, "mask_name")

    @app.context_processor
    def _globals():
        return {"now_utc": utcnow()}
