"""What BPMN script tasks, gateway conditions and DMN cells may use — and nothing else.

Expressions are checked against an AST allow-list before they are compiled (no imports, no dunder or private
names, no attribute access except a few harmless methods, calls only to the functions below), then run with a
minimal set of builtins. Compiled code is cached per source text, so the check costs nothing in steady state.
"""

from __future__ import annotations

import ast
from calendar import monthrange
from datetime import date, timedelta
from typing import Any

from app.core import clock


class ScriptNotAllowed(ValueError):
    pass


def _d(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def months_between(start: Any, end: Any) -> int:
    """Whole months from start to end (residence time: 2026-05-03 → 2026-11-02 is 5 months)."""
    a, b = _d(start), _d(end)
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if b.day < a.day:
        months -= 1
    return max(months, 0)


def age_on(birth_date: Any, on: Any) -> int:
    b, d = _d(birth_date), _d(on)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def add_years(start: Any, years: int) -> str:
    """Same day `years` later (29 Feb → 28 Feb)."""
    s = _d(start)
    year = s.year + int(years)
    return date(year, s.month, min(s.day, monthrange(year, s.month)[1])).isoformat()


def add_months(start: Any, months: int) -> str:
    s = _d(start)
    total = s.month - 1 + int(months)
    year, month = s.year + total // 12, total % 12 + 1
    return date(year, month, min(s.day, monthrange(year, month)[1])).isoformat()


def add_days(start: Any, days: int) -> str:
    return (_d(start) + timedelta(days=int(days))).isoformat()


def today() -> str:
    return clock.today().isoformat()


def after_working_days(n: int, start: Any = None) -> str:
    """End of the n-th working day after `start` (default: today), China time, as an ISO datetime.

    Meant for a timer's timeDate: `after_working_days(5)` is when a "5WD" task becomes overdue. Days are
    counted on the working-day calendar (statutory holidays and 调休 make-up days), like task due dates.
    """
    return _end_of_period(f"{int(n)}WD", start)


def after_calendar_days(n: int, start: Any = None) -> str:
    """End of the n-th calendar day after `start` (default: today), rolled to the next working day when it is a
    rest day (民法典 Art. 203, like a "15CAL" rule), China time, as an ISO datetime."""
    return _end_of_period(f"{int(n)}CAL", start)


def end_of_day(day: Any) -> str:
    """23:59:59 China time on `day`, as an ISO datetime: a deadline date held in the data (a supplement
    deadline) as a timer's timeDate. A period ends at the close of its last day (民法典 Art. 203)."""
    from app.cases import deadlines

    return deadlines.end_of_day(_d(day)).isoformat()


def _end_of_period(rule: str, start: Any) -> str:
    # Imported here: the calendar lives in the database of the running app, which processes must not need at
    # import time (engine-level tests run without one and supply a calendar).
    from app.cases import deadlines

    due, _provisional = deadlines.due_date(_d(start) if start is not None else clock.today(), rule)
    return deadlines.end_of_day(due).isoformat()


def is_missing(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def missing_materials(materials: Any) -> list[str]:
    """Codes of materials the caseworker marked missing in a materials check."""
    if not isinstance(materials, dict):
        return []
    return sorted(code for code, v in materials.items() if isinstance(v, dict) and v.get("verdict") == "missing")


ALLOWED_FUNCTIONS = {
    f.__name__: f
    for f in (
        months_between,
        age_on,
        add_years,
        add_months,
        add_days,
        today,
        is_missing,
        missing_materials,
        after_working_days,
        after_calendar_days,
        end_of_day,
    )
}

SAFE_BUILTINS: dict[str, Any] = {
    name: getattr(__builtins__, name) if not isinstance(__builtins__, dict) else __builtins__[name]
    for name in (
        "len",
        "min",
        "max",
        "sum",
        "any",
        "all",
        "abs",
        "round",
        "int",
        "float",
        "str",
        "bool",
        "list",
        "dict",
        "set",
        "sorted",
        "range",
        "True",
        "False",
        "None",
    )
}

_ALLOWED_NODES = (
    ast.Module,
    ast.Expression,
    ast.Expr,
    ast.Assign,
    ast.AugAssign,
    ast.AnnAssign,
    ast.If,
    ast.IfExp,
    ast.For,
    ast.Pass,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.Call,
    ast.keyword,
    ast.Name,
    ast.Load,
    ast.Store,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
    ast.Subscript,
    ast.Slice,
    ast.Attribute,
    ast.ListComp,
    ast.comprehension,
    ast.JoinedStr,
    ast.FormattedValue,
)
_ALLOWED_METHODS = frozenset({"get", "keys", "values", "items", "append", "strip", "lower", "upper", "startswith"})


def check_source(source: str, mode: str) -> ast.AST:
    """Parses and checks a script ('exec') or expression ('eval'); raises ScriptNotAllowed with the reason."""
    tree = ast.parse(source, mode=mode)
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ScriptNotAllowed(f"{type(node).__name__} is not allowed in process scripts")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ScriptNotAllowed(f"name {node.id!r} is not allowed in process scripts")
        if isinstance(node, ast.Attribute) and node.attr not in _ALLOWED_METHODS:
            raise ScriptNotAllowed(f"attribute .{node.attr} is not allowed in process scripts")
        if isinstance(node, ast.Call):
            func = node.func
            callable_ok = (
                isinstance(func, ast.Name) and (func.id in ALLOWED_FUNCTIONS or func.id in SAFE_BUILTINS)
            ) or (isinstance(func, ast.Attribute) and func.attr in _ALLOWED_METHODS)
            if not callable_ok:
                raise ScriptNotAllowed(f"call to {ast.unparse(func)!r} is not allowed in process scripts")
    return tree


_compiled: dict[tuple[str, str], Any] = {}


def compile_checked(source: str, mode: str) -> Any:
    key = (source, mode)
    code = _compiled.get(key)
    if code is None:
        tree = check_source(source, mode)
        code = compile(tree, "<process script>", mode)
        _compiled[key] = code
    return code


def script_globals() -> dict[str, Any]:
    return {"__builtins__": SAFE_BUILTINS, **ALLOWED_FUNCTIONS}
