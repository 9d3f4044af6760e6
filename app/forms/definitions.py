"""Form definitions: JSON files in forms/, checked once per content hash. See docs/forms.md for the format.

A definition is checked completely when it is loaded, so that a typo in a field name fails the deploy with
the file and element named, not a caseworker's submission months later.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from app.core.errors import ProcessDefinitionError
from app.forms import checks, rows
from app.forms.formats import DATE_FORMATS, FORMATS
from app.forms.messages import MESSAGES

WIDGETS = frozenset(
    {
        "text",
        "textarea",
        "date",
        "select",
        "radio",
        "checkbox",
        "tel",
        "email",
        "number",
        "materials",
        "readonly",
        "repeat",
    }
)
FREE_TEXT_WIDGETS = frozenset({"text", "textarea", "tel", "email"})
CHOICE_WIDGETS = frozenset({"select", "radio"})
# Which JSON types each widget can produce from an HTML form.
WIDGET_TYPES: dict[str, frozenset[str]] = {
    "text": frozenset({"string"}),
    "textarea": frozenset({"string"}),
    "tel": frozenset({"string"}),
    "email": frozenset({"string"}),
    "date": frozenset({"string"}),
    "select": frozenset({"string", "integer"}),
    "radio": frozenset({"string", "integer", "boolean"}),
    "checkbox": frozenset({"boolean"}),
    "number": frozenset({"integer", "number"}),
    "materials": frozenset({"object"}),
    "readonly": frozenset({"string", "integer", "number", "boolean"}),
    "repeat": frozenset({"array"}),  # a repeating group of small fields (forms/rows.py)
}
UI_FIELD_KEYS = frozenset(
    {
        "label",
        "hint",
        "widget",
        "options",
        "options_source",
        "autocomplete",
        "inputmode",
        "messages",
        "materials",
        "rows",
        "prefill",
        *rows.ROWS_UI_KEYS,
    }
)
MATERIAL_KEYS = frozenset({"code", "label", "hint", "required_when", "allow_not_applicable"})
TOP_KEYS = frozenset({"id", "version", "title", "description", "schema", "ui", "checks", "content_hash"})
# Root keywords are limited so that every schema error can be pinned on a field: a root-level oneOf would
# produce an error that belongs to no input and could not be shown next to one.
ROOT_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "dependentRequired",
        "allOf",
        "if",
        "then",
        "else",
        "additionalProperties",
    }
)
CONDITIONAL_KEYWORDS = frozenset({"required", "dependentRequired", "properties", "allOf", "if", "then", "else"})
NAME = re.compile(r"[a-z][a-z0-9_]*")
MATERIAL_NOTE_MAX = 200

_cache: dict[str, dict[str, Any]] = {}


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def parse_form_definition(raw: bytes, *, source: str) -> dict[str, Any]:
    """Parse and check one definition (from a file or a pinned version stored elsewhere).

    Results are cached by content hash: the same bytes are checked once per process. The returned dict is
    shared; treat it as read-only (inject options through the `options=` arguments, never by mutation).
    """
    digest = content_hash(raw)
    if digest in _cache:
        return _cache[digest]
    try:
        definition = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProcessDefinitionError(source, None, f"not valid UTF-8 JSON: {exc}") from None
    if not isinstance(definition, dict):
        raise ProcessDefinitionError(source, None, "the file must hold one JSON object")
    form_id = Path(source).stem
    check_definition(form_id, definition)
    definition["content_hash"] = digest
    _cache[digest] = definition
    return definition


def load_form_definitions(forms_dir: Path) -> dict[str, dict[str, Any]]:
    """Every forms_dir/<form_id>.json, checked; keyed by form id."""
    return {
        path.stem: parse_form_definition(path.read_bytes(), source=path.name)
        for path in sorted(Path(forms_dir).glob("*.json"))
    }


# ---- reading a definition --------------------------------------------------------------------------


def layout(definition: dict[str, Any]) -> list[tuple[dict[str, str] | None, list[str]]]:
    """The ui order as (section label or None, field names) groups."""
    groups: list[tuple[dict[str, str] | None, list[str]]] = []
    for entry in definition["ui"]["order"]:
        if isinstance(entry, str):
            if groups and groups[-1][0] is None:
                groups[-1][1].append(entry)
            else:
                groups.append((None, [entry]))
        else:
            groups.append((entry["section"], list(entry["fields"])))
    return groups


def field_names(definition: dict[str, Any]) -> list[str]:
    return [name for _, names in layout(definition) for name in names]


def ui_field(definition: dict[str, Any], name: str) -> dict[str, Any]:
    return definition["ui"]["fields"][name]


def field_schema(definition: dict[str, Any], name: str) -> dict[str, Any]:
    return definition["schema"]["properties"][name]


def prefill_values(definition: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Start values of a task form: a field with `"prefill": "<name>"` shows that value of the case's data
    (e.g. what the applicant declared, for the caseworker to confirm or correct against the documents)."""
    fields = definition["ui"]["fields"]
    return {
        name: data[spec["prefill"]]
        for name, spec in fields.items()
        if isinstance(spec.get("prefill"), str) and data.get(spec["prefill"]) is not None
    }


