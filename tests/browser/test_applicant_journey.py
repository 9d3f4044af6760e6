"""The applicant's journey through the real pages: apply online for a residence permit → a window caseworker
issues the one-time supplement notice → the applicant uploads the missing material on the progress page → the
caseworker accepts it → community and police do their steps → the applicant follows the case to the decision
and downloads the letter → a stranger verifies the letter from its code.

Four browser contexts (own cookies): the applicant who applies, the same applicant later on a phone without an
account, the staff (one log-in after another), and the stranger. Anju's clock is frozen on Monday 2026-11-23
so the dates on the pages are known.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from app.core import clock
from tests.browser.axe import assert_no_serious_violations
from tests.browser.support import (
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
PHONE = {"width": 375, "height": 812}
TODAY = date(2026, 11, 23)  # a Monday
CASE_NUMBER = re.compile(r"RP-\d{6}-2026-\d{6}")
ACCESS_CODE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")


@pytest.fixture(scope="module", autouse=True)
def frozen_clock(live_server: LiveServer, tmp_path_factory) -> Iterator[None]:
    """The server runs in this process: freezing Anju's clock fixes every date it shows."""
    clock.freeze(datetime(2026, 11, 23, 10, 0, tzinfo=clock.CHINA_TZ))
    live_server.app.config["UPLOAD_DIR"] = str(tmp_path_factory.mktemp("uploads"))  # not the checkout's instance/
    yield
    clock.freeze(None)


