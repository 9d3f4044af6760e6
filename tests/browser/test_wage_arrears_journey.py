"""The wage-arrears complaint through the real UI: intake at labour inspection → acceptance (the worker asks for a
lawyer: a linked green-channel legal-aid case opens, and each case page shows the other) → investigation → the
employer heard → order to pay (its text read from the PDF) → the deadline passes unpaid → the employer heard again →
the additional-compensation decision. The clock stands at Friday 2026-11-20 10:00 China time, then moves on."""

from __future__ import annotations

import re
import shutil
from datetime import datetime

import pytest
from playwright.sync_api import Locator, Page, expect

from app.core import clock
from tests.browser.support import (
    SCREENSHOTS,
    LiveServer,
    fill_form,
    form_definition,
    label_pattern,
    log_in,
    log_out,
    mark_materials,
    nav_link,
    pdftotext,
    screenshot,
)

pytestmark = pytest.mark.browser
WA_NUMBER = re.compile(r"WA-\d{6}-\d{4}-\d{6}")
LA_NUMBER = re.compile(r"LA-\d{6}-\d{4}-\d{6}")
FRIDAY = datetime(2026, 11, 20, 10, 0, tzinfo=clock.CHINA_TZ)
WORKER = {
    "name": "刘建国",
    "id_number": "341202198703151235",
    "phone": "13912345678",
    "current_address": "杭州市西湖区文三路88号3幢",
    "amount_owed": "9000",
    "months_owed": "2026年7月至2026年9月",
}
COMPLAINT = {
    "complaint_type": "individual",
    "applicant_name": WORKER["name"],
    "id_number": WORKER["id_number"],
    "phone": WORKER["phone"],
    "current_address": WORKER["current_address"],
    "employer_name": "杭州西溪建筑劳务有限公司",
    "employer_credit_code": "91330106MA2H0XA97L",
    "employer_legal_rep": "王建国",
    "employer_address": "杭州市西湖区西溪路518号",
    "workplace_address": "杭州市西湖区西溪路518号工地",
    "community_code": "C0201",
    "violation_last_date": "2026-10-31",
    "in_dispute_procedure": False,
    "facts": "本人在该公司工地从事钢筋工作，被拖欠2026年7月至9月工资共9000元，多次催讨未果，请求责令支付。",
}


@pytest.fixture()
def moving_clock():
    clock.freeze(FRIDAY)
    yield
    clock.freeze(None)


def row_group(page: Page, definition: dict, field_name: str, index: int) -> Locator:
    """Row `index` (0-based) of a repeat field: a fieldset whose legend names it ("第1名劳动者")."""
    label = definition["ui"]["fields"][field_name]["row_label"]["zh"]
    return page.get_by_role("group", name=re.compile(rf"^第{index + 1}名{re.escape(label)}$"))


def fill_row(row: Locator, definition: dict, field_name: str, values: dict) -> None:
    columns = definition["ui"]["fields"][field_name]["columns"]
    for column, value in values.items():
        label = columns[column]["label"]["zh"]
        if columns[column]["widget"] == "checkbox":
            row.get_by_label(label, exact=True).set_checked(bool(value))
        else:
            row.get_by_label(label_pattern(label)).fill(str(value))


def task_row(page: Page, case_number: str, title: str) -> Locator:
    return page.get_by_role("row").filter(has_text=case_number).filter(has_text=title)


def open_task(page: Page, server: LiveServer, case_number: str, title: str) -> None:
    nav_link(page, server, "Inbox").click()
    page.get_by_role("link", name=server.name("Unclaimed in my units", prefix=True)).click()
    row = task_row(page, case_number, title)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def complete(page: Page, server: LiveServer, case_number: str) -> None:
    page.get_by_role("button", name=server.name("Complete task")).click()
    expect(page).to_have_url(re.compile(r"/inbox/"))
    expect(page.get_by_role("status").first).to_contain_text(case_number)


