"""The residence-permit journey through the real UI, as three users: window → community → police → letter."""

from __future__ import annotations

import re
import shutil
from datetime import datetime

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
    mark_materials,
    nav_link,
    pdftotext,
    screenshot,
)
from tests.factories import permit_form

pytestmark = pytest.mark.browser
CASE_NUMBER = re.compile(r"RP-\d{6}-\d{4}-\d{6}")


def today() -> str:
    return datetime.now(CHINA_TZ).date().isoformat()


def task_row(page: Page, case_number: str, title: str):
    return page.get_by_role("row").filter(has_text=case_number).filter(has_text=title)


def test_residence_permit_from_the_window_to_the_approval_letter(page: Page, live_server: LiveServer):
    t = live_server.text
    applicant = permit_form("C0201")
    intake = form_definition("rp_application")

    # 1. The window caseworker opens the case and checks the materials.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    screenshot(page, "01-login")
    log_in(page, live_server, "window1")
    screenshot(page, "02-inbox-window-empty")

    nav_link(page, live_server, "New application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(intake["title"]["zh"])
    fill_form(page, intake, applicant)
    screenshot(page, "03-intake-form-filled")
    page.get_by_role("button", name=live_server.name("Open the case and issue the receipt")).click()

    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_url = page.url
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(CASE_NUMBER)
    case_number = CASE_NUMBER.search(heading.inner_text()).group(0)
    expect(page.locator(".access-code")).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(page.get_by_role("region", name=t("Letters"))).to_contain_text("受理回执")
    diagram = page.get_by_role("region", name=t("Process")).locator("svg")
    expect(diagram.locator("[data-element-id='check_materials']")).to_have_class(re.compile(r"\bbpmn-active\b"))
    screenshot(page, "04-case-opened")
    screenshot(page, "04-case-opened", viewport=PHONE)

    nav_link(page, live_server, "Inbox").click()
    row = task_row(page, case_number, "材料审查")
    expect(row).to_have_count(1)
    screenshot(page, "05-inbox-unclaimed")
    screenshot(page, "05-inbox-unclaimed", viewport=PHONE)
    row.get_by_role("button", name=live_server.name("Claim", prefix=True)).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("材料审查")
    expect(page.get_by_role("status").first).to_contain_text(t("You claimed the task. It is now in “My tasks”."))
    materials = form_definition("rp_materials")
    assert mark_materials(page, materials) >= 3, "id card, photo and proof of address are always asked for"
    screenshot(page, "06-task-materials")
    page.get_by_role("button", name=live_server.name("Complete task")).click()

    expect(page).to_have_url(re.compile(r"/inbox/"))
    expect(page.get_by_role("status").first).to_contain_text(case_number)
    log_out(page, live_server)

    # 2. The officer of the applicant's community checks the address; a first try with too short findings.
    log_in(page, live_server, "community_c0201")
    page.get_by_role("link", name=live_server.name("Unclaimed in my units", prefix=True)).click()
    row = task_row(page, case_number, "社区入户核查")
    expect(row).to_have_count(1)
    screenshot(page, "07-inbox-community")
    row.get_by_role("link", name="社区入户核查").click()

    verification = form_definition("rp_verification")
    fill_form(page, verification, {"lives_at_address": True, "visit_date": today(), "observations": "已核"})
    page.get_by_role("button", name=live_server.name("Complete task")).click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_contain_text(verification["ui"]["fields"]["observations"]["label"]["zh"])
    screenshot(page, "08-task-verification-errors")
    fill_form(page, verification, {"observations": "入户走访，询问房东和邻居，申请人在申报地址实际居住。"})
    page.get_by_role("button", name=live_server.name("Complete task")).click()
    expect(page).to_have_url(re.compile(r"/inbox/"))
    expect(page.get_by_role("status").first).to_contain_text(case_number)
    log_out(page, live_server)

    # 3. The police station serving the community approves; the case shows the permit and the letters.
    log_in(page, live_server, "police_p02")
    page.get_by_role("link", name=live_server.name("Unclaimed in my units", prefix=True)).click()
    row = task_row(page, case_number, "审批发证")
    expect(row).to_have_count(1)
    row.get_by_role("link", name="审批发证").click()
    fill_form(page, form_definition("rp_approval"), {"decision": "approve", "issue_date": today()})
    screenshot(page, "09-task-approval")
    page.get_by_role("button", name=live_server.name("Complete task")).click()
    expect(page).to_have_url(re.compile(r"/inbox/"))
    expect(page.get_by_role("status").first).to_contain_text(case_number)

    nav_link(page, live_server, "Cases").click()
    screenshot(page, "10-case-list")
    page.get_by_role("link", name=case_number, exact=True).click()
    expect(page).to_have_url(case_url)  # waits: the click only starts the navigation
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Approved"))
    permit = page.locator("dl.facts dt", has_text=re.compile(rf"^{t('Permit number')}$")).locator("+ dd")
    permit_number = permit.inner_text().split("(")[0].strip()
    assert re.fullmatch(r"[0-9A-Z-]{6,}", permit_number), permit_number
    diagram = page.get_by_role("region", name=t("Process")).locator("svg")
    expect(diagram.locator(".bpmn-active")).to_have_count(0)
    expect(diagram.locator("[data-element-id='approve']")).to_have_class(re.compile(r"\bbpmn-done\b"))

    letters = page.get_by_role("region", name=t("Letters"))
    approval = letters.get_by_role("listitem").filter(has=page.get_by_role("link", name="准予核发居住证决定书"))
    expect(approval).to_have_count(1)
    year = datetime.now(CHINA_TZ).year
    reference = re.search(rf"西公居准字〔{year}〕第\d+号", approval.inner_text())
    assert reference, approval.inner_text()
    screenshot(page, "11-case-approved")
    screenshot(page, "11-case-approved", viewport=PHONE)

    with page.expect_download() as download_info:
        approval.get_by_role("link").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = SCREENSHOTS.parent / "approval-letter.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(download.path(), pdf)
    text = pdftotext(pdf)
    assert applicant["applicant_name"] in text
    assert permit_number in text
    assert reference.group(0) in text
    log_out(page, live_server)
