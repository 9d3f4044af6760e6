"""Cross-field checks and conditions: the rules JSON Schema cannot say, kept as data in the definition.

A definition lists checks under the top-level "checks" key, e.g.
    {"check": "id_matches_birth_date", "id_field": "id_number", "date_field": "birth_date"}
Each kind declares which parameters name fields, so `check_definition` can refuse a typo at deploy time
instead of the check silently never firing. A check only looks at fields that passed their own
validation: telling someone the birth date disagrees with an ID number they mistyped helps nobody.

Conditions (used by `required_when` of materials) are a tiny expression language:
    {"field": "basis", "equals": "stable_job"}      this form's data
    {"context": "agent_name", "present": true}     data of the case, passed in by the app
    {"field": "x", "in": ["a", "b"]}   {"all": [...]}   {"any": [...]}   {"not": {...}}
Evaluation is three-valued: a "context" condition is unknown when no context was given, so a form
rendered without case data shows every material rather than silently hiding some.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from app.core import clock
from app.forms import formats
from app.forms.messages import word


@dataclass
class Problem:
    field: str
    code: str
    params: dict[str, Any] = dataclass_field(default_factory=dict)
    # Parameters whose value is the *label* of another field, e.g. {"other_label": "id_number"}.
    label_refs: dict[str, str] = dataclass_field(default_factory=dict)


def present(data: Mapping[str, Any], name: str) -> bool:
    return data.get(name) not in (None, "", [], {})


@dataclass(frozen=True)
class CheckKind:
    run: Callable[[Mapping[str, Any], Mapping[str, Any], str], Iterator[Problem]]
    field_params: tuple[str, ...] = ()  # each names one field
    list_params: tuple[str, ...] = ()  # each names a list of fields
    optional_field_params: tuple[str, ...] = ()
    int_params: tuple[str, ...] = ()
    other_params: tuple[str, ...] = ()  # free values, e.g. the enum value meaning "male"


def _id_matches_birth_date(spec, data, locale) -> Iterator[Problem]:
    id_field, date_field = spec["id_field"], spec["date_field"]
    if present(data, id_field) and present(data, date_field):
        expected = formats.id_birth_date(data[id_field]).isoformat()
        if data[date_field] != expected:
            yield Problem(date_field, "id_birth_mismatch", {"expected": expected}, {"other_label": id_field})


def _id_matches_sex(spec, data, locale) -> Iterator[Problem]:
    id_field, sex_field = spec["id_field"], spec["sex_field"]
    if present(data, id_field) and data.get(sex_field) in (spec["male"], spec["female"]):
        male = formats.id_is_male(data[id_field])
        if data[sex_field] != (spec["male"] if male else spec["female"]):
            expected = word("male" if male else "female", locale)
            yield Problem(sex_field, "id_sex_mismatch", {"expected": expected}, {"other_label": id_field})


def _required_if_age_below(spec, data, locale) -> Iterator[Problem]:
    flag = spec.get("or_flag")
    under_age = False
    if present(data, spec["birth_date_field"]):
        born = formats.parse_date(data[spec["birth_date_field"]])
        under_age = formats.age_on(born, clock.today()) < spec["age"]
    flagged = bool(flag and data.get(flag) is True)
    for name in spec["fields"]:
        if present(data, name):
            continue
        if under_age:
            yield Problem(name, "required_age", {"age": spec["age"]})
        elif flagged:
            yield Problem(name, "required_flag", label_refs={"flag_label": flag})


def _required_if_any_missing(spec, data, locale) -> Iterator[Problem]:
    verdicts = data.get(spec["materials_field"]) or {}
    if any(entry.get("verdict") == "missing" for entry in verdicts.values()):
        for name in spec["fields"]:
            if not present(data, name):
                yield Problem(name, "required_missing")


def _fields_differ(spec, data, locale) -> Iterator[Problem]:
    first, *others = spec["fields"]
    for name in others:
        if present(data, first) and data.get(name) == data[first]:
            yield Problem(name, "fields_differ", label_refs={"other_label": first})


def _dates_in_order(spec, data, locale) -> Iterator[Problem]:
    earlier, later = spec["earlier"], spec["later"]
    # ISO dates compare correctly as strings; both were normalised by the date formats.
    if present(data, earlier) and present(data, later) and data[later] < data[earlier]:
        yield Problem(later, "dates_in_order", {"expected": data[earlier]}, {"other_label": earlier})


CHECKS: dict[str, CheckKind] = {
    "id_matches_birth_date": CheckKind(_id_matches_birth_date, field_params=("id_field", "date_field")),
    "id_matches_sex": CheckKind(
        _id_matches_sex, field_params=("id_field", "sex_field"), other_params=("male", "female")
    ),
    "required_if_age_below": CheckKind(
        _required_if_age_below,
        field_params=("birth_date_field",),
        list_params=("fields",),
        optional_field_params=("or_flag",),
        int_params=("age",),
    ),
    "required_if_any_missing": CheckKind(
        _required_if_any_missing, field_params=("materials_field",), list_params=("fields",)
    ),
    "fields_differ": CheckKind(_fields_differ, list_params=("fields",)),
    "dates_in_order": CheckKind(_dates_in_order, field_params=("earlier", "later")),
}


def fields_read(spec: Mapping[str, Any]) -> list[str]:
    kind = CHECKS[spec["check"]]
    names = [spec[p] for p in kind.field_params]
    names += [spec[p] for p in kind.optional_field_params if p in spec]
    for p in kind.list_params:
        names += spec[p]
    return names


def spec_problem(spec: Any, field_names: set[str]) -> str | None:
    """Why a check entry is malformed, or None. Used by check_definition."""
    if not isinstance(spec, dict) or not isinstance(spec.get("check"), str) or spec["check"] not in CHECKS:
        return f"unknown check; use one of {sorted(CHECKS)}"
    kind = CHECKS[spec["check"]]
    allowed = {"check", *kind.field_params, *kind.list_params, *kind.optional_field_params}
    allowed |= {*kind.int_params, *kind.other_params}
    if unknown := set(spec) - allowed:
        return f"unknown parameters {sorted(unknown)}"
    for p in (*kind.field_params, *kind.int_params, *kind.other_params, *kind.list_params):
        if p not in spec:
            return f"missing parameter {p!r}"
    for p in (*kind.field_params, *(q for q in kind.optional_field_params if q in spec)):
        if not isinstance(spec[p], str):
            return f"{p!r} must be a field name"
    for p in kind.int_params:
        if not isinstance(spec[p], int) or isinstance(spec[p], bool) or spec[p] < 0:
            return f"{p!r} must be a non-negative integer"
    for p in kind.list_params:
        if not isinstance(spec[p], list) or not spec[p] or not all(isinstance(n, str) for n in spec[p]):
            return f"{p!r} must be a non-empty list of field names"
    if spec["check"] == "fields_differ" and len(spec["fields"]) < 2:
        return "'fields' needs at least two fields"
    for name in fields_read(spec):
        if name not in field_names:
            return f"field {name!r} is not in the schema"
    return None


# ---- conditions -------------------------------------------------------------------------------------


def evaluate(condition: Mapping[str, Any], data: Mapping[str, Any], context: Mapping[str, Any] | None) -> bool | None:
    """True, False, or None when it depends on case data that was not supplied."""
    if "all" in condition:
        results = [evaluate(c, data, context) for c in condition["all"]]
        return False if False in results else (None if None in results else True)
    if "any" in condition:
        results = [evaluate(c, data, context) for c in condition["any"]]
        return True if True in results else (None if None in results else False)
    if "not" in condition:
        result = evaluate(condition["not"], data, context)
        return None if result is None else not result
    if "context" in condition:
        if context is None:
            return None
        source, key = context, condition["context"]
    else:
        source, key = data, condition["field"]
    if "equals" in condition:
        return source.get(key) == condition["equals"]
    if "in" in condition:
        return source.get(key) in condition["in"]
    return present(source, key) == condition["present"]


_OPERATORS = ("equals", "in", "present")


def condition_problem(condition: Any, field_names: set[str]) -> str | None:
    """Why a condition is malformed, or None."""
    if not isinstance(condition, dict):
        return "a condition must be an object"
    for combinator in ("all", "any"):
        if combinator in condition:
            parts = condition[combinator]
            if len(condition) != 1 or not isinstance(parts, list) or not parts:
                return f"{combinator!r} takes a non-empty list and nothing else"
            return next((p for p in (condition_problem(c, field_names) for c in parts) if p), None)
    if "not" in condition:
        return "'not' takes one condition" if len(condition) != 1 else condition_problem(condition["not"], field_names)
    refs = [k for k in ("field", "context") if k in condition]
    ops = [k for k in _OPERATORS if k in condition]
    if len(refs) != 1 or len(ops) != 1 or len(condition) != 2:
        return "a condition needs one of field/context and one of equals/in/present"
    if refs[0] == "field" and condition["field"] not in field_names:
        return f"field {condition['field']!r} is not in the schema"
    if ops[0] == "in" and not isinstance(condition["in"], list):
        return "'in' takes a list"
    if ops[0] == "present" and not isinstance(condition["present"], bool):
        return "'present' takes true or false"
    return None
