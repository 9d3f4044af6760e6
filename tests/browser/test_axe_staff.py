"""axe-core on the staff pages (caseworker, supervisor, admin), in Chinese and English, at desktop and phone
width: no serious or critical violation, and nothing makes the page scroll sideways. The data behind them are
made the way they arise: a permit application taken in at the window whose materials check went overdue, so the
escalation timer fired and the supervisor has an unread notification in the red header bar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from playwright.sync_api import Page

from app.core import clock
from tests.browser.axe import assert_no_serious_violations
from tests.browser.support import SCREENSHOTS, LiveServer, log_in
from tests.factories import permit_form

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module", autouse=True)
def overdue_world(live_server: LiveServer) -> Iterator[dict]:
    from sqlalchemy import select

    from app.accounts.models import User
    from app.cases import service, timers
    from app.extensions import db
    from app.inbox.models import HumanTask

    with live_server.app.app_context():
        window1 = db.session.scalar(select(User).where(User.username == "window1"))
        clock.freeze(datetime(2026, 11, 23, 10, 0, tzinfo=clock.CHINA_TZ))
        case, _code = service.open_case(
            service="residence_permit", form=permit_form("C0201", seed=7), actor=window1, locale="zh"
        )
        db.session.commit()
        clock.freeze(datetime(2026, 11, 26, 10, 0, tzinfo=clock.CHINA_TZ))  # the materials check is overdue
        assert timers.fire_due() == 1
        task = db.session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
        world = {"case": case.id, "task": task.id}
    yield world
    clock.freeze(None)


PAGES = {
    "window1": ["/inbox/", "/inbox/?view=unit", "/cases/", "/cases/new?service=residence_permit", "/permits/",
                "/cases/{case}", "/inbox/tasks/{task}"],
    "window_lead": ["/supervision/", "/supervision/statistics", "/supervision/workload",
                    "/supervision/tasks?bucket=overdue", "/supervision/delegations", "/notifications/"],
    "education_lead": ["/schools/"],
    "admin": ["/calendar/"],
}  # fmt: skip


@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("username", list(PAGES))
def test_staff_pages_pass_axe_and_fit_the_window(
    new_page, live_server: LiveServer, overdue_world: dict, username: str, locale: str, viewport: dict
):
    page: Page = new_page(viewport=viewport, locale="zh-CN" if locale == "zh" else "en-GB")
    log_in(page, live_server, username, locale)
    if username == "window_lead":  # the escalation's notification is waiting, counted in the header bar
        assert page.locator("header .nav-count").inner_text().startswith("1")
    for path in PAGES[username]:
        response = page.goto(path.format(**overdue_world))
        assert response is not None and response.status == 200, path
        name = f"staff-{username}-{locale}{path.format(**overdue_world)}".replace("/", "_").replace("?", "_")
        assert_no_serious_violations(page, name)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name}: {overflow}px wider than the {viewport['width']}px window"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport['width']}.png"), full_page=True)