def png_file(name: str, color: str = "navy") -> dict:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(out, "PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


def saved(download, name: str) -> Path:
    path = SCREENSHOTS.parent / name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(download.path(), path)
    return path


def task_row(page: Page, case_number: str, title: str):
    return page.get_by_role("row").filter(has_text=case_number).filter(has_text=title)


def open_task_from_inbox(page: Page, server: LiveServer, case_number: str, title: str) -> None:
    nav_link(page, server, "Inbox").click()
    page.get_by_role("link", name=server.name("Unclaimed in my units", prefix=True)).click()
    row = task_row(page, case_number, title)
    expect(row).to_have_count(1)
    row.get_by_role("button", name=server.name("Claim", prefix=True)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def complete(page: Page, server: LiveServer, case_number: str) -> None:
    page.get_by_role("button", name=server.name("Complete task")).click()
    expect(page).to_have_url(re.compile(r"/inbox/"))
    expect(page.get_by_role("status").first).to_contain_text(case_number)


def apply_online(page: Page, server: LiveServer, answers: dict) -> tuple[str, str]:
    """Start page → every question page → documents → check your answers → confirmation."""
    from app.portal import apply

    t = server.text
    intake = form_definition("rp_application")
    with server.app.app_context():
        pages = apply.pages(apply.intake_definition("residence_permit"))

    page.goto("/")
    nav_link(page, server, "Apply online").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Apply online"))
    page.get_by_role("link", name="居住证申领").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("居住证申领")
    screenshot(page, "40-apply-start")
    page.get_by_role("button", name=server.name("Start now")).click()

    for number, questions in enumerate(pages, start=1):
        expect(page.locator(".caption")).to_contain_text(t("Step %(n)s of %(total)s", n=number, total=len(pages)))
        if number == 1:  # one try with a mistake: the summary names the field, what was typed stays
            page.get_by_role("button", name=server.name("Save and continue")).click()
            summary = page.locator("#error-summary")
            expect(summary).to_be_visible()
            expect(summary.get_by_role("link").first).to_contain_text(
                intake["ui"]["fields"]["applicant_name"]["label"]["zh"]
            )
            screenshot(page, "41-apply-page-errors", viewport=PHONE)
        fill_form(page, intake, {name: answers[name] for name in questions["fields"] if name in answers})
        screenshot(page, f"42-apply-page-{number}")
        page.get_by_role("button", name=server.name("Save and continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Upload documents"))
    page.get_by_label(re.compile(r"^申请人居民身份证")).set_input_files(png_file("id-card.png"))
    screenshot(page, "43-apply-documents")
    page.get_by_role("button", name=server.name("Continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your answers before sending your application"))
    answers_list = page.locator(".summary-list")
    expect(answers_list.first).to_contain_text(answers["applicant_name"])
    expect(page.locator(".check-section").last).to_contain_text(t("Uploaded: %(file)s", file="id-card.png"))
    screenshot(page, "44-apply-check")
    screenshot(page, "44-apply-check", viewport=PHONE)
    page.get_by_role("button", name=server.name("Accept and send")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Application sent"))
    case_number = page.locator(".reference").first.inner_text().strip()
    access_code = page.locator(".access-code").inner_text().strip()
    assert CASE_NUMBER.fullmatch(case_number) and ACCESS_CODE.match(access_code), (case_number, access_code)
    # What happens next, by when in working days: the check by 2026-11-24, a decision by 2026-12-08.
    steps = page.locator(".steps-list")
    expect(steps).to_contain_text("2026-11-24")
    expect(steps).to_contain_text("2026-12-08")
    expect(steps).to_contain_text("工作日")
    expect(page.get_by_role("heading", name=t("Documents you still need to bring"))).to_be_visible()
    screenshot(page, "45-apply-done")
    screenshot(page, "45-apply-done", viewport=PHONE)

    with page.expect_download() as info:
        page.get_by_role("link", name=server.name("Save this page as PDF")).click()
    text = pdftotext(saved(info.value, "confirmation.pdf"))
    assert case_number in text and access_code in text and "2026-12-08" in text and "居住地住址证明" in text
    return case_number, access_code


def follow_with_code(page: Page, server: LiveServer, case_number: str, access_code: str) -> None:
    page.goto("/track")
    page.get_by_label(server.text("Case number"), exact=True).fill(case_number)
    page.get_by_label(server.text("Access code"), exact=True).fill(access_code.lower().replace("-", ""))
    page.get_by_role("button", name=server.name("Show my case")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case_number)


def test_an_applicant_applies_online_supplies_a_document_and_gets_a_verifiable_letter(
    new_page, live_server: LiveServer
):
    t = live_server.text
    answers = permit_form("C0201", today=TODAY, seed=20261123)
    applicant = new_page()
    case_number, access_code = apply_online(applicant, live_server, answers)

    # 1. The window caseworker sees the uploaded ID card inline and asks, once, for the proof of address.
    staff = new_page()
    log_in(staff, live_server, "window1")
    open_task_from_inbox(staff, live_server, case_number, "材料审查")
    mark_materials(
        staff, form_definition("rp_materials"), lambda legend: "missing" if "居住地住址证明" in legend else "provided"
    )
    fill_form(staff, form_definition("rp_materials"), {"supplement_deadline": (TODAY + timedelta(days=5)).isoformat()})
    complete(staff, live_server, case_number)

    # 2. On a phone, without an account, the applicant follows the case with number + access code.
    phone = new_page(viewport=PHONE)
    follow_with_code(phone, live_server, case_number, access_code)
    missing = phone.locator(".portal-missing")
    expect(missing).to_contain_text("居住地住址证明")
    expect(missing).to_contain_text("2026-11-28")
    expect(phone.locator(".portal-dates")).to_contain_text("暂停")  # the clock is paused, and it says so
    expect(phone.get_by_role("link", name="居住证申领材料一次性补正告知书")).to_be_visible()
    screenshot(phone, "46-progress-supplement")
    assert_no_serious_violations(phone, "progress with the supplement form (phone)")

    upload = phone.get_by_label("居住地住址证明", exact=True)
    upload.set_input_files({"name": "lease.png", "mimeType": "image/png", "buffer": b"this is not a picture"})
    phone.get_by_role("button", name=live_server.name("Send the documents")).click()
    summary = phone.locator("#error-summary")
    expect(summary).to_contain_text("居住地住址证明")
    expect(summary).to_contain_text("PDF")
    screenshot(phone, "47-progress-upload-refused")
    phone.get_by_label("居住地住址证明", exact=True).set_input_files(png_file("lease.png", "teal"))
    phone.get_by_role("button", name=live_server.name("Send the documents")).click()
    expect(phone.get_by_role("status").first).to_contain_text(
        t("Thank you. We have received %(n)s file(s). The caseworker will check them.", n=1)
    )
    expect(phone.get_by_role("region", name=t("Documents you sent"))).to_contain_text("lease.png")

    # 3. The caseworker sees both documents on the case page (images inline) and records the supplement.
    nav_link(staff, live_server, "Cases").click()
    staff.get_by_role("link", name=case_number, exact=True).click()
    documents = staff.get_by_role("region", name=t("Documents from the applicant"))
    images = documents.locator("img.document-image")
    expect(images).to_have_count(2)
    for image in images.all():
        image.scroll_into_view_if_needed()  # they load lazily
        expect(image).to_have_js_property("naturalWidth", 320)  # the picture itself arrived, not a broken icon
    screenshot(staff, "48-case-documents")
    open_task_from_inbox(staff, live_server, case_number, "登记补正材料")
    fill_form(staff, form_definition("rp_supplement"), {"supplied": "supplied", "supplied_on": TODAY.isoformat()})
    complete(staff, live_server, case_number)
    log_out(staff, live_server)

    # 4. The community checks the address, the police station approves.
    log_in(staff, live_server, "community_c0201")
    open_task_from_inbox(staff, live_server, case_number, "社区入户核查")
    fill_form(
        staff,
        form_definition("rp_verification"),
        {
            "lives_at_address": True,
            "visit_date": TODAY.isoformat(),
            "observations": "入户走访，询问房东和邻居，申请人在申报地址实际居住。",
        },
    )
    complete(staff, live_server, case_number)
    log_out(staff, live_server)
    log_in(staff, live_server, "police_p02")
    open_task_from_inbox(staff, live_server, case_number, "审批发证")
    fill_form(staff, form_definition("rp_approval"), {"decision": "approve", "issue_date": TODAY.isoformat()})
    complete(staff, live_server, case_number)
    log_out(staff, live_server)

    # 5. The applicant follows the case to the decision and downloads the letter.
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(case_number)
    expect(phone.locator(".portal-summary")).to_contain_text(t("Approved"))
    expect(phone.get_by_role("region", name=t("Where your case is now"))).to_contain_text(t("Your case is finished."))
    done = phone.get_by_role("region", name=t("Steps done"))
    for step in ("材料审查", "登记补正材料", "社区入户核查", "审批发证"):
        expect(done).to_contain_text(step)
    letter = phone.get_by_role("link", name="准予核发居住证决定书")
    expect(letter).to_be_visible()
    screenshot(phone, "49-progress-approved")
    with phone.expect_download() as info:
        letter.click()
    text = pdftotext(saved(info.value, "applicant-approval-letter.pdf"))
    assert answers["applicant_name"] in text and "准予" in text
    reference = re.search(r"西公居准字〔2026〕第\d+号", text)
    code = re.search(r"验证码：([A-Z0-9]{5}-[A-Z0-9]{5})", text)
    assert reference and code, text[:500]

    # 6. A stranger verifies the letter from the code printed on it, and learns only what the page may say.
    stranger = new_page()
    stranger.goto("/verify")
    stranger.get_by_label(t("Verification code"), exact=True).fill(code.group(1).lower())
    stranger.get_by_role("button", name=live_server.name("Verify")).click()
    expect(stranger).to_have_url(re.compile(r"/verify/" + code.group(1).replace("-", "")))
    expect(stranger.get_by_role("status")).to_contain_text(t("Valid"))
    facts = stranger.locator(".portal-facts")
    for shown in ("准予核发居住证决定书", reference.group(0), "2026", answers["applicant_name"][0] + "*"):
        expect(facts).to_contain_text(shown)
    body = stranger.locator("main").inner_text()
    for hidden in (answers["applicant_name"], answers["id_number"], answers["phone"], case_number):
        assert hidden not in body
    screenshot(stranger, "50-verify-letter")
    screenshot(stranger, "50-verify-letter", viewport=PHONE)
    assert_no_serious_violations(stranger, "verify a letter")


def last_code(server: LiveServer, recipient: str) -> str:
    """The code in the newest verification message to `recipient` (the outbox of the test server)."""
    from app.extensions import db
    from app.notifications.models import OutboxMessage

    with server.app.app_context():
        body = db.session.scalars(
            db.select(OutboxMessage.body)
            .where(OutboxMessage.kind == "verification_code", OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id.desc())
        ).first()
    return re.search(r"\d{6}", body).group(0)


def test_with_an_account_an_applicant_stops_comes_back_on_a_phone_and_chooses_e_mail(new_page, live_server: LiveServer):
    from app.portal import apply

    t = live_server.text
    intake = form_definition("rp_application")
    answers = permit_form("C0101", today=TODAY, seed=20261124)
    with live_server.app.app_context():
        pages = apply.pages(apply.intake_definition("residence_permit"))
    phone_number = "13700137000"

    # 1. On a computer: create an account from the start page, prove the number with the code, begin.
    desk = new_page()
    desk.goto("/apply/residence_permit")
    desk.get_by_role("link", name=t("Create an account")).click()
    desk.get_by_label(t("Mobile phone number or e-mail address"), exact=True).fill(phone_number)
    desk.get_by_label(t("Password"), exact=True).fill("a-long-password")
    desk.get_by_role("button", name=live_server.name("Continue")).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(t("Enter the code we sent you"))
    expect(desk.locator("main")).to_contain_text("137****7000")
    desk.get_by_label(t("Code"), exact=True).fill(last_code(live_server, phone_number))
    desk.get_by_role("button", name=live_server.name("Confirm")).click()
    expect(desk).to_have_url(re.compile(r"/apply/residence_permit$"))  # back where they were
    desk.get_by_role("button", name=live_server.name("Start now")).click()
    fill_form(desk, intake, {name: answers[name] for name in pages[0]["fields"] if name in answers})
    desk.get_by_role("button", name=live_server.name("Save and come back later")).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(t("Your account"))
    expect(desk.get_by_role("region", name=t("Saved applications"))).to_contain_text("居住证申领")
    desk.get_by_role("button", name=live_server.name("Log out")).click()

    # 2. Later, on a phone: log in, add an e-mail address (proved by its own code), choose it for news.
    phone = new_page(viewport=PHONE)
    phone.goto("/account/login")
    phone.get_by_label(t("Mobile phone number or e-mail address"), exact=True).fill(phone_number)
    phone.get_by_label(t("Password"), exact=True).fill("a-long-password")
    phone.get_by_role("button", name=live_server.name("Log in")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(t("Your account"))
    phone.get_by_label(t("Add an e-mail address"), exact=True).fill("Wang.Li@Example.com")
    phone.get_by_role("button", name=live_server.name("Send the code")).click()
    phone.get_by_label(t("Code"), exact=True).fill(last_code(live_server, "wang.li@example.com"))
    phone.get_by_role("button", name=live_server.name("Confirm")).click()
    contact = phone.get_by_role("group", name=t("Send news about my cases by"))
    contact.get_by_role("radio", name=t("E-mail to %(to)s", to="wang.li@example.com")).check()
    phone.get_by_role("button", name=live_server.name("Save settings")).click()
    expect(phone.get_by_role("status").first).to_contain_text(t("Your settings are saved."))
    screenshot(phone, "51-account-home")
    assert_no_serious_violations(phone, "account home (phone)")

    # 3. The saved answers are there; the rest of the application is done on the phone.
    phone.get_by_role("region", name=t("Saved applications")).get_by_role("link", name="居住证申领").click()
    phone.get_by_role("button", name=live_server.name("Continue your application")).click()
    expect(phone.get_by_label(re.compile(r"^姓名"))).to_have_value(answers["applicant_name"])
    for number, questions in enumerate(pages, start=1):
        if number > 1:
            fill_form(phone, intake, {name: answers[name] for name in questions["fields"] if name in answers})
        phone.get_by_role("button", name=live_server.name("Save and continue")).click()
    phone.get_by_role("button", name=live_server.name("Continue")).click()  # no documents: bring them
    phone.get_by_role("button", name=live_server.name("Accept and send")).click()
    expect(phone.locator(".steps-list")).to_contain_text("w***@example.com")  # news by e-mail, as chosen
    case_number = phone.locator(".reference").first.inner_text().strip()

    # 4. The account lists the case; it opens the progress page without the access code.
    phone.goto("/account")
    phone.get_by_role("link", name=case_number).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(case_number)
    from app.extensions import db
    from app.notifications.models import OutboxMessage

    with live_server.app.app_context():
        sent = db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == "case_received").order_by(OutboxMessage.id.desc())
        ).first()
        assert (sent.channel, sent.recipient) == ("email", "wang.li@example.com") and case_number in sent.body
