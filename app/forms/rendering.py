"""View models for the form macros: every decision made in Python, so the Jinja macros only print.

The macros in templates/forms/_macros.html call these through template globals registered by the
`forms` blueprint. Ids follow one scheme so the error summary can link to any input:
field `name` → `field-name`; radio groups put that id on their first radio (focus lands on something
you can answer); material `m` of field `f` → `field-f-m`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from app.forms import formats, sources
from app.forms import rows as repeat  # the repeat widget (readonly_view has a local list named `rows`)
from app.forms.definitions import (
    CHOICE_WIDGETS,
    MATERIAL_NOTE_MAX,
    field_names,
    field_schema,
    layout,
    option_sources,
    required_fields,
    ui_field,
)
from app.forms.messages import normalise_locale, text, word
from app.forms.validation import VERDICTS, applicable_materials, parse_form_submission

_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
INPUT_TYPES = {"text": "text", "tel": "tel", "email": "email", "date": "date", "number": "text"}


def field_id(key: str) -> str:
    return "field-" + key.replace(".", "-")


def _as_text(value: Any) -> str:
    """The value as an HTML form would send it back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _options(definition: dict, name: str, locale: str, options: Mapping[str, Sequence[Any]] | None) -> list[dict]:
    if name in option_sources(definition):
        given = sources.choices(option_sources(definition)[name], name, options)
        if given is None:
            raise LookupError(f"form {definition['id']!r}: options for {name!r} not supplied to the template")
        raw = [o if isinstance(o, Mapping) else {"value": o, "label": str(o)} for o in given]
    else:
        raw = ui_field(definition, name)["options"]
    return [{"value": _as_text(o["value"]), "label": text(o["label"], locale)} for o in raw]


def _described_by(*ids: str | None) -> str | None:
    return " ".join(i for i in ids if i) or None


