"""The zh catalogue is complete for the current source, keeps its placeholders, compiles itself, is served.

A fresh extraction runs on every test run, so a string added to a template or view without a Chinese
translation fails here. Fix: tools/i18n.sh, translate the new entries in messages.po (docs/i18n.md).
"""

from __future__ import annotations

import gettext
import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import Flask

from app.core import i18n
from tests.conftest import csrf_from, login

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "app" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
# The same keywords as tools/i18n.sh: babel's defaults (_, gettext, ngettext, pgettext, …) plus the lazy ones.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# A %-format directive: %(name)s, %(n)d, %s, %%.
DIRECTIVE = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="zh")


def _key(message) -> tuple[str, str | None]:
    return (message.id[0] if isinstance(message.id, tuple) else message.id), message.context


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _extract() -> dict[tuple[str, str | None], str]:
    """A fresh extraction of app/ with babel.cfg: (msgid, context) → first place it occurs."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


def _directives(text: str) -> list[tuple[str | None, str]]:
    return sorted(((m.group(1), m.group(2)) for m in DIRECTIVE.finditer(text)), key=str)


def test_extraction_finds_python_jinja_plural_context_and_parameterised_strings():
    found = _extract()
    assert ("Log in to Anju", None) in found  # Jinja _()
    assert ("%(n)s tasks, most urgent first", None) in found  # Jinja _() with a parameter
    assert ("Received", None) in found  # Python _l()
    assert ("Working day", None) in found  # Python lazy_gettext()
    assert ("hol.", "calendar mark") in found  # Jinja pgettext()
    assert any(msgid.startswith("%(year)d loaded as official.") for msgid, _ in found)  # Python ngettext()
    assert ("This page does not exist.", None) in found  # run-time messages listed in app/core/i18n.py


def test_every_msgid_in_the_source_has_a_chinese_translation():
    catalog = {_key(m): m for m in _catalog() if m.id}
    missing = [
        f"{msgid!r} ({where})"
        for (msgid, context), where in _extract().items()
        if (msgid, context) not in catalog
        or not all(_strings(catalog[msgid, context]))
        or catalog[msgid, context].fuzzy
    ]
    assert not missing, (
        "No zh translation for these strings. Run tools/i18n.sh and translate them in "
        "app/translations/zh/LC_MESSAGES/messages.po:\n  " + "\n  ".join(missing)
    )


def test_catalogue_is_clean_chinese_with_no_fuzzy_or_empty_entry():
    catalog = _catalog()
    assert not catalog.fuzzy  # a fuzzy header would make pybabel compile skip the whole file
    assert catalog.num_plurals == 1 and str(catalog.locale) == "zh"
    bad = [m.id for m in catalog if m.id and (m.fuzzy or not all(_strings(m)))]
    assert not bad
    assert not catalog.obsolete
    untranslated_latin = [m.id for m in catalog if m.id and not re.search(r"[\u4e00-\u9fff]", "".join(_strings(m)))]
    assert not untranslated_latin  # every msgstr is Chinese, not the English copied over


def test_placeholders_in_each_translation_match_its_msgid():
    wrong = []
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        # zh has one plural form; it is used for every n, so it must carry the plural msgid's placeholders.
        expected = _directives(ids[-1])
        for string in _strings(message):
            if _directives(string) != expected:
                wrong.append((ids[-1], string))
            # Jinja's newstyle gettext always applies %, so a lone % in a translation would break the page.
            if "%" in DIRECTIVE.sub("", string):
                wrong.append((ids[-1], string))
    assert not wrong


def test_runtime_error_messages_are_listed_for_extraction(app):
    """app/core/http.py translates its error texts from a variable; app/core/i18n.py lists them for babel."""
    source = (ROOT / "app" / "core" / "http.py").read_text(encoding="utf-8")
    texts = set(re.findall(r'\(\d{3}, "([^"]+)"\)', source))
    with app.test_request_context(headers={"Accept-Language": "en"}):  # English: the msgid itself
        listed = {str(message) for message in i18n.RUNTIME_MESSAGES}
    assert texts and texts <= listed


def _mo_says(mo: Path, msgid: str) -> str:
    with mo.open("rb") as f:
        return gettext.GNUTranslations(f).gettext(msgid)


def test_missing_or_stale_mo_is_compiled_at_start_up(tmp_path):
    messages = tmp_path / "zh" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = messages / "messages.po"
    po.write_bytes(PO.read_bytes())
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)

    mo = po.with_suffix(".mo")
    assert i18n.compile_translations(app) == [mo]  # missing
    assert _mo_says(mo, "Inbox") == "待办事项"
    assert i18n.compile_translations(app) == []  # up to date: left alone

    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "待办事项"', 'msgstr "待办"'), encoding="utf-8")
    os.utime(po, (mo.stat().st_mtime + 10, mo.stat().st_mtime + 10))
    assert i18n.compile_translations(app) == [mo]  # stale
    assert _mo_says(mo, "Inbox") == "待办"
    assert [p.name for p in messages.iterdir() if p.name.endswith(".tmp")] == []


def test_the_app_compiled_the_real_catalogue(app):
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime
    assert i18n.translation_directories(app) == [PO.parent.parent.parent]


# ---- over HTTP -------------------------------------------------------------------------------------------


def test_anonymous_login_page_is_chinese_by_default_and_english_on_request(client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录安居系统" in page and 'lang="zh-CN"' in page and "Log in to Anju" not in page
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Log in to Anju" in page and 'lang="en"' in page and "登录安居系统" not in page


def test_inbox_is_chinese_then_english_after_the_user_switches_and_the_choice_is_remembered(client, world):
    login(client, "window1")
    page = client.get("/inbox/").get_data(as_text=True)
    assert "<h1>待办事项</h1>" in page and "我的任务" in page and "本单位待认领" in page and "退出登录" in page

    response = client.post("/language", data={"locale": "en", "next": "/inbox/", "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    page = client.get("/inbox/").get_data(as_text=True)
    assert "<h1>Inbox</h1>" in page and "My tasks" in page and "Unclaimed in my units" in page
    assert "待办事项" not in page

    client.post("/logout", data={"csrf_token": csrf_from(page)})
    login(client, "window1")  # a new session: the choice is on the account
    assert "<h1>Inbox</h1>" in client.get("/inbox/").get_data(as_text=True)


@pytest.mark.parametrize(("accept", "expected"), [(None, "页面不存在。"), ("en", "This page does not exist.")])
def test_error_pages_are_translated(client, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/no-such-page", headers=headers)
    assert response.status_code == 404 and expected in response.get_data(as_text=True)
