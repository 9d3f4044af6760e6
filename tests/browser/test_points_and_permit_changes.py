"""Two short journeys through the real UI: a permit holder's points assessed at the window (the form prefilled
with what was declared, the result letter and the person page), and a permit's change of address routed to the
new community, then a lost card replaced by the station that now serves the holder."""

from __future__ import annotations

import random
import re
import shutil
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

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


@pytest.fixture(scope="module")
def holders(live_server: LiveServer) -> list[dict]:
    """Two people whose permits were issued through the residence-permit process four months ago."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.core import clock
    from app.extensions import db
    from app.permits.demo import issue_demo_permit

    with live_server.app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        issued = clock.today() - timedelta(days=120)
        made = []
        for seed in (21, 22):
            permit, form = issue_demo_permit("C0201", issued, users, random.Random(seed))
            made.append({**form, "permit_id": permit.id, "permit_number": permit.number})
        clock.freeze(None)
    return made


def case_number_on(page: Page, prefix: str) -> str:
    return re.search(rf"{prefix}-\d{{6}}-\d{{4}}-\d{{6}}", page.get_by_role("heading", level=1).inner_text()).group(0)


def download(page: Page, region, title: str, name: str) -> str:
    item = region.get_by_role("listitem").filter(has=page.get_by_role("link", name=title))
    expect(item).to_have_count(1)
    with page.expect_download() as info:
        item.get_by_role("link").click()
    pdf = SCREENSHOTS.parent / name
    pdf.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(info.value.path(), pdf)
    return pdftotext(pdf)


def test_points_from_the_window_to_the_letter_and_the_person_page(page: Page, live_server: LiveServer, holders):
    t = live_server.text
    holder = holders[0]
    intake = form_definition("pt_application")
    log_in(page, live_server, "window1")
    nav_link(page, live_server, "New application").click()
    page.get_by_role("link", name=t("Residence permit points")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(intake["title"]["zh"])
    declared = {k: holder[k] for k in ("applicant_name", "id_number", "phone", "current_address", "community_code")}
    declared.update(
        education="bachelor",
        skill="senior_worker",
        insurance_months=30,
        volunteer_hours=120,
        award_level="city",
        penalty="none",
        declaration=True,
    )
    fill_form(page, intake, declared)
    screenshot(page, "pt-01-intake")
    page.get_by_role("button", name=live_server.name("Open the case and issue the receipt")).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_url, case_number = page.url, case_number_on(page, "PT")
    expect(page.get_by_role("region", name=t("Letters"))).to_contain_text("居住证积分申请受理回执")

    nav_link(page, live_server, "Inbox").click()
    page.get_by_role("link", name=live_server.name("Unclaimed in my units", prefix=True)).click()
    row = page.get_by_role("row").filter(has_text=case_number).filter(has_text="核验积分材料")
    row.get_by_role("link", name="核验积分材料").click()
    verification = form_definition("pt_verification")
    education = page.get_by_label(re.compile("^" + verification["ui"]["fields"]["education"]["label"]["zh"]))
    expect(education).to_have_value("bachelor")  # prefilled with what was declared
    mark_materials(page, verification)
    fill_form(page, verification, {"education": "associate", "verification_note": "学历证书为大专，按材料改正。"})
    screenshot(page, "pt-02-verification")
    page.get_by_role("button", name=live_server.name("Complete task")).click()
    expect(page.get_by_role("status").first).to_contain_text(case_number)

    page.goto(case_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Approved"))
    text = download(page, page.get_by_role("region", name=t("Letters")), "居住证积分核定通知书", "points-letter.pdf")
    # Residence counts from the registration on the permit application: 2 a year; then insurance 6, associate
    # 10 (corrected from the declared bachelor), senior worker 15, volunteer 2, city award 5, no penalty 0.
    from app.core import clock
    from app.processes.scripting import months_between

    total = 2 * min(months_between(holder["residence_registered_on"], clock.today()) // 12, 10) + 38
    assert holder["applicant_name"] in text and f"核定你的积分为{total}分" in text and "大学专科" in text
    page.get_by_role("link", name=t("All permits and cases of this person")).click()
    points = page.get_by_role("region", name=t("Points"))
    expect(points).to_contain_text(str(total))
    expect(points).to_contain_text(t("Years of continuous residence"))
    screenshot(page, "pt-03-person", viewport=PHONE)
    log_out(page, live_server)


def test_change_of_address_then_a_lost_card_replaced(page: Page, live_server: LiveServer, holders):
    t = live_server.text
    holder = holders[1]
    log_in(page, live_server, "window1")
    page.goto(f"/permits/{holder['permit_id']}")
    page.get_by_role("link", name=t("Register a change of address")).click()
    request = form_definition("rc_request")
    expect(page.get_by_role("main")).to_contain_text(holder["permit_number"])  # taken from the record
    from app.core import clock

    moved = (clock.today() - timedelta(days=3)).isoformat()
    fill_form(
        page,
        request,
        {"current_address": "杭州市西湖区翠苑路76号2幢301室", "community_code": "C0302", "moved_on": moved},
    )
    page.get_by_role("button", name=t("Open the case")).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    change_number = case_number_on(page, "RC")
    log_out(page, live_server)

    log_in(page, live_server, "community_c0302")  # the NEW community checks
    page.get_by_role("link", name=live_server.name("Unclaimed in my units", prefix=True)).click()
    row = page.get_by_role("row").filter(has_text=change_number)
    row.get_by_role("link").filter(has_text="核查").first.click()
    fill_form(
        page,
        form_definition("rc_verification"),
        {
            "lives_at_new_address": True,
            "visit_date": clock.today().isoformat(),
            "observations": "入户核查，持证人已在新地址居住。",
        },
    )
    page.get_by_role("button", name=live_server.name("Complete task")).click()
    expect(page.get_by_role("status").first).to_contain_text(change_number)
    log_out(page, live_server)

    log_in(page, live_server, "window1")
    page.goto(f"/permits/{holder['permit_id']}")
    expect(page.get_by_role("main")).to_contain_text("翠苑二区")
    expect(page.get_by_role("region", name=t("History"))).to_contain_text(t("Address changed"))
    page.get_by_role("link", name=t("Replace the card")).click()
    fill_form(page, form_definition("rr_request"), {"reason": "lost", "loss_statement": "在公交车上遗失，已挂失。"})
    page.get_by_role("button", name=t("Open the case")).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    replacement_number = case_number_on(page, "RR")
    log_out(page, live_server)

    log_in(page, live_server, "police_p03")  # the station serving 翠苑二区 since the move
    page.get_by_role("link", name=live_server.name("Unclaimed in my units", prefix=True)).click()
    row = page.get_by_role("row").filter(has_text=replacement_number)
    expect(row).to_have_count(1)
    row.get_by_role("link").first.click()
    fill_form(
        page,
        form_definition("rr_production"),
        {"identity_checked": True, "card_ready_on": (clock.today() + timedelta(days=5)).isoformat()},
    )
    page.get_by_role("button", name=live_server.name("Complete task")).click()
    expect(page.get_by_role("status").first).to_contain_text(replacement_number)
    page.goto(f"/permits/{holder['permit_id']}")
    expect(page.get_by_role("region", name=t("History"))).to_contain_text(t("Replacement card issued"))
    screenshot(page, "rr-01-permit-replaced")
    log_out(page, live_server)
