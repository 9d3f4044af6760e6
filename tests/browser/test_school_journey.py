"""A school place for a migrant child through the real UI: the education bureau takes the application (the
parent's permit is looked up, not typed), checks the documents, its head runs the allocation round with a
public seed and re-runs it, the offer letter (入学通知书) carries the child, school and report date, and the
child's reporting at the school closes the case."""

from __future__ import annotations

import random
import re
import shutil
from datetime import date, datetime, timedelta

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
CASE_NUMBER = re.compile(r"SC-\d{6}-\d{4}-\d{6}")


@pytest.fixture(scope="module")
def parents(live_server: LiveServer):
    """The demo's schools, and three parents whose residence permits were issued through the real process."""
    from app.core import clock
    from app.extensions import db
    from app.schools.demo import permit_holder, school_form, seed_schools
    from app.schools.places import default_school_year

    year = default_school_year()
    rng = random.Random(11)
    with live_server.app.app_context():
        from app.accounts.models import OrgUnit, User

        units = {u.code: u for u in db.session.scalars(db.select(OrgUnit))}
        users = {u.username: u for u in db.session.scalars(db.select(User))}
        seed_schools(units, year)
        db.session.commit()
        issued = clock.today() - timedelta(days=120)
        holders = [permit_holder(units, users, rng, community="C0101", issued_on=issued) for _ in range(3)]
        clock.freeze(None)
        forms = [school_form(h, rng, year) for h in holders]
        for form in forms[1:]:  # two more families apply by the service layer: the round has three children
            from app.cases import service

            service.open_case(service="school_placement", form=form, actor=users["education1"], locale="zh")
        db.session.commit()
    return year, forms


def test_from_the_bureau_window_to_the_round_and_the_offer_letter(page: Page, live_server: LiveServer, parents):
    t = live_server.text
    year, forms = parents
    child = forms[0]
    intake = form_definition("sc_application")

    log_in(page, live_server, "education1")
    nav_link(page, live_server, "New application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(intake["title"]["zh"])
    fill_form(
        page,
        intake,
        {
            **{k: v for k, v in child.items() if k in intake["ui"]["fields"] and k not in ("grade", "current_school")},
            "declaration": True,
        },
    )
    screenshot(page, "sc-01-intake")
    page.get_by_role("button", name=live_server.name("Open the case and issue the receipt")).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_url = page.url
    case_number = CASE_NUMBER.search(page.get_by_role("heading", level=1).inner_text()).group(0)
    expect(page.get_by_role("region", name=t("Letters"))).to_contain_text("随迁子女入学申请受理回执")

    # The documents of all three applications are checked in the inbox.
    for _ in range(3):
        nav_link(page, live_server, "Inbox").click()
        page.get_by_role("link", name=live_server.name("Unclaimed in my units", prefix=True)).click()
        row = page.get_by_role("row").filter(has_text="审核入学材料").first
        row.get_by_role("link", name="审核入学材料").click()
        materials = form_definition("sc_materials")
        mark_materials(page, materials)
        fill_form(page, materials, {"currently_paying": True})
        screenshot(page, "sc-02-materials")
        page.get_by_role("button", name=live_server.name("Complete task")).click()
        expect(page).to_have_url(re.compile(r"/inbox/$"))
        expect(page.get_by_role("status").first).to_contain_text("审核入学材料")
    log_out(page, live_server)

    # The head runs the round: XH-P01 has three grade-1 places for C0101 and C0102 in the demo schools.
    log_in(page, live_server, "education_lead")
    nav_link(page, live_server, "Schools").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(year))
    screenshot(page, "sc-03-schools", viewport=PHONE)
    page.get_by_role("link", name=t("Allocation rounds")).first.click()
    page.get_by_label(t("School year")).fill(str(year))
    page.get_by_label(t("Day to report at the school")).fill(date(year, 8, 28).isoformat())
    page.get_by_label(t("Lottery seed (optional)")).fill("2026-公证-0815")
    screenshot(page, "sc-04-rounds")
    page.get_by_role("button", name=t("Run the round and issue the offer letters")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Allocation rounds")[:2])
    expect(page.get_by_role("status").first).to_contain_text("3")
    expect(page.get_by_role("table").last).to_contain_text(case_number)
    screenshot(page, "sc-05-round")
    screenshot(page, "sc-05-round", viewport=PHONE)
    page.get_by_role("button", name=t("Run it again from the recorded seed and compare")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t("Re-run from the recorded seed and inputs: the same places, child for child.")
    )

    page.goto(case_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Approved"))
    offer = (
        page.get_by_role("region", name=t("Letters"))
        .get_by_role("listitem")
        .filter(has=page.get_by_role("link", name="随迁子女义务教育入学通知书"))
    )
    expect(offer).to_have_count(1)
    with page.expect_download() as download_info:
        offer.get_by_role("link").click()
    pdf = SCREENSHOTS.parent / "school-offer-letter.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(download_info.value.path(), pdf)
    text = pdftotext(pdf)
    assert child["child_name"] in text and child["child_id_number"] in text
    assert "杭州市西湖区宝石小学" in text and f"{year}年8月28日" in text and "报到" in text

    # The child reports at the school on the report date: the bureau records it and the case closes.
    from app.core import clock

    clock.freeze(datetime(year, 8, 31, 10, 0, tzinfo=clock.CHINA_TZ))
    try:
        nav_link(page, live_server, "Inbox").click()
        page.get_by_role("link", name=live_server.name("Unclaimed in my units", prefix=True)).click()
        row = page.get_by_role("row").filter(has_text=case_number)
        expect(row).to_contain_text("登记入学报到")
        row.get_by_role("link", name="登记入学报到").click()
        enrolment = form_definition("sc_enrolment")
        fill_form(page, enrolment, {"enrolment": "enrolled", "reported_on": date(year, 8, 28).isoformat()})
        screenshot(page, "sc-06-enrolment", viewport=PHONE)
        page.get_by_role("button", name=live_server.name("Complete task")).click()
        expect(page).to_have_url(re.compile(r"/inbox/"))
        page.goto(case_url)
        timeline = page.get_by_role("region", name=t("Timeline"))
        expect(timeline).to_contain_text(t("reported at the school on %(day)s", day=date(year, 8, 28).isoformat()))
        expect(timeline).to_contain_text(t("Case closed"))
        screenshot(page, "sc-07-enrolled")
    finally:
        clock.freeze(None)
    log_out(page, live_server)