def _first_text(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return next((v for v in value if isinstance(v, str) and v.strip()), None)
    return value


def redisplay_values(definition: dict[str, Any], values: Mapping[str, Any] | None) -> dict[str, Any]:
    """What to put back in the inputs: accepts parsed data, request.form (a MultiDict) or its
    to_dict(flat=True/False), so a view can hand back whatever it has and nothing typed is lost."""
    if values is None:
        return {}
    if hasattr(values, "getlist"):
        return parse_form_submission(definition, values)
    shown = {name: _first_text(values.get(name)) for name in field_names(definition)}
    for name in field_names(definition):
        if ui_field(definition, name)["widget"] == "repeat" and not isinstance(values.get(name), list):
            # The raw form names each cell "<field>.<row>.<column>"; shown as typed (no conversion).
            shown[name] = repeat.parse(name, ui_field(definition, name), field_schema(definition, name), values, _typed)
        elif ui_field(definition, name)["widget"] == "repeat":
            shown[name] = values.get(name)
    for name in field_names(definition):
        if ui_field(definition, name)["widget"] == "materials" and not isinstance(shown[name], Mapping):
            # The raw form names each material's inputs "<field>.<code>.verdict" / ".note".
            shown[name] = {
                m["code"]: {part: _first_text(values.get(f"{name}.{m['code']}.{part}")) for part in ("verdict", "note")}
                for m in ui_field(definition, name)["materials"]
            }
    return shown


def _typed(raw: str, _json_type: str) -> str:
    return raw


def _field_view(
    definition: dict[str, Any],
    name: str,
    values: Mapping[str, Any],
    errors: Mapping[str, Sequence[str]],
    locale: str,
    options: Mapping[str, Sequence[Any]] | None,
    context: Mapping[str, Any] | None,
    required: set[str],
) -> dict[str, Any]:
    ui, schema = ui_field(definition, name), field_schema(definition, name)
    fid, widget = field_id(name), ui["widget"]
    messages = list(errors.get(name, []))
    hint_id = f"{fid}-hint" if "hint" in ui else None
    error_id = f"{fid}-error" if messages else None
    view: dict[str, Any] = {
        "name": name,
        "id": fid,
        "widget": widget,
        "label": text(ui["label"], locale),
        "hint": text(ui.get("hint"), locale),
        "hint_id": hint_id,
        "errors": messages,
        "error_id": error_id,
        "described_by": _described_by(hint_id, error_id),
        "invalid": bool(messages),
        "required": name in required,
        "required_text": word("required_mark", locale),
        "choose": word("choose", locale),
        "value": _as_text(values.get(name)),
        "autocomplete": ui.get("autocomplete"),
        "inputmode": ui.get("inputmode") or ({"integer": "numeric", "number": "decimal"}.get(schema["type"])),
        "input_type": INPUT_TYPES.get(widget, "text"),
        "maxlength": schema.get("maxLength"),
        "rows": ui.get("rows", 4),
        "min": None,
        "max": None,
    }
    if widget == "date":
        view["min"], view["max"] = formats.date_input_bounds(schema.get("format"))
    if widget in CHOICE_WIDGETS:
        view["options"] = [
            {**o, "id": fid if i == 0 else f"{fid}-{i}", "checked": o["value"] == view["value"]}
            for i, o in enumerate(_options(definition, name, locale, options))
        ]
    if widget == "checkbox":
        view["checked"] = values.get(name) is True or view["value"] in ("true", "on", "1")
        view["yes"] = word("yes", locale)
    if widget == "readonly":
        view["display"] = _display(definition, name, values.get(name), locale, options)
    if widget == "materials":
        view["materials"] = _materials_view(definition, name, values, errors, locale, context)
    if widget == "repeat":
        view["rows"] = _repeat_view(definition, name, values, errors, locale)
        view["add_row"] = word("add_row", locale)
        view["max_rows"] = schema["maxItems"]
    return view


def _repeat_view(
    definition: dict[str, Any], name: str, values: Mapping[str, Any], errors: Mapping[str, Sequence[str]], locale: str
) -> list[dict[str, Any]]:
    """The rows typed so far plus `blank_rows` empty ones (at most maxItems); each row is a fieldset whose
    legend names it, each cell a labelled input with its own hint and error."""
    ui, schema = ui_field(definition, name), field_schema(definition, name)
    given = values.get(name)
    current = [row for row in given if isinstance(row, Mapping)] if isinstance(given, list) else []
    count = min(max(len(current) + ui.get("blank_rows", 2), schema.get("minItems", 1), 1), schema["maxItems"])
    properties = schema["items"]["properties"]
    required = set(schema["items"].get("required", []))
    views = []
    for index in range(max(count, len(current))):
        row = current[index] if index < len(current) else {}
        cells = []
        for column, spec in repeat.columns(ui).items():
            key = f"{name}.{index}.{column}"
            cid, messages = field_id(key), list(errors.get(key, []))
            hint_id = f"{cid}-hint" if "hint" in spec else None
            error_id = f"{cid}-error" if messages else None
            cell_schema = properties[column]
            value = row.get(column)
            cells.append(
                {
                    "name": key,
                    "id": cid,
                    "widget": spec["widget"],
                    "label": text(spec["label"], locale),
                    "hint": text(spec.get("hint"), locale),
                    "hint_id": hint_id,
                    "errors": messages,
                    "error_id": error_id,
                    "described_by": _described_by(hint_id, error_id),
                    "invalid": bool(messages),
                    "required": column in required,
                    "required_text": word("required_mark", locale),
                    "value": _as_text(value),
                    "checked": value is True or _as_text(value) in ("true", "on", "1"),
                    "yes": word("yes", locale),
                    "input_type": INPUT_TYPES.get(spec["widget"], "text"),
                    "inputmode": spec.get("inputmode")
                    or {"integer": "numeric", "number": "decimal"}.get(cell_schema["type"]),
                    "autocomplete": spec.get("autocomplete"),
                    "maxlength": cell_schema.get("maxLength"),
                    "min": formats.date_input_bounds(cell_schema.get("format"))[0]
                    if spec["widget"] == "date"
                    else None,
                    "max": formats.date_input_bounds(cell_schema.get("format"))[1]
                    if spec["widget"] == "date"
                    else None,
                }
            )
        views.append(
            {
                "index": index,
                "id": field_id(f"{name}.{index}"),
                "legend": repeat.cell_label(ui, index, None, locale),
                "cells": cells,
            }
        )
    return views


def _materials_view(
    definition: dict[str, Any],
    name: str,
    values: Mapping[str, Any],
    errors: Mapping[str, Sequence[str]],
    locale: str,
    context: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    given = values.get(name)
    current: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    items = []
    for material, applies in applicable_materials(definition, name, values, context):
        key = f"{name}.{material['code']}"
        mid = field_id(key)
        found = current.get(material["code"])
        entry: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        verdict = _as_text(entry.get("verdict"))
        allowed = VERDICTS if material.get("allow_not_applicable") or applies is None else VERDICTS[:2]
        messages = list(errors.get(key, []))
        hint_id = f"{mid}-hint" if "hint" in material else None
        error_id = f"{mid}-error" if messages else None
        items.append(
            {
                "code": material["code"],
                "id": mid,
                "label": text(material["label"], locale),
                "hint": text(material.get("hint"), locale),
                "hint_id": hint_id,
                "errors": messages,
                "error_id": error_id,
                "described_by": _described_by(hint_id, error_id),
                "invalid": bool(messages),
                "verdict_name": f"{key}.verdict",
                "verdicts": [
                    {
                        "value": v,
                        "label": word(v, locale),
                        "id": mid if i == 0 else f"{mid}-{i}",
                        "checked": v == verdict,
                    }
                    for i, v in enumerate(allowed)
                ],
                "note_name": f"{key}.note",
                "note_id": f"{mid}-note",
                "note_label": f"{text(material['label'], locale)}：{word('note', locale)}"
                if locale == "zh"
                else f"{text(material['label'], locale)}: {word('note', locale)}",
                "note": _as_text(entry.get("note")),
                "note_maxlength": MATERIAL_NOTE_MAX,
            }
        )
    return items


def form_view(
    definition: dict[str, Any],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, Sequence[str]] | None = None,
    locale: str = "zh",
    options: Mapping[str, Sequence[Any]] | None = None,
    context: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Sections of field views, in ui order. `values` may be parsed data or the raw request form."""
    locale, values, errors = normalise_locale(locale), redisplay_values(definition, values), errors or {}
    required = required_fields(definition)
    sections = []
    for i, (title, names) in enumerate(layout(definition)):
        fields = [_field_view(definition, n, values, errors, locale, options, context, required) for n in names]
        sections.append({"title": text(title, locale) if title else None, "id": f"section-{i + 1}", "fields": fields})
    return sections


def summary_view(
    definition: dict[str, Any], errors: Mapping[str, Sequence[str]] | None, locale: str = "zh"
) -> dict[str, Any]:
    """The error summary: a title and links in form order (errors not tied to a field get no link)."""
    errors = errors or {}
    order = {name: i for i, name in enumerate(field_names(definition))}
    keys = sorted(errors, key=lambda key: (order.get(key.split(".")[0], len(order)), key))
    links = [
        {"href": "#" + field_id(key) if key.split(".")[0] in order else None, "message": msg}
        for key in keys
        for msg in errors[key]
    ]
    return {"title": word("summary_title", locale), "links": links}


def _display(definition, name, value, locale, options=None) -> str:
    """A stored value as a person reads it: option labels, 是/否, dates written out."""
    if value is None or value == "":
        return word("empty", locale)
    widget = ui_field(definition, name)["widget"]
    if widget in CHOICE_WIDGETS and (name not in option_sources(definition) or (options and name in options)):
        labels = {o["value"]: o["label"] for o in _options(definition, name, locale, options)}
        return labels.get(_as_text(value), _as_text(value))
    if isinstance(value, bool):
        return word("yes" if value else "no", locale)
    if field_schema(definition, name).get("format") in formats.DATE_FORMATS and isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
        # Month names spelt out here: strftime's %B follows the server's C locale, not the reader's language.
        return (
            f"{day.year}年{day.month}月{day.day}日" if locale == "zh" else f"{day.day} {_MONTHS[day.month]} {day.year}"
        )
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _row_text(ui: Mapping[str, Any], row: Mapping[str, Any], locale: str) -> str:
    """One row of a repeat field as a line of text: 'label：value；…' for the cells that have a value."""
    parts = []
    for column, spec in repeat.columns(ui).items():
        value = row.get(column)
        if value in (None, "", False):
            continue
        shown = word("yes", locale) if value is True else str(value)
        parts.append(
            f"{text(spec['label'], locale)}：{shown}" if locale == "zh" else f"{text(spec['label'], locale)}: {shown}"
        )
    return ("；" if locale == "zh" else "; ").join(parts) or word("empty", locale)


def readonly_view(
    definition: dict[str, Any],
    values: Mapping[str, Any] | None,
    locale: str = "zh",
    options: Mapping[str, Sequence[Any]] | None = None,
) -> list[dict[str, Any]]:
    """Sections of (label, text) rows for a <dl>; materials become one row per material."""
    locale, values = normalise_locale(locale), values or {}
    sections = []
    for title, names in layout(definition):
        rows = []
        for name in names:
            ui = ui_field(definition, name)
            if ui["widget"] == "repeat":
                rows_given = values.get(name) if isinstance(values.get(name), list) else []
                for index, row in enumerate(r for r in rows_given if isinstance(r, Mapping)):
                    rows.append(
                        {"label": repeat.cell_label(ui, index, None, locale), "text": _row_text(ui, row, locale)}
                    )
                continue
            if ui["widget"] != "materials":
                if values.get(name) in (None, "", [], {}) and name not in required_fields(definition):
                    continue  # an optional field left empty (agent, employer…) says nothing worth a row
                rows.append(
                    {
                        "label": text(ui["label"], locale),
                        "text": _display(definition, name, values.get(name), locale, options),
                    }
                )
                continue
            stored = values.get(name)
            given: Mapping[str, Any] = stored if isinstance(stored, Mapping) else {}
            for material in ui["materials"]:
                entry = given.get(material["code"])
                if not isinstance(entry, Mapping):
                    continue  # did not apply to this case
                shown = word(entry["verdict"], locale) if entry.get("verdict") in VERDICTS else word("empty", locale)
                if entry.get("note"):
                    shown += f"（{entry['note']}）" if locale == "zh" else f" ({entry['note']})"
                rows.append({"label": text(material["label"], locale), "text": shown})
        if rows:
            sections.append({"title": text(title, locale) if title else None, "rows": rows})
    return sections
