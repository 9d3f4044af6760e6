"""The supervisor's desk through the real UI: an overdue permit case on the dashboard, its drill-down list,
reassigning it, and the statistics page with its charts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import PHONE, LiveServer, log_in, nav_link, screenshot
from tests.factories import permit_form

pytestmark = pytest.mark.browser


@pytest.fixture()
def overdue_case(live_server: LiveServer) -> str:
    """A permit application received ten days ago and never checked: its materials check (1 working day) is overdue.
    Opened through the real service with the clock moved back, as the demo data are."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.cases import service as cases
    from app.core import clock
    from app.extensions import db

    with live_server.app.app_context():
        window1 = db.session.scalar(select(User).where(User.username == "window1"))
        clock.freeze(datetime.now(UTC) - timedelta(days=10))
        try:
            form = permit_form("C0201", today=clock.today(), seed=31)
            case, _code = cases.open_case(service="residence_permit", form=form, actor=window1, locale="zh")
            db.session.commit()
            return case.number
        finally:
            clock.freeze(None)


def test_a_supervisor_finds_an_overdue_case_reassigns_it_and_reads_the_statistics(
    page: Page, live_server: LiveServer, overdue_case: str
):
    t = live_server.text
    log_in(page, live_server, "district_lead")
    nav_link(page, live_server, "Supervisor's desk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Supervisor's desk"))
    overdue_tile = page.locator("a.tile-overdue")
    expect(overdue_tile.locator(".tile-number")).not_to_have_text("0")
    screenshot(page, "sup-1-dashboard")
    screenshot(page, "sup-1-dashboard", viewport=PHONE)

    overdue_tile.click()
    expect(page).to_have_url(re.compile(r"/supervision/tasks\?bucket=overdue"))
    row = page.get_by_role("row").filter(has_text=overdue_case)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(t("not claimed yet"))
    screenshot(page, "sup-2-overdue-list")

    row.get_by_role("checkbox").check()
    page.get_by_label(t("Reassign to")).select_option(label="窗口 陈晨")
    page.get_by_label(t("Reason (shown on the case timeline)")).fill("超期督办，请今日办结")
    page.get_by_role("button", name=live_server.name("Reassign")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t("%(n)s tasks reassigned to %(who)s.", n=1, who="窗口 陈晨")
    )
    expect(page.get_by_role("row").filter(has_text=overdue_case)).to_contain_text("窗口 陈晨")

    page.get_by_role("link", name=overdue_case).click()
    timeline = page.get_by_role("region", name=t("Timeline"))
    expect(timeline).to_contain_text(t("Task reassigned"))
    expect(timeline).to_contain_text("超期督办，请今日办结")
    expect(page.get_by_role("region", name=t("Time with each department"))).to_be_visible()

    nav_link(page, live_server, "Supervisor's desk").click()
    page.get_by_role("navigation", name=t("Supervisor's desk")).get_by_role("link", name=t("Statistics")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Statistics"))
    weekly = page.get_by_role("region", name=t("Cases opened and closed per week"))
    expect(weekly.get_by_role("img")).to_have_count(1)
    expect(weekly.get_by_role("table")).to_be_visible()
    heat = page.get_by_role("region", name=t("Where cases wait now"))
    expect(heat.locator("[data-element-id='check_materials']")).to_contain_text("1")
    screenshot(page, "sup-3-statistics")

    page.get_by_role("navigation", name=t("Supervisor's desk")).get_by_role("link", name=t("Workload")).click()
    expect(page.get_by_role("row").filter(has_text="窗口 陈晨")).to_be_visible()
    screenshot(page, "sup-4-workload")
