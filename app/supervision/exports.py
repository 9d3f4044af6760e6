"""CSV export of the supervision lists (`?format=csv`): UTF-8 with a BOM so Excel opens Chinese text correctly,
personal data masked exactly as in the lists, and cells that a spreadsheet would run as a formula defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from flask import Response
from flask_babel import gettext as _

from app.core.masking import mask_id_number, mask_name
from app.core.templating import localdate, step_title
from app.inbox.models import HumanTask

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, datetime | date):
        return localdate(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = Response((BOM + buffer.getvalue()).encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def task_table(tasks: Sequence[HumanTask], locale: str, service_label) -> tuple[list[str], list[list]]:
    header = [
        _("Case number"),
        _("Applicant"),
        _("ID number"),
        _("Service"),
        _("Task"),
        _("Unit"),
        _("Held by"),
        _("Task created"),
        _("Due"),
        _("Statutory deadline"),
        _("Priority"),
    ]
    rows = [
        [
            t.case.number,
            mask_name(t.case.applicant_name),
            mask_id_number(t.case.applicant_id_number),
            service_label(t.service),
            step_title(t),
            t.unit.name(locale),
            t.assignee.display_name if t.assignee else _("not claimed yet"),
            t.created_at,
            t.due_at,
            t.case.statutory_due_on,
            t.priority,
        ]
        for t in tasks
    ]
    return header, rows