def option_sources(definition: dict[str, Any]) -> dict[str, str]:
    """{field name: source name} for fields whose options the app injects (e.g. "communities")."""
    return {
        name: spec["options_source"] for name, spec in definition["ui"]["fields"].items() if "options_source" in spec
    }


def required_fields(definition: dict[str, Any]) -> set[str]:
    """Fields required unconditionally (marked on the page); conditional ones are explained in hints."""
    return set(definition["schema"].get("required", []))


# ---- checking a definition -------------------------------------------------------------------------


def check_definition(form_id: str, definition: dict[str, Any]) -> None:
    """Raise ProcessDefinitionError(file, element, reason) for the first thing wrong with a definition.

    The checks below stop at the first problem and may assume what earlier checks established. Anything
    they did not foresee still becomes a ProcessDefinitionError: the deploy code catches only that, and a
    bad file must never stop the application from starting.
    """
    file = f"{form_id}.json"
    if not isinstance(definition, dict):
        raise ProcessDefinitionError(file, None, "a definition is a JSON object")
    try:
        for element, reason in _problems(form_id, definition):
            raise ProcessDefinitionError(file, element, reason)
    except (TypeError, KeyError, AttributeError, IndexError, ValueError) as exc:
        raise ProcessDefinitionError(file, None, f"malformed definition ({type(exc).__name__}: {exc})") from exc


def _is_bilingual(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"zh", "en"}
        and all(isinstance(v, str) and v.strip() for v in value.values())
    )


def _problems(form_id: str, d: dict[str, Any]) -> Iterator[tuple[str | None, str]]:
    if unknown := set(d) - TOP_KEYS:
        yield None, f"unknown top-level keys {sorted(unknown)}"
    if d.get("id") != form_id:
        yield "id", f"must equal the file name {form_id!r}"
    if not NAME.fullmatch(str(d.get("id", ""))):
        yield "id", "use lower-case letters, digits and _"
    if not isinstance(d.get("version"), int) or isinstance(d.get("version"), bool) or d["version"] < 1:
        yield "version", "must be a positive integer"
    if not _is_bilingual(d.get("title")):
        yield "title", "needs non-empty zh and en text"
    if "description" in d and not _is_bilingual(d["description"]):
        yield "description", "needs non-empty zh and en text"
    yield from _schema_problems(d.get("schema"))
    if not isinstance(d.get("ui"), dict):
        yield "ui", "missing or not an object"
    properties = d["schema"]["properties"]
    yield from _order_problems(d["ui"], properties)
    for name, spec in d["ui"]["fields"].items():
        yield from (
            (f"ui.fields.{name}{suffix}", reason)
            for suffix, reason in _field_problems(spec, properties[name], set(properties))
        )
    if not isinstance(d.get("checks", []), list):
        yield "checks", "must be a list"
    for i, spec in enumerate(d.get("checks", [])):
        if reason := checks.spec_problem(spec, set(properties)):
            yield f"checks[{i}]", reason


