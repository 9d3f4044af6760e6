"""The legal-aid green channel through the real UI: a migrant worker's wage claim taken in at the legal-aid centre's
window → materials → same-day decision → same-day appointment → the grant decision and the appointment notice,
their text read back from the PDFs. The clock stands at Friday 2026-11-20 10:00 China time."""

from __future__ import annotations

import random
import re
import shutil
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect

from app.core import clock
from app.legal_aid.demo import application
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

pytestmark = pytest.mark.browser
CASE_NUMBER = re.compile(r"LA-\d{6}-\d{4}-\d{6}")
FRIDAY = datetime(2026, 11, 20, 10, 0, tzinfo=clock.CHINA_TZ)


@pytest.fixture()
def friday():
    clock.freeze(FRIDAY)
    yield FRIDAY.date().isoformat()
    clock.freeze(None)


def task_row(page: Page, case_number: str, title: str):
    return page.get_by_role("row").filter(has_text=case_number).filter(has_text=title)


def open_unclaimed(page: Page, server: LiveServer, case_number: str, title: str) -> None:
    nav_link(page, server, "Inbox").click()
    page.get_by_role("link", name=server.name("Unclaimed in my units", prefix=True)).click()
    row = task_row(page, case_number, title)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(server.text("Green channel"))  # first in the inbox, tagged, not "escalated"
    expect(row).not_to_contain_text(server.text("escalated"))
    row.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def complete(page: Page, server: LiveServer, case_number: str) -> None:
    page.get_by_role("button", name=server.name("Complete task")).click()
    expect(page).to_have_url(re.compile(r"/inbox/"))
    expect(page.get_by_role("status").first).to_contain_text(case_number)


def download(page: Page, letters, title: str, name: str) -> str:
    item = letters.get_by_role("listitem").filter(has=page.get_by_role("link", name=title))
    expect(item).to_have_count(1)
    with page.expect_download() as info:
        item.get_by_role("link", name=title).click()
    pdf = SCREENSHOTS.parent / f"{name}.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(info.value.path(), pdf)
    return pdftotext(pdf)


def test_green_channel_wage_claim_from_the_window_to_the_grant_letter(page: Page, live_server: LiveServer, friday):
    t = live_server.text
    intake = form_definition("la_application")
    applicant = application(random.Random(42), "wage", "C0201")
    values = {k: v for k, v in applicant.items() if v is not None}

    # 1. The legal-aid centre's window takes the application; the receipt is issued, the case is green.
    log_in(page, live_server, "legal_aid1")
    nav_link(page, live_server, "New application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(intake["title"]["zh"])
    fill_form(page, intake, values)
    screenshot(page, "la-01-intake-filled")
    page.get_by_role("button", name=live_server.name("Open the case and issue the receipt")).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_url = page.url
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(CASE_NUMBER)
    expect(heading).to_contain_text(t("Green channel"))
    case_number = CASE_NUMBER.search(heading.inner_text()).group(0)
    expect(page.get_by_role("region", name=t("Letters"))).to_contain_text("法律援助申请受理回执")
    # Statutory limit still applies: 7 calendar days from Friday 11-20 → Friday 11-27.
    expect(page.get_by_role("region", name=t("Current step"))).to_contain_text("2026-11-27")
    assert applicant["id_number"] not in page.content()  # masked until a recorded reveal
    screenshot(page, "la-02-case-opened")

    # 2. Materials: all provided. No means test (Art. 42(3)): the same-day decision comes next.
    open_unclaimed(page, live_server, case_number, "材料审查")
    materials = form_definition("la_materials")
    mark_materials(page, materials)
    complete(page, live_server, case_number)

    # 3. The same-day decision: first a grant without its scope (the field is named), then complete.
    open_unclaimed(page, live_server, case_number, "绿色通道：当日审查决定")
    decision = form_definition("la_decision")
    fill_form(page, decision, {"decision": "grant", "aid_form": "arbitration"})
    page.get_by_role("button", name=live_server.name("Complete task")).click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_contain_text(decision["ui"]["fields"]["aid_scope"]["label"]["zh"])
    screenshot(page, "la-03-decision-errors")
    fill_form(page, decision, {"aid_scope": "代理劳动争议仲裁至裁决作出"})
    complete(page, live_server, case_number)

    # 4. The same-day appointment of a lawyer.
    open_unclaimed(page, live_server, case_number, "绿色通道：当日指派")
    fill_form(
        page,
        form_definition("la_appointment"),
        {
            "law_firm": "浙江西湖律师事务所",
            "lawyer_name": "郑明",
            "lawyer_licence": "13301201810123456",
            "lawyer_phone": "13812345678",
            "appointed_on": friday,
        },
    )
    screenshot(page, "la-04-appointment")
    complete(page, live_server, case_number)

    # 5. The case is granted; the grant decision (to the applicant) and the appointment notice (to the firm).
    page.goto(case_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Approved"))
    letters = page.get_by_role("region", name=t("Letters"))
    screenshot(page, "la-05-case-granted")
    screenshot(page, "la-05-case-granted", viewport=PHONE)
    grant = download(page, letters, "给予法律援助决定书", "legal-aid-grant")
    for words in (
        "西湖区法律援助中心",
        "给予法律援助决定书",
        "西法援决字〔2026〕第",
        applicant["applicant_name"],
        applicant["opponent_name"],
        "请求确认劳动关系或者支付劳动报酬",
        "第三十一条第（五）项",
        "第四十二条第（三）项",
        "免予核查经济困难状况",
        "劳动争议仲裁代理",
        "代理劳动争议仲裁至裁决作出",
        "浙江西湖律师事务所郑明律师",
        "绿色通道",
        "2026年11月20日",
        "二〇二六年十一月二十日",
        case_number,
    ):
        assert words in grant, words
    notice = download(page, letters, "法律援助案件指派通知书", "legal-aid-appointment")
    assert notice.index("浙江西湖律师事务所：") < notice.index(applicant["applicant_name"])  # addressed to the firm
    assert "第十六条、第四十三条" in notice and "请优先安排" in notice
    log_out(page, live_server)
