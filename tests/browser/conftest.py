"""Browser fixtures: a live Anju server on a SQLite file, and Debian's chromium driven by Playwright.

Each module (and each xdist worker) gets its own server, port and database, seeded with the demo org and
users.
The browser is the system's chromium (installed by .ci/install from Debian's `chromium` package), never a
browser downloaded by `playwright install`.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.support import DESKTOP, LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    from werkzeug.serving import make_server

    from app import create_app, demo
    from app.calendar.service import seed_years
    from app.config import TestConfig
    from app.extensions import db
    from app.processes import specs

    db_file = tmp_path_factory.mktemp("browser") / "anju.db"

    class BrowserTestConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_file}"
        SQLALCHEMY_ENGINE_OPTIONS: dict = {}
        # Generous limits, not RATELIMIT_ENABLED = False: Flask-Limiter keeps `enabled` on the one global
        # Limiter, so disabling it here would switch rate limiting off for every app in this test process.
        LOGIN_RATE_LIMIT = "1000 per minute"
        PORTAL_RATE_LIMIT = "1000 per minute"
        DEPLOY_ON_START = False

    application = create_app(BrowserTestConfig)
    # Process versions are cached in-process by row id; this fresh database numbers its rows from 1 again.
    specs._versions.clear()
    with application.app_context():
        db.create_all()
        seed_years(range(2025, 2028))
        specs.deploy_all()
        units = demo.seed_org()
        demo.seed_users(units)
        db.session.commit()

    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="anju-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=application)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        specs._versions.clear()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's chromium. "
            "Run .ci/install (it installs the `chromium` package); do not use `playwright install`.",
            pytrace=False,
        )
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: run .ci/install (it installs `poppler-utils`).", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def new_page(browser, live_server):
    """Opens pages in fresh browser contexts (own cookies) at a given viewport; all closed after the test."""
    contexts = []

    def open_page(viewport: dict | None = None, locale: str = "zh-CN"):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            locale=locale,
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture()
def page(new_page):
    return new_page()
