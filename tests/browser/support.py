"""What the browser tests share: the live server handle, screenshots, logging in, and filling forms by label.

Fields are found the way a person finds them: by the label the form definition in forms/ gives them (and
the "(required)" mark the renderer adds), radios inside their labelled group, buttons and links by their
accessible names.
UI strings are looked up through the server's own gettext, so the tests hold before and after translation.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class LiveServer:
    url: str
    app: object

    def text(self, msgid: str, locale: str = "zh", **kwargs) -> str:
        """A UI string as the server renders it in `locale` (the msgid itself until it is translated)."""
        from flask_babel import force_locale, gettext

        with self.app.test_request_context(), force_locale(locale):
            return gettext(msgid, **kwargs)

    def name(self, msgid: str, locale: str = "zh", *, prefix: bool = False) -> re.Pattern:
        """An accessible-name pattern for a UI string: exact, or (prefix=True) followed by more words."""
        tail = r"(\s.*)?$" if prefix else r"\s*$"
        return re.compile(rf"^\s*{re.escape(self.text(msgid, locale))}{tail}")


def screenshot(page: Page, name: str, viewport: dict | None = None) -> Path:
    """A full-page PNG in test-artifacts/screenshots/ (gitignored), at the page's width or at `viewport`.

    Also checks the page fits the window's width: nothing makes the whole page scroll sideways.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    if viewport:
        page.set_viewport_size(viewport)
    path = SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=str(path), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if viewport:
        page.set_viewport_size(before)
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than the window; wide parts should scroll in a box"
    return path


def log_in(page: Page, server: LiveServer, username: str, locale: str = "zh") -> None:
    from app.demo import DEMO_PASSWORD

    page.goto("/login")
    page.get_by_label(server.text("User name", locale), exact=True).fill(username)
    page.get_by_label(server.text("Password", locale), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=server.name("Log in", locale)).click()
    page.wait_for_url(re.compile(r"/inbox/"))


def log_out(page: Page, server: LiveServer, locale: str = "zh") -> None:
    page.get_by_role("button", name=server.name("Log out", locale)).click()
    page.wait_for_url(re.compile(r"/login"))


def nav_link(page: Page, server: LiveServer, msgid: str, locale: str = "zh") -> Locator:
    return page.get_by_role("navigation", name=server.text("Main", locale)).get_by_role(
        "link", name=server.name(msgid, locale)
    )


# -- forms -------------------------------------------------------------------------------------------------


def form_definition(form_id: str) -> dict:
    return json.loads((ROOT / "forms" / f"{form_id}.json").read_text(encoding="utf-8"))


def word(key: str, locale: str = "zh") -> str:
    from app.forms.messages import WORDS

    return WORDS[key][locale]


def label_pattern(label: str, locale: str = "zh") -> re.Pattern:
    """A field's label, alone or followed by the "(required)" mark; never a longer label ending with it."""
    mark = re.escape(word("required_mark", locale))
    return re.compile(rf"^{re.escape(label)}(\s*{mark})?$")


def field(scope: Page | Locator, definition: dict, name: str, locale: str = "zh") -> Locator:
    label = definition["ui"]["fields"][name]["label"][locale]
    return scope.get_by_label(label_pattern(label, locale))


def fill_form(scope: Page | Locator, definition: dict, values: dict, locale: str = "zh") -> None:
    """Types, picks and ticks `values` into the rendered form, finding every field by its visible label."""
    for name, value in values.items():
        ui = definition["ui"]["fields"][name]
        label = ui["label"][locale]
        widget = ui.get("widget", "text")
        if widget == "radio":
            option = next(o for o in ui["options"] if o["value"] == value)
            group = scope.get_by_role("group", name=label_pattern(label, locale))
            group.get_by_role("radio", name=option["label"][locale], exact=True).check()
        elif widget == "checkbox":
            box = scope.get_by_role("group", name=label_pattern(label, locale)).get_by_role("checkbox")
            box.set_checked(bool(value))
        elif widget == "select":
            field(scope, definition, name, locale).select_option(value=str(value))
        else:
            field(scope, definition, name, locale).fill(str(value))


def mark_materials(
    page: Page, definition: dict, verdict: Callable[[str], str] = lambda legend: "provided", locale: str = "zh"
) -> int:
    """Gives every material on the open task form the verdict `verdict(legend)` and returns how many there are.

    Waits for the checklist first: Locator.all() does not wait, so on a page still loading it finds no
    materials, nothing is ticked, and the form comes back asking for a supplement deadline.
    """
    label = definition["ui"]["fields"]["materials"]["label"][locale]
    groups = page.get_by_role("region", name=label).get_by_role("group")
    expect(groups.first).to_be_visible()
    for group in groups.all():
        group.get_by_role("radio", name=word(verdict(group.locator("legend").inner_text()), locale), exact=True).check()
    return groups.count()


def pdftotext(pdf: Path) -> str:
    """The PDF's text in content order (-raw), all whitespace removed."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode("utf-8"))
