"""Jinja filters and globals shared by every page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask_babel import get_locale

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


def step_title(step: Any) -> str:
    """A process step's name in the page's language. The BPMN name is Chinese; an English page shows the English
    name the process gives (property name_en), else the Chinese one (docs/i18n.md). `step` is an inbox row, an
    engine task, or an event payload holding `title` and `title_en`."""
    if isinstance(step, dict):
        title, title_en = step.get("title"), step.get("title_en")
    else:
        title, title_en = step.title, getattr(step, "title_en", None)
    return title_en if title_en and english_page() else (title or "")


def english_page() -> bool:
    """Whether the page being built is in English (the user's choice, else the browser's; docs/i18n.md)."""
    locale = get_locale()
    return locale is not None and locale.language == "en"


def step_names(step: Any) -> dict[str, str | None]:
    """The payload entries an event records for a step (an inbox row, an engine task or a reached element):
    what `step_title` reads back."""
    return {"title": step.title, "title_en": getattr(step, "title_en", None)}


def register(app: Flask) -> None:
    app.add_template_filter(localdate, "localdate")
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(lambda text: date.fromisoformat(text) if text else None, "todate")
    app.add_template_filter(masking.mask_id_number, "mask_id")
    app.add_template_filter(masking.mask_phone, "mask_phone")
    app.add_template_filter(masking.mask_name, "mask_name")
    app.add_template_filter(step_title, "step_title")

    @app.context_processor
    def _globals():
        return {"now_utc": utcnow(), "today": clock.today()}