def letter_text(page: Page, title: str, name: str) -> str:
    letters = page.get_by_role("region", name=re.compile("文书|Letters"))
    item = letters.get_by_role("listitem").filter(has=page.get_by_role("link", name=title)).last
    with page.expect_download() as info:
        item.get_by_role("link", name=title).click()
    pdf = SCREENSHOTS.parent / f"{name}.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(info.value.path(), pdf)
    return pdftotext(pdf)


def fire_timers_at(server: LiveServer, moment: datetime) -> int:
    """The night's timer scan, run as the worker would (the live server's own app and database)."""
    from app.cases import timers

    clock.freeze(moment)
    with server.app.app_context():
        return timers.fire_due(now=clock.utcnow())


def test_complaint_to_order_to_compensation_with_a_linked_legal_aid_case(
    page: Page, live_server: LiveServer, moving_clock
):
    t = live_server.text
    intake = form_definition("wa_complaint")

    # 1. Intake at the labour inspection window; the worker asks for a lawyer.
    log_in(page, live_server, "labour1")
    nav_link(page, live_server, "New application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(intake["title"]["zh"])
    # The complainant's ID number, phone and address share their labels with the columns of the worker rows
    # below them: the complainant's come first on the page.
    shared = ("id_number", "phone", "current_address")
    fill_form(page, intake, {k: v for k, v in COMPLAINT.items() if k not in shared})
    for name in shared:
        page.get_by_label(label_pattern(intake["ui"]["fields"][name]["label"]["zh"])).first.fill(COMPLAINT[name])
    fill_row(row_group(page, intake, "workers", 0), intake, "workers", {**WORKER, "wants_legal_aid": True})
    screenshot(page, "wa-01-complaint-filled")
    page.get_by_role("button", name=live_server.name("Open the case and issue the receipt")).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    complaint_url = page.url
    number = WA_NUMBER.search(page.get_by_role("heading", level=1).inner_text()).group(0)
    expect(page.get_by_role("region", name=t("Letters"))).to_contain_text("欠薪投诉登记回执")
    # 5 working days to accept: Friday 11-20 → Friday 11-27.
    expect(page.get_by_role("region", name=t("Current step"))).to_contain_text("2026-11-27")

    # 2. Acceptance: registered the same day; the referral opens the linked legal-aid case.
    open_task(page, live_server, number, "受理审查")
    acceptance = form_definition("wa_acceptance")
    mark_materials(page, acceptance)
    fill_form(page, acceptance, {"employer_identified": True, "in_inspection_scope": True, "in_our_jurisdiction": True})
    complete(page, live_server, number)
    page.goto(complaint_url)
    expect(page.get_by_role("region", name=t("Letters"))).to_contain_text("欠薪投诉受理通知书")
    links = page.get_by_role("region", name=t("Linked cases"))
    expect(links).to_contain_text(LA_NUMBER)
    aid_number = LA_NUMBER.search(links.inner_text()).group(0)
    expect(links).to_contain_text(t("Legal aid"))
    screenshot(page, "wa-02-accepted-with-referral")
    log_out(page, live_server)

    log_in(page, live_server, "legal_aid1")
    page.get_by_role("link", name=live_server.name("Unclaimed in my units", prefix=True)).click()
    row = task_row(page, aid_number, "材料审查")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(t("Green channel"))
    row.get_by_role("link", name=aid_number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Green channel"))
    expect(page.get_by_role("region", name=t("Linked cases"))).to_contain_text(number)
    expect(page.get_by_role("region", name=t("Application"))).to_contain_text(WORKER["name"])
    screenshot(page, "wa-03-linked-legal-aid-case")
    log_out(page, live_server)

    # 3. Investigation: the arrears confirmed; the employer is told and may state its case first.
    log_in(page, live_server, "labour1")
    open_task(page, live_server, number, "立案调查")
    investigation = form_definition("wa_investigation")
    fill_form(
        page,
        investigation,
        {
            "result": "arrears_confirmed",
            "inspectors": "蒋队员、尤队员",
            "findings": "经调取考勤记录和工资表，询问项目负责人，查明该公司未支付刘建国2026年7月至9月工资",
        },
    )
    fill_row(
        row_group(page, investigation, "confirmed_workers", 0),
        investigation,
        "confirmed_workers",
        {"name": WORKER["name"], "months": 3, "amount": 9000, "period": WORKER["months_owed"]},
    )
    complete(page, live_server, number)
    open_task(page, live_server, number, "听取陈述申辩")
    fill_form(page, form_definition("wa_defence"), {"defence_made": "waived"})
    complete(page, live_server, number)

    # 4. The order to pay within a time limit.
    open_task(page, live_server, number, "作出限期改正指令")
    fill_form(page, form_definition("wa_order"), {"payment_deadline": "2026-11-27", "service_method": "direct"})
    complete(page, live_server, number)
    page.goto(complaint_url)
    order = letter_text(page, "劳动保障监察限期改正指令书", "wage-order")
    for words in (
        "劳动保障监察限期改正指令书",
        "西人社监令字〔2026〕第",
        "杭州西溪建筑劳务有限公司",
        "91330106MA2H0XA97L",
        WORKER["name"],
        "9,000.00元",
        "2026年11月27日前",
        "第二十六条",
        "第八十五条",
        "百分之五十以上百分之一百以下",
        "加付赔偿金",
        "拒不支付劳动报酬罪",
        "申请行政复议",
    ):
        assert words in order, words
    log_out(page, live_server)

    # 5. The deadline passes unpaid: the night's scan moves the case on.
    assert fire_timers_at(live_server, datetime(2026, 11, 30, 2, 0, tzinfo=clock.CHINA_TZ)) >= 1
    clock.freeze(datetime(2026, 11, 30, 10, 0, tzinfo=clock.CHINA_TZ))
    log_in(page, live_server, "labour1")
    open_task(page, live_server, number, "逾期未支付核查")
    fill_form(
        page,
        form_definition("wa_non_payment"),
        {
            "amount_paid_so_far": "0",
            "evasion": False,
            "able_to_pay": True,
            "mass_incident": False,
            "non_payment_facts": "期限届满，该公司账户有工程款进账，仍未支付",
            "penalty_ground": "none",
        },
    )
    complete(page, live_server, number)
    open_task(page, live_server, number, "听取陈述申辩")
    fill_form(
        page,
        form_definition("wa_defence"),
        {
            "defence_made": "made",
            "defence_summary": "工程款未结算，资金紧张",
            "defence_response": "不影响工资支付义务，不予采纳",
        },
    )
    complete(page, live_server, number)

    # 6. The additional-compensation decision (加付赔偿金), heard and with its remedies.
    open_task(page, live_server, number, "加付赔偿金决定")
    fill_form(
        page,
        form_definition("wa_compensation"),
        {"compensation_rate": "80", "compensation_deadline": "2026-12-15", "rate_reason": "经责令仍拒不支付"},
    )
    complete(page, live_server, number)
    page.goto(complaint_url)
    screenshot(page, "wa-04-compensation-decided")
    decision = letter_text(page, "劳动保障监察行政处理决定书", "wage-compensation")
    for words in (
        "劳动保障监察行政处理决定书",
        "西人社监处字〔2026〕第",
        "百分之八十",
        "7,200.00元",
        "9,000.00元",
        "2026年12月15日前",
        "工程款未结算，资金紧张",
        "第二十六条",
        "强制执行",
        "杭州市西湖区人民政府申请行政复议",
        "杭州市西湖区人民法院提起行政诉讼",
    ):
        assert words in decision, words
    # Not over the criminal threshold, not listed: the court enforcement application is what remains.
    expect(page.get_by_role("region", name=t("Current step"))).to_contain_text("申请法院强制执行")
    expect(page.get_by_role("region", name=t("Linked cases"))).to_contain_text(aid_number)
    log_out(page, live_server)
