"""axe-core in the browser tests: node_modules/axe-core/axe.min.js (pinned in package.json, installed by
.ci/install with `npm ci`) is injected into the page with Playwright and run; serious and critical
violations fail the test, each named with the rule, its help text and the first offending elements."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")


_cached: list[str] = []


def _source() -> str:
    if not _cached:
        _cached.append(AXE.read_text(encoding="utf-8"))
    return _cached[0]


def run_axe(page: Page) -> list[dict]:
    """Every violation axe finds on the page as it is now (WCAG 2.0/2.1 A and AA, and best practices)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run .ci/install (it runs `npm ci`, which installs axe-core).", pytrace=False)
    if not page.evaluate("typeof window.axe === 'object'"):
        # Not add_script_tag: Anju's Content-Security-Policy (script-src 'self') blocks inline scripts, and the
        # test must see the page as served. Code run through the DevTools protocol is not subject to the CSP.
        page.evaluate("source => { (0, eval)(source); }", _source())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => n.target.join(' '))}));
        }"""
    )
    return list(result)


def assert_no_serious_violations(page: Page, where: str) -> list[dict]:
    """Fails on serious or critical violations; returns the minor and moderate ones (for a look, not a failure)."""
    violations = run_axe(page)
    bad = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not bad, f"{where} ({page.url}): " + "; ".join(
        f"[{v['impact']}] {v['id']}: {v['help']} at {', '.join(v['nodes'][:3])}" for v in bad
    )
    return [v for v in violations if v["impact"] not in FAILING_IMPACTS]