def _schema_problems(schema: Any) -> Iterator[tuple[str | None, str]]:
    if not isinstance(schema, dict):
        yield "schema", "missing or not an object"
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        yield f"schema/{where}" if where else "schema", f"not a valid JSON Schema 2020-12: {exc.message}"
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict) or not schema["properties"]:
        yield "schema", 'must be {"type": "object", "properties": {...}} with at least one property'
    if unknown := set(schema) - ROOT_KEYWORDS:
        yield (
            "schema",
            f"keywords {sorted(unknown)} are not allowed at the root (errors must belong to a field)",
        )
    properties = schema["properties"]
    for name, prop in properties.items():
        where = f"schema.properties.{name}"
        if not NAME.fullmatch(name):
            yield where, "field names use lower-case letters, digits and _"
        if not isinstance(prop, dict) or prop.get("type") not in (
            "string",
            "integer",
            "number",
            "boolean",
            "object",
            "array",
        ):
            yield where, "needs a single type: string, integer, number, boolean, object or array (repeat)"
        if "format" in prop and prop["format"] not in FORMATS:
            yield (
                where,
                f"format {prop['format']!r} is not checked by the engine; use one of {sorted(FORMATS)}",
            )
    yield from _conditional_problems(schema, set(properties), "schema", root=True)


def _conditional_problems(block: dict, names: set[str], where: str, *, root: bool) -> Iterator[tuple[str, str]]:
    if not isinstance(block, dict):
        yield where, "a condition block must be an object"
    if not root and (unknown := set(block) - CONDITIONAL_KEYWORDS):
        yield where, f"keywords {sorted(unknown)} are not allowed in a condition block"
    for name in block.get("required", []):
        if name not in names:
            yield f"{where}.required", f"{name!r} is not in the schema"
    for key, deps in block.get("dependentRequired", {}).items():
        if key not in names or any(dep not in names for dep in deps):
            yield f"{where}.dependentRequired", f"{key!r} or its dependencies are not in the schema"
    if not root:
        for name in block.get("properties", {}):
            if name not in names:
                yield f"{where}.properties", f"{name!r} is not in the schema"
    for i, sub in enumerate(block.get("allOf", [])):
        yield from _conditional_problems(sub, names, f"{where}.allOf[{i}]", root=False)
    for key in ("if", "then", "else"):
        if isinstance(block.get(key), dict):
            yield from _conditional_problems(block[key], names, f"{where}.{key}", root=False)


def _order_problems(ui: dict, properties: dict) -> Iterator[tuple[str, str]]:
    if not isinstance(ui.get("order"), list) or not isinstance(ui.get("fields"), dict):
        yield "ui", 'needs "order" (a list) and "fields" (an object)'
    seen: list[str] = []
    for i, entry in enumerate(ui["order"]):
        if isinstance(entry, dict):
            if set(entry) != {"section", "fields"} or not _is_bilingual(entry["section"]):
                yield f"ui.order[{i}]", 'a section is {"section": {"zh", "en"}, "fields": [...]}'
            if not isinstance(entry["fields"], list) or not all(isinstance(n, str) for n in entry["fields"]):
                yield f"ui.order[{i}].fields", "must be a list of field names"
            seen += entry["fields"]
        elif isinstance(entry, str):
            seen.append(entry)
        else:
            yield f"ui.order[{i}]", "must be a field name or a section"
    for name in seen:
        if name not in properties:
            yield "ui.order", f"field {name!r} is not in the schema"
        if name not in ui["fields"]:
            yield "ui.order", f"field {name!r} has no entry in ui.fields"
    if duplicates := sorted({n for n in seen if seen.count(n) > 1}):
        yield "ui.order", f"fields listed twice: {duplicates}"
    if missing := [n for n in properties if n not in seen]:
        yield "ui.order", f"schema fields not placed on the form: {missing}"
    for name in ui["fields"]:
        if name not in properties:
            yield f"ui.fields.{name}", "is not in the schema"
        elif name not in seen:
            yield f"ui.fields.{name}", "is not listed in ui.order"


