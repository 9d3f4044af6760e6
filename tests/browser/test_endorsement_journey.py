"""The endorsement journey through the real UI: the scan opens the case → community check → police endorse →
letter; the permit page shows the new validity and the history."""

from __future__ import annotations

import random
import re
import shutil
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.core.clock import CHINA_TZ
from tests.browser.support import (
    PHONE,
    SCREENSHOTS,
    LiveServer,
    fill_form,
    form_definition,
    log_in,
    log_out,
    nav_link,
    pdftotext,
    screenshot,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def due_permit(live_server: LiveServer) -> dict:
    """A permit issued 340 days ago through the application process, then the endorsement scan of today."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.core import clock
    from app.extensions import db
    from app.permits import scan
    from app.permits.demo import _issue
    from app.permits.models import PermitCase

    with live_server.app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        today = clock.today()
        permit = _issue("C0201", today - timedelta(days=340), users, random.Random(7))
        clock.freeze(None)
        assert scan.scan_endorsements() == 1
        case = db.session.scalars(select(PermitCase).where(PermitCase.purpose == "endorsement")).one().case
        return {"id": permit.id, "number": permit.number, "case": case.number, "anniversary": permit.anniversary}


def test_endorsement_from_the_scan_to_the_letter_and_the_permit_page(page: Page, live_server: LiveServer, due_permit):
    t = live_server.text
    case_number, permit_number = due_permit["case"], due_permit["number"]

    # 1. Window staff see the permit as due, with its open endorsement case.
    log_in(page, live_server, "window1")
    nav_link(page, live_server, "Permits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Residence permits"))
    row = page.get_by_role("row").filter(has_text=permit_number)
    expect(row).to_contain_text(t("Endorsement due"))
    screenshot(page, "re-01-permit-list")
    row.get_by_role("link", name=permit_number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(permit_number)
    cases = page.get_by_role("region", name=t("Cases"))
    expect(cases).to_contain_text(case_number)
    history = page.get_by_role("region", name=t("History"))
    expect(history).to_contain_text(t("Holder reminded"))
    screenshot(page, "re-02-permit-due")
    screenshot(page, "re-02-permit-due", viewport=PHONE)
    log_out(page, live_server)

    # 2. The holder's community checks continued residence.
    log_in(page, live_server, "community_c0201")
    page.get_by_role("link", name=live_server.name("Unclaimed in my units", prefix=True)).click()
    row = page.get_by_role("row").filter(has_text=case_number).filter(has_text="社区核查居住情况")
    expect(row).to_have_count(1)
    row.get_by_role("link", name="社区核查居住情况").click()
    verification = form_definition("re_verification")
    fill_form(
        page,
        verification,
        {
            "resides": True,
            "basis_held": "stable_job",
            "visit_date": datetime.now(CHINA_TZ).date().isoformat(),
            "observations": "入户走访，持证人仍在登记地址居住，在附近企业上班。",
        },
    )
    screenshot(page, "re-03-task-community")
    page.get_by_role("button", name=live_server.name("Complete task")).click()
    expect(page).to_have_url(re.compile(r"/inbox/"))
    expect(page.get_by_role("status").first).to_contain_text(case_number)
    log_out(page, live_server)

    # 3. The station serving the community endorses; the case is approved with its letter.
    log_in(page, live_server, "police_p02")
    page.get_by_role("link", name=live_server.name("Unclaimed in my units", prefix=True)).click()
    row = page.get_by_role("row").filter(has_text=case_number).filter(has_text="派出所签注审批")
    expect(row).to_have_count(1)
    row.get_by_role("link", name="派出所签注审批").click()
    expect(page.get_by_role("heading", name=t("Decision support"))).to_have_count(0)  # no application facts here
    fill_form(page, form_definition("re_decision"), {"decision": "endorse"})
    screenshot(page, "re-04-task-police")
    page.get_by_role("button", name=live_server.name("Complete task")).click()
    expect(page.get_by_role("status").first).to_contain_text(case_number)

    nav_link(page, live_server, "Cases").click()
    page.get_by_role("link", name=case_number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Approved"))
    letters = page.get_by_role("region", name=t("Letters"))
    letter = letters.get_by_role("listitem").filter(has=page.get_by_role("link", name="居住证签注凭证"))
    expect(letter).to_have_count(1)
    screenshot(page, "re-05-case-endorsed")
    with page.expect_download() as download_info:
        letter.get_by_role("link").click()
    pdf = SCREENSHOTS.parent / "endorsement-letter.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(download_info.value.path(), pdf)
    text = pdftotext(pdf)
    assert permit_number in text and "签注" in text and "杭州市公安局西湖区分局" in text

    # 4. The permit is active again, valid for another year, and its history says why.
    nav_link(page, live_server, "Permits").click()
    page.get_by_role("link", name=permit_number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Active"))
    next_year = due_permit["anniversary"].replace(year=due_permit["anniversary"].year + 1)
    facts = page.get_by_role("region", name=t("Permit"), exact=True)
    expect(facts).to_contain_text((next_year - timedelta(days=1)).isoformat())
    expect(page.get_by_role("region", name=t("History"))).to_contain_text(t("Endorsed"))
    screenshot(page, "re-06-permit-endorsed")
