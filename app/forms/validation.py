"""From an HTML form (or JSON) to clean, checked task data, or messages per field in the user's language.

Two steps, so a view can re-render exactly what was typed when validation fails:
    data = parse_form_submission(definition, request.form)          # strings → Python values, leniently
    clean = validate_form_data(definition, data, locale=g.locale)   # raises ValidationFailed
Each field gets at most one message, the most basic problem first (wrong type before too long before
pattern): a list of five complaints about one box helps nobody fix it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator

from app.core.errors import ValidationFailed
from app.forms import checks, formats, rows, sources
from app.forms.definitions import (
    CHOICE_WIDGETS,
    MATERIAL_NOTE_MAX,
    field_names,
    field_schema,
    option_sources,
    ui_field,
)
from app.forms.messages import message, normalise_locale, text

VERDICTS = ("provided", "missing", "not_applicable")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_TRUE, _FALSE = frozenset({"true", "on", "1", "yes"}), frozenset({"false", "off", "0", "no"})
# C0 controls other than tab and newline never belong in typed text; NUL is refused by PostgreSQL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Lower sorts first: when a field has several problems, report the most basic one.
_PRIORITY = {"required": 1, "required_choice": 1, "required_check": 1, "enum": 2, "const": 2}
_PRIORITY |= {"min_length": 4, "max_length": 4, "pattern": 5}


# ---- parsing an HTML form --------------------------------------------------------------------------


def _values(form: Mapping[str, Any], name: str) -> list[str]:
    raw = form.getlist(name) if hasattr(form, "getlist") else form.get(name)
    items = raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
    return [item for item in items if isinstance(item, str)]


def _first(form: Mapping[str, Any], name: str) -> str | None:
    values = [v for v in _values(form, name) if v.strip()]
    return values[0] if values else None


def _coerce(raw: str, json_type: str) -> Any:
    """Best effort; a value that does not convert is kept as typed so validation can say what is wrong."""
    value = unicodedata.normalize("NFKC", raw).strip() if json_type != "string" else raw
    if json_type in ("integer", "number") and _NUMBER.fullmatch(value):
        number = float(value)
        return int(number) if json_type == "integer" and "." not in value else number
    if json_type == "boolean" and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    return raw


def parse_form_submission(definition: dict[str, Any], form: Mapping[str, Any]) -> dict[str, Any]:
    """HTML strings → values. "" is absent, an unchecked checkbox is False, numbers become int/float.

    Materials come as `<field>.<code>.verdict` and `<field>.<code>.note`. Fields the definition does not
    know, and readonly fields, are ignored: nobody can smuggle extra keys into task data.
    """
    data: dict[str, Any] = {}
    for name in field_names(definition):
        ui, json_type = ui_field(definition, name), field_schema(definition, name)["type"]
        widget = ui["widget"]
        if widget == "readonly":
            continue
        if widget == "checkbox":
            # Browsers send nothing for an unticked box, so absence is the answer "no".
            data[name] = any(v.strip().lower() not in _FALSE for v in _values(form, name) if v.strip())
        elif widget == "materials":
            entries = {}
            for material in ui["materials"]:
                prefix = f"{name}.{material['code']}"
                entry = {k: v for k in ("verdict", "note") if (v := _first(form, f"{prefix}.{k}")) is not None}
                if entry:
                    entries[material["code"]] = entry
            if entries:
                data[name] = entries
        elif widget == "repeat":
            if (found := rows.parse(name, ui, field_schema(definition, name), form, _coerce)) is not None:
                data[name] = found
        elif (raw := _first(form, name)) is not None:
            data[name] = _coerce(raw, json_type)
    return data


# ---- validating --------------------------------------------------------------------------------------


def _clean_text(value: str, *, multiline: bool) -> str:
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return value if multiline else re.sub(r"\s*\n\s*", " ", value)


def _clean(definition: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name in field_names(definition):
        widget = ui_field(definition, name)["widget"]
        value = data.get(name)
        if widget == "readonly" or value is None:
            continue
        if isinstance(value, float) and not math.isfinite(value):
            value = str(value)  # JSON clients can send NaN; as text it fails the type check with a clear message
        if isinstance(value, str):
            value = _clean_text(value, multiline=widget == "textarea")
            if not value:
                continue
        if widget == "repeat" and isinstance(value, list):
            value = _clean_rows(value)
            if not value:
                continue
        cleaned[name] = value
    return cleaned


def _clean_rows(value: list) -> list:
    """Each row's text stripped like a single-line field, empty cells absent, blank rows dropped. A row that is
    not an object is kept as it came, for the schema to refuse with a message."""
    cleaned = []
    for row in value:
        if not isinstance(row, dict):
            cleaned.append(row)
            continue
        cells = {}
        for key, cell in row.items():
            if isinstance(cell, float) and not math.isfinite(cell):
                cell = str(cell)
            if isinstance(cell, str):
                cell = _clean_text(cell, multiline=False)
                if not cell:
                    continue
            if cell is not None:
                cells[key] = cell
        if not rows.is_blank(cells):
            cleaned.append(cells)
    return cleaned


def _required_code(definition: dict[str, Any], name: str) -> str:
    widget = ui_field(definition, name)["widget"]
    return "required_choice" if widget in CHOICE_WIDGETS else "required_check" if widget == "checkbox" else "required"


_validators: dict[int, tuple[dict, Draft202012Validator]] = {}


def _validator(schema: dict) -> Draft202012Validator:
    """One validator per schema object (definitions are cached and never mutated): building one walks the
    schema and its $refs, which was a fifth of the cost of validating a small form."""
    cached = _validators.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _validators[id(schema)] = (schema, Draft202012Validator(schema))
    return cached[1]


def _schema_problems(definition: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str, dict]]:
    found: list[tuple[str, str, dict]] = []
    for error in _validator(definition["schema"]).iter_errors(data):
        keyword, limit, instance = error.validator, error.validator_value, error.instance
        where = list(error.absolute_path)
        if where and ui_field(definition, str(where[0]))["widget"] == "repeat":
            found += rows.schema_problems(str(where[0]), ui_field(definition, str(where[0])), error)
            continue
        if keyword == "required":
            found += [(n, _required_code(definition, n), {}) for n in limit if n not in instance]
            continue
        if keyword == "dependentRequired":
            for key, deps in limit.items():
                if key in instance:
                    found += [(n, _required_code(definition, n), {}) for n in deps if n not in instance]
            continue
        path = list(error.absolute_path)
        if not path:  # check_definition keeps root keywords to ones whose errors name fields
            continue
        name, params = str(path[0]), {"limit": limit}
        if len(path) > 1:
            code = "invalid"
        elif keyword == "type":
            code = "type_" + (limit if isinstance(limit, str) else limit[0])
        elif keyword == "const" and limit is True:
            code = "required_check"
        elif keyword == "maxLength":
            code, params["actual"] = "max_length", len(instance)
        else:
            code = {
                "enum": "enum",
                "const": "const",
                "minLength": "min_length",
                "pattern": "pattern",
                "minimum": "minimum",
                "maximum": "maximum",
                "exclusiveMinimum": "exclusive_minimum",
                "exclusiveMaximum": "exclusive_maximum",
            }.get(keyword, "invalid")
        found.append((name, code, params))
    return sorted(found, key=lambda item: 0 if item[1].startswith("type_") else _PRIORITY.get(item[1], 6))


def applicable_materials(
    definition: dict[str, Any], name: str, data: Mapping[str, Any], context: Mapping[str, Any] | None
) -> list[tuple[dict[str, Any], bool | None]]:
    """(material, applies) for the materials that apply, or might (None: no case data to decide)."""
    pairs = [
        (m, checks.evaluate(m["required_when"], data, context) if "required_when" in m else True)
        for m in ui_field(definition, name)["materials"]
    ]
    return [(m, applies) for m, applies in pairs if applies is not False]


def _materials(definition, name, value, data, context, say) -> tuple[dict[str, Any], dict[str, str]]:
    cleaned, problems = {}, {}
    for material, applies in applicable_materials(definition, name, data, context):
        code, key = material["code"], f"{name}.{material['code']}"
        entry = value.get(code) if isinstance(value.get(code), dict) else {}
        verdict = entry.get("verdict")
        note = _clean_text(entry["note"], multiline=True) if isinstance(entry.get("note"), str) else ""
        params = {"material": text(material["label"], say.locale)}
        # Without case data the engine cannot know whether a conditional material applies, so the
        # caseworker may say so; with case data, "not applicable" is only for materials that allow it.
        may_skip = material.get("allow_not_applicable", False) or applies is None
        if verdict in (None, ""):
            problems[key] = say(name, "verdict_required", params)
        elif verdict not in VERDICTS:
            problems[key] = say(name, "verdict_invalid", params)
        elif verdict == "not_applicable" and not may_skip:
            problems[key] = say(name, "verdict_not_applicable", params)
        elif len(note) > MATERIAL_NOTE_MAX:
            problems[key] = say(name, "note_too_long", {**params, "limit": MATERIAL_NOTE_MAX, "actual": len(note)})
        cleaned[code] = {"verdict": verdict, "note": note}
    return cleaned, problems


class _Say:
    """Builds a message for a field: its label in the user's language, plus any override in the definition."""

    def __init__(self, definition: dict[str, Any], locale: str) -> None:
        self.definition, self.locale = definition, locale

    def label(self, name: str) -> str:
        return text(ui_field(self.definition, name)["label"], self.locale)

    def __call__(self, name: str, code: str, params: dict[str, Any] | None = None, refs=None) -> str:
        if name.count(".") == 2 and ui_field(self.definition, name.split(".")[0])["widget"] == "repeat":
            base, index, column = name.split(".")
            ui = ui_field(self.definition, base)
            return rows.cell_message(ui, int(index), column, code, self.locale, **(params or {}))
        values = {**(params or {}), "label": self.label(name)}
        values |= {key: self.label(ref) for key, ref in (refs or {}).items()}
        override = ui_field(self.definition, name).get("messages", {}).get(code)
        return message(code, self.locale, override, **values)


