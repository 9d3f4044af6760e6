"""Import contracts: only the processes.engine package imports SpiffWorkflow; core imports no domain."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
DOMAINS = {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - {"core"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


ENGINE = APP / "processes" / "engine"


def test_only_the_engine_imports_spiffworkflow():
    offenders = [
        str(p.relative_to(APP))
        for p in APP.rglob("*.py")
        if any(n.split(".")[0] == "SpiffWorkflow" for n in _imports(p)) and ENGINE not in p.parents
    ]
    assert offenders == []


def test_core_imports_no_domain():
    offenders = []
    for path in (APP / "core").rglob("*.py"):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "app" and len(parts) > 1 and parts[1] in DOMAINS:
                offenders.append(f"{path.name} → {name}")
    assert offenders == []
