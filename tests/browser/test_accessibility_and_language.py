"""Bad input on the intake form, the language switch, the keyboard, an error page: as a person meets them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    LiveServer,
    field,
    fill_form,
    form_definition,
    log_in,
    log_out,
    nav_link,
    screenshot,
)
from tests.factories import permit_form

pytestmark = pytest.mark.browser


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_bad_id_number_is_named_in_the_error_summary_and_the_input_is_kept(page: Page, live_server: LiveServer):
    intake = form_definition("rp_application")
    values = permit_form("C0201")
    good = values["id_number"]
    values["id_number"] = good[:-1] + ("1" if good[-1] != "1" else "2")  # GB 11643 check digit now wrong
    log_in(page, live_server, "window2")
    nav_link(page, live_server, "New application").click()
    fill_form(page, intake, values)
    with page.expect_response(re.compile(r"/cases/new")) as response:
        page.get_by_role("button", name=live_server.name("Open the case and issue the receipt")).click()
    assert response.value.status == 422

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_have_attribute("tabindex", "-1")
    summary.focus()
    assert focused_id(page) == "error-summary"
    id_label = intake["ui"]["fields"]["id_number"]["label"]["zh"]
    link = summary.get_by_role("link", name=re.compile(re.escape(id_label)))
    expect(link).to_have_count(1)
    screenshot(page, "20-intake-errors")

    link.click()
    id_input = field(page, intake, "id_number")
    expect(id_input).to_be_focused()
    expect(id_input).to_have_attribute("aria-invalid", "true")
    # The message sits by the field and is read out with it.
    described = id_input.get_attribute("aria-describedby") or ""
    assert any(page.locator(f"#{i}.error-message").count() for i in described.split()), described

    # Nothing typed is lost, and no case was opened.
    expect(id_input).to_have_value(values["id_number"])
    expect(field(page, intake, "applicant_name")).to_have_value(values["applicant_name"])
    expect(field(page, intake, "current_address")).to_have_value(values["current_address"])
    expect(field(page, intake, "community_code")).to_have_value("C0201")
    expect(field(page, intake, "residence_registered_on")).to_have_value(values["residence_registered_on"])
    sex_options = intake["ui"]["fields"]["sex"]["options"]
    sex = next(o["label"]["zh"] for o in sex_options if o["value"] == values["sex"])
    expect(page.get_by_role("radio", name=sex, exact=True)).to_be_checked()
    assert "/cases/new" in page.url
    with live_server.app.app_context():
        from app.cases.models import Case
        from app.extensions import db

        assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def test_english_is_remembered_across_pages_and_on_the_account(page: Page, new_page, live_server: LiveServer):
    unit_zh, unit_en = "西湖区流动人口服务中心", "Xihu Migrant Service Centre"
    log_in(page, live_server, "window2")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".who")).to_contain_text(unit_zh)

    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".who")).to_contain_text(unit_en)
    expect(page.get_by_role("button", name="中文", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/inbox/"))
    screenshot(page, "21-inbox-english")

    # Another page: the form definitions' own texts are English too.
    nav_link(page, live_server, "New application", "en").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(form_definition("rp_application")["title"]["en"])
    expect(field(page, form_definition("rp_application"), "applicant_name", "en")).to_be_visible()
    screenshot(page, "22-intake-english")

    # Logging out forgets the session, not the choice: it is on the account.
    log_out(page, live_server, "en")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    log_in(page, live_server, "window2")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".who")).to_contain_text(unit_en)

    # A different browser (no cookies, asks for Chinese) gets English once this user logs in.
    other = new_page(locale="zh-CN")
    log_in(other, live_server, "window2")
    expect(other.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".who")).to_contain_text(unit_zh)


def test_the_skip_link_comes_first_and_login_works_with_the_keyboard_alone(page: Page, live_server: LiveServer):
    from app.demo import DEMO_PASSWORD

    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=live_server.name("Skip to main content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    username = page.get_by_label(live_server.text("User name"), exact=True)
    for _ in range(6):  # past the brand link and the language button
        page.keyboard.press("Tab")
        if focused_id(page) == "username":
            break
    expect(username).to_be_focused()
    page.keyboard.type("window1")
    page.keyboard.press("Tab")
    password = page.get_by_label(live_server.text("Password"), exact=True)
    expect(password).to_be_focused()
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")

    # A wrong password: the error summary takes the focus, the name is kept, Tab leads back into the form.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    screenshot(page, "25-login-error")
    page.keyboard.press("Tab")
    expect(username).to_be_focused()
    expect(username).to_have_value("window1")
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/inbox/$"))

    # On every page the skip link is the first stop, visible when focused, and it moves focus to the content.
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    screenshot(page, "23-skip-link-focused")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_a_case_that_is_not_there_gets_a_clear_page_with_a_way_back(page: Page, live_server: LiveServer):
    log_in(page, live_server, "window2")
    response = page.goto("/cases/999999")
    assert response.status == 404
    expect(page.get_by_role("alert")).to_be_visible()
    screenshot(page, "24-error-not-found")
    page.get_by_role("link", name=live_server.name("Back to the start page")).click()
    expect(page).to_have_url(re.compile(r"/inbox/"))
