"""Gettext catalogues: compiled (.po → .mo) at start-up when a .mo is missing or older than its .po.

The .mo files are build output and not committed: `.ci/install` compiles them, and create_app() calls
compile_translations() so that a developer who pulls a new messages.po sees it without running pybabel.
See docs/i18n.md.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import lazy_gettext as _l

# Translated at run time from a variable (app/core/http.py, the error pages), so extraction cannot see them
# there. Listing them here puts them in messages.pot; keep the text identical to app/core/http.py.
RUNTIME_MESSAGES = (
    _l("You are not allowed to see this page."),
    _l("This page does not exist."),
    _l("This action is not allowed here."),
    _l("Too many attempts. Please wait a minute and try again."),
)


def translation_directories(app: Flask) -> list[Path]:
    """BABEL_TRANSLATION_DIRECTORIES as Flask-Babel reads it: ';'-separated, relative to the app's root."""
    raw = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations")
    return [Path(app.root_path, part) for part in str(raw).split(";") if part.strip()]


def stale_catalogues(directories: Iterable[Path]) -> list[Path]:
    """The <locale>/LC_MESSAGES/*.po files whose .mo is missing or older than the .po."""
    stale = []
    for directory in directories:
        for po in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                stale.append(po)
    return stale


def compile_catalogue(po: Path) -> Path:
    """Writes po's .mo next to it (fuzzy entries left out, as `pybabel compile` does). The file is written
    under a temporary name and renamed, so a process starting at the same moment never reads half a file."""
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name)
    mo = po.with_suffix(".mo")
    fd, tmp = tempfile.mkstemp(dir=po.parent, prefix=f".{mo.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, mo)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return mo


def compile_translations(app: Flask) -> list[Path]:
    """Compiles every stale catalogue of the app; returns the .mo files written. A read-only install (the
    .mo files were built by .ci/install) only gets a warning: the app serves with what is there."""
    written = []
    for po in stale_catalogues(translation_directories(app)):
        try:
            written.append(compile_catalogue(po))
        except OSError as exc:
            app.logger.warning("could not compile %s: %s", po, exc)
    for mo in written:
        app.logger.info("compiled %s", mo)
    return written
