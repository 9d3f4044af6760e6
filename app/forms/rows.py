"""The `repeat` widget: a repeating group of small fields (e.g. the workers of a group wage complaint).

A repeat field is a JSON Schema array of objects; each object property is a *column* with its own label, widget
(text, tel, email, number, date, checkbox) and format. In the HTML form the inputs are named
`<field>.<row>.<column>` (row from 0); rows whose inputs are all empty are dropped, so blank rows on the page
cost nothing. Errors are keyed `<field>.<row>.<column>` (a problem with the list as a whole: `<field>`), and a
message names the row and the column ("第2名工人的公民身份号码…"). Kept apart from validation.py so the
widget is one piece that can be read (and removed) on its own; validation.py and rendering.py call in here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from app.forms.messages import message, text

COLUMN_WIDGETS: dict[str, frozenset[str]] = {
    "text": frozenset({"string"}),
    "tel": frozenset({"string"}),
    "email": frozenset({"string"}),
    "date": frozenset({"string"}),
    "number": frozenset({"integer", "number"}),
    "checkbox": frozenset({"boolean"}),
}
COLUMN_KEYS = frozenset({"label", "hint", "widget", "autocomplete", "inputmode", "messages"})
ROWS_UI_KEYS = frozenset({"columns", "row_label", "blank_rows"})
MAX_PARSED_ROWS = 500  # a hostile form with row index 10**9 must not make us build a billion rows
_KEY = re.compile(r"^([a-z][a-z0-9_]*)\.(\d{1,6})\.([a-z][a-z0-9_]*)$")


def columns(ui: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return ui["columns"]


def item_schema(prop: Mapping[str, Any]) -> dict[str, Any]:
    return prop["items"]


def is_blank(row: Mapping[str, Any]) -> bool:
    return all(value in (None, "", False) for value in row.values())


# ---- definition checks -------------------------------------------------------------------------------


def definition_problems(spec: Mapping[str, Any], prop: Mapping[str, Any], formats: set[str]) -> Iterator[tuple]:
    """(suffix, reason) for a repeat field; the caller prefixes `ui.fields.<name>`."""
    items = prop.get("items")
    if not isinstance(items, dict) or items.get("type") != "object" or not isinstance(items.get("properties"), dict):
        yield "", 'a repeat field needs "items": {"type": "object", "properties": {...}} in the schema'
        return
    if not isinstance(prop.get("maxItems"), int):
        yield "", "a repeat field needs a maxItems in the schema (how many rows at most)"
    cols = spec.get("columns")
    if not isinstance(cols, dict) or not cols:
        yield ".columns", "a repeat field needs columns (one per item property)"
        return
    if list(cols) != list(items["properties"]):
        yield ".columns", "columns must list the item properties, in the same order"
    if "row_label" in spec and not _bilingual(spec["row_label"]):
        yield ".row_label", "needs non-empty zh and en text"
    blank = spec.get("blank_rows", 2)
    if not isinstance(blank, int) or isinstance(blank, bool) or not 0 <= blank <= 20:
        yield ".blank_rows", "a whole number from 0 to 20"
    for name, column in cols.items():
        where = f".columns.{name}"
        schema = items["properties"].get(name, {})
        if not isinstance(column, dict) or set(column) - COLUMN_KEYS:
            yield where, f"a column has only the keys {sorted(COLUMN_KEYS)}"
            continue
        if not _bilingual(column.get("label")):
            yield f"{where}.label", "needs non-empty zh and en text"
        if "hint" in column and not _bilingual(column["hint"]):
            yield f"{where}.hint", "needs non-empty zh and en text"
        widget = column.get("widget")
        if widget not in COLUMN_WIDGETS:
            yield f"{where}.widget", f"a column widget is one of {sorted(COLUMN_WIDGETS)}"
            continue
        if schema.get("type") not in COLUMN_WIDGETS[widget]:
            yield f"{where}.widget", f"{widget!r} cannot hold a value of type {schema.get('type')!r}"
        if widget in ("text", "tel", "email") and "maxLength" not in schema and "enum" not in schema:
            yield where, "free-text columns need a maxLength in the schema"
        if "format" in schema and schema["format"] not in formats:
            yield where, f"format {schema['format']!r} is not checked by the engine"


def _bilingual(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"zh", "en"}
        and all(isinstance(v, str) and v.strip() for v in value.values())
    )


# ---- parsing an HTML form --------------------------------------------------------------------------


def parse(name: str, ui: Mapping[str, Any], prop: Mapping[str, Any], form: Mapping[str, Any], coerce) -> list | None:
    """Rows from `<name>.<i>.<column>` inputs (a MultiDict or a plain dict), in row order, blank rows dropped.

    A JSON client may send the list itself (`{"workers": [{...}]}`): it is taken as is and validated."""
    given = form.get(name) if not hasattr(form, "getlist") else None
    if isinstance(given, list):
        return given
    found: dict[int, dict[str, str]] = {}
    for key in form:
        match = _KEY.match(key)
        if not match or match.group(1) != name or match.group(3) not in columns(ui):
            continue
        index = int(match.group(2))
        if index >= MAX_PARSED_ROWS:
            continue
        raw = form.getlist(key) if hasattr(form, "getlist") else form.get(key)
        values = raw if isinstance(raw, list | tuple) else [raw]
        value = next((v for v in values if isinstance(v, str) and v.strip()), None)
        if value is not None:
            found.setdefault(index, {})[match.group(3)] = value
    rows = []
    for index in sorted(found):
        row: dict[str, Any] = {}
        for column, spec in columns(ui).items():
            raw_value = found[index].get(column)
            if spec["widget"] == "checkbox":
                row[column] = raw_value is not None and raw_value.strip().lower() not in ("false", "off", "0", "no")
            elif raw_value is not None:
                row[column] = coerce(raw_value, item_schema(prop)["properties"][column]["type"])
        if not is_blank(row):
            rows.append(row)
    return rows or None


# ---- schema errors -----------------------------------------------------------------------------------

_KEYWORD_CODES = {
    "enum": "enum",
    "const": "const",
    "minLength": "min_length",
    "pattern": "pattern",
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "minItems": "min_items",
    "maxItems": "max_items",
}


def schema_problems(name: str, ui: Mapping[str, Any], error: Any) -> list[tuple[str, str, dict]]:
    """A schema error inside a repeat field → (key, code, params): `<field>` for the list as a whole,
    `<field>.<row>.<column>` for a cell (a row's missing cells: one each)."""
    path, keyword, limit, instance = list(error.absolute_path), error.validator, error.validator_value, error.instance
    if len(path) == 1:
        if keyword == "type":
            return [(name, "type_object", {})]
        return [(name, _KEYWORD_CODES.get(keyword, "invalid"), {"limit": limit})]
    row = f"{name}.{path[1]}"
    if len(path) == 2:
        if keyword == "required" and isinstance(instance, dict):
            return [(f"{row}.{c}", _column_required(ui, c), {}) for c in limit if c not in instance]
        if keyword == "dependentRequired" and isinstance(instance, dict):
            missing = [d for key, deps in limit.items() if key in instance for d in deps if d not in instance]
            return [(f"{row}.{c}", _column_required(ui, c), {}) for c in missing]
        return [(name, "invalid", {})]  # a row that is not an object (a JSON client): the list is wrong
    key, params = f"{row}.{path[2]}", {"limit": limit}
    if keyword == "type":
        return [(key, "type_" + (limit if isinstance(limit, str) else limit[0]), {})]
    if keyword == "maxLength":
        return [(key, "max_length", {"limit": limit, "actual": len(instance)})]
    return [(key, _KEYWORD_CODES.get(keyword, "invalid"), params)]


def _column_required(ui: Mapping[str, Any], column: str) -> str:
    return "required_check" if columns(ui).get(column, {}).get("widget") == "checkbox" else "required"


# ---- messages ----------------------------------------------------------------------------------------


def cell_label(ui: Mapping[str, Any], index: int, column: str | None, locale: str) -> str:
    """'第2名工人的公民身份号码' / 'Worker 2, resident ID number' — or the row alone ('第2名工人')."""
    row_label = text(ui.get("row_label") or ui["label"], locale)
    if locale == "zh":
        row = f"第{index + 1}名{row_label}" if ui.get("row_label") else f"{row_label}第{index + 1}行"
        return row if column is None else f"{row}的{text(columns(ui)[column]['label'], locale)}"
    row = f"{row_label} {index + 1}"
    return row if column is None else f"{row}, {text(columns(ui)[column]['label'], locale).lower()}"


def cell_message(ui: Mapping[str, Any], index: int, column: str, code: str, locale: str, **params: Any) -> str:
    override = columns(ui)[column].get("messages", {}).get(code)
    return message(code, locale, override, **params, label=cell_label(ui, index, column, locale))