def _injected_values(definition: dict[str, Any], options: Mapping[str, Sequence[Any]] | None) -> dict[str, set]:
    allowed = {}
    for name, source in option_sources(definition).items():
        given = sources.choices(source, name, options)
        if given is None:
            # A programming error, not a user error: without the list every answer would be unverifiable.
            raise LookupError(f"form {definition['id']!r}: options for {name!r} (source {source!r}) not supplied")
        allowed[name] = {str(o["value"]) if isinstance(o, Mapping) else str(o) for o in given}
    return allowed


def validate_form_data(
    definition: dict[str, Any],
    data: Mapping[str, Any],
    *,
    locale: str,
    options: Mapping[str, Sequence[Any]] | None = None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Check data against the definition; return the cleaned data or raise ValidationFailed.

    `options` supplies the choices of fields with an `options_source` (values, or {"value", "label"} dicts).
    `context` is the case's data, read by `{"context": ...}` conditions (e.g. which materials are required).
    The result has every field of the form (None when not answered), strings stripped, formats normalised
    (ID numbers upper-case, phone numbers compact, dates ISO), and nothing the form does not define.
    """
    say = _Say(definition, normalise_locale(locale))
    cleaned = _clean(definition, data)
    errors: dict[str, str] = {}

    for name, value in cleaned.items():
        if ui_field(definition, name)["widget"] == "repeat" and isinstance(value, list):
            errors.update(_row_formats(definition, name, value, say))
            continue
        fmt = field_schema(definition, name).get("format")
        if fmt and isinstance(value, str):
            try:
                cleaned[name] = formats.FORMATS[fmt](value)
            except formats.FormatProblem as wrong:
                errors[name] = say(name, wrong.code, wrong.params)
    for name, allowed in _injected_values(definition, options).items():
        if name in cleaned and name not in errors and str(cleaned[name]) not in allowed:
            errors[name] = say(name, "option_unknown")
    for name in field_names(definition):
        if ui_field(definition, name)["widget"] == "materials":
            cleaned.setdefault(name, {})
    for name, code, params in _schema_problems(definition, cleaned):
        errors.setdefault(name, say(name, code, params))

    # A repeat field with a cell in error (key field.row.column) is not valid as a whole for the checks.
    valid = {name: value for name, value in cleaned.items() if not any(k.split(".")[0] == name for k in errors)}
    for name in field_names(definition):
        if ui_field(definition, name)["widget"] == "materials" and name in valid:
            valid[name], problems = _materials(definition, name, valid[name], valid, context, say)
            cleaned[name] = valid[name]
            errors.update(problems)
    for spec in definition.get("checks", []):
        # Checks read only fields that passed; a field already in error keeps its first message.
        for problem in checks.CHECKS[spec["check"]].run(spec, valid, say.locale):
            errors.setdefault(problem.field, say(problem.field, problem.code, problem.params, problem.label_refs))

    if errors:
        order = {name: i for i, name in enumerate(field_names(definition))}
        keys = sorted(errors, key=lambda key: (order.get(key.split(".")[0], len(order)), key))
        raise ValidationFailed({key: [errors[key]] for key in keys})
    result = {
        name: cleaned.get(name)
        for name in field_names(definition)
        if ui_field(definition, name)["widget"] != "readonly"
    }
    for name in field_names(definition):  # every column of every row present, None when empty
        if ui_field(definition, name)["widget"] == "repeat" and isinstance(result.get(name), list):
            cols = rows.columns(ui_field(definition, name))
            result[name] = [{column: row.get(column) for column in cols} for row in result[name]]
    return result


def _row_formats(definition: dict[str, Any], name: str, value: list, say: _Say) -> dict[str, str]:
    """Formats of a repeat field's cells (normalised in place), one message per cell, keyed field.row.column."""
    problems = {}
    properties = field_schema(definition, name)["items"]["properties"]
    for index, row in enumerate(value):
        if not isinstance(row, dict):
            continue
        for column, cell in row.items():
            fmt = properties.get(column, {}).get("format")
            if fmt and isinstance(cell, str):
                try:
                    row[column] = formats.FORMATS[fmt](cell)
                except formats.FormatProblem as wrong:
                    problems[f"{name}.{index}.{column}"] = say(f"{name}.{index}.{column}", wrong.code, wrong.params)
    return problems


def missing_materials(definition: dict[str, Any], data: Mapping[str, Any], *, locale: str) -> list[dict[str, str]]:
    """[{"code", "label", "note"}] of the materials judged missing, in definition order (one-time notice)."""
    found = []
    for name in field_names(definition):
        if ui_field(definition, name)["widget"] != "materials":
            continue
        for material in ui_field(definition, name)["materials"]:
            entry = (data.get(name) or {}).get(material["code"]) or {}
            if entry.get("verdict") == "missing":
                label = text(material["label"], normalise_locale(locale))
                found.append({"code": material["code"], "label": label, "note": entry.get("note", "")})
    return found