def _field_problems(spec: Any, prop: dict, names: set[str]) -> Iterator[tuple[str, str]]:
    if not isinstance(spec, dict):
        yield "", "must be an object"
    if unknown := set(spec) - UI_FIELD_KEYS:
        yield "", f"unknown keys {sorted(unknown)}"
    if not _is_bilingual(spec.get("label")):
        yield ".label", "needs non-empty zh and en text"
    if "hint" in spec and not _is_bilingual(spec["hint"]):
        yield ".hint", "needs non-empty zh and en text"
    widget = spec.get("widget")
    if not isinstance(widget, str) or widget not in WIDGETS:
        yield ".widget", f"unknown widget {widget!r}; use one of {sorted(WIDGETS)}"
    if prop["type"] not in WIDGET_TYPES[widget]:
        yield ".widget", f"{widget!r} cannot hold a value of type {prop['type']!r}"
    if not isinstance(spec.get("messages", {}), dict):
        yield ".messages", "must be an object"
    if "prefill" in spec and not (isinstance(spec["prefill"], str) and spec["prefill"].isidentifier()):
        yield ".prefill", "must name a value of the case's data"
    for code, override in spec.get("messages", {}).items():
        if code not in MESSAGES or not _is_bilingual(override):
            yield f".messages.{code}", "unknown message type or not zh + en text"
    if widget in FREE_TEXT_WIDGETS and "enum" not in prop and "maxLength" not in prop:
        yield "", "free-text fields need a maxLength in the schema"
    if widget == "date" and prop.get("format") not in DATE_FORMATS:
        yield "", f"a date widget needs a schema format of {sorted(DATE_FORMATS)}"
    if widget in CHOICE_WIDGETS:
        yield from _option_problems(spec, prop)
    elif "options" in spec or "options_source" in spec:
        yield ".options", f"options are only for {sorted(CHOICE_WIDGETS)}"
    if widget == "materials":
        yield from _material_problems(spec.get("materials"), names)
    elif "materials" in spec:
        yield ".materials", "only the materials widget has materials"
    if widget == "repeat":
        yield from rows.definition_problems(spec, prop, set(FORMATS))
    elif rows.ROWS_UI_KEYS & set(spec):
        yield "", f"{sorted(rows.ROWS_UI_KEYS & set(spec))} are only for the repeat widget"


def _option_problems(spec: dict, prop: dict) -> Iterator[tuple[str, str]]:
    if "options_source" in spec:
        if "options" in spec or "enum" in prop or not isinstance(spec["options_source"], str):
            yield ".options_source", "injected options exclude static options and a schema enum"
        return
    options = spec.get("options")
    if not isinstance(options, list) or not options:
        yield ".options", "a select or radio needs options (or an options_source)"
        return
    for i, option in enumerate(options):
        if not isinstance(option, dict) or set(option) != {"value", "label"} or not _is_bilingual(option["label"]):
            yield f".options[{i}]", 'each option is {"value", "label": {"zh", "en"}}'
    values = [o["value"] for o in options]
    expected = [True, False] if prop["type"] == "boolean" else prop.get("enum")
    if expected is None:
        yield "", "a select or radio needs an enum in the schema"
        return
    if sorted(map(json.dumps, values)) != sorted(map(json.dumps, expected)):
        yield ".options", f"option values {values} must match the schema's choices {expected} exactly"


def _material_problems(materials: Any, names: set[str]) -> Iterator[tuple[str, str]]:
    if not isinstance(materials, list) or not materials:
        yield ".materials", "needs a non-empty list"
    for i, material in enumerate(materials):
        where = f".materials[{i}]"
        if not isinstance(material, dict):
            yield where, "each material is an object"
        if unknown := set(material) - MATERIAL_KEYS:
            yield where, f"unknown keys {sorted(unknown)}"
        if not NAME.fullmatch(str(material.get("code", ""))):
            yield where, "code uses lower-case letters, digits and _"
        if not _is_bilingual(material.get("label")):
            yield f"{where}.label", "needs non-empty zh and en text"
        if "hint" in material and not _is_bilingual(material["hint"]):
            yield f"{where}.hint", "needs non-empty zh and en text"
        if not isinstance(material.get("allow_not_applicable", False), bool):
            yield where, "allow_not_applicable is true or false"
        if [m.get("code") for m in materials if isinstance(m, dict)].count(material["code"]) > 1:
            yield where, f"material code {material['code']!r} is used twice"
        if "required_when" in material and (reason := checks.condition_problem(material["required_when"], names)):
            yield f"{where}.required_when", reason
