"""Bad input on the intake form, the language switch, and the keyboard — as a person in a browser meets them."""

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
    sex = page.get_by_role("group", name=re.compile(r"^性别")).get_by_role("radio", name="男", exact=True)
    expect(sex).to_be_checked() if values["sex"] == "male" else expect(sex).not_to_be_checked()
    assert "/cases/new" in page.url


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
    page.keyboard.press("Enter")
    assert focused_id(page) == "main"

    username = page.get_by_label(live_server.text("User name"), exact=True)
    for _ in range(5):  # from the start of main, the first field is a Tab or two away at most
        page.keyboard.press("Tab")
        if focused_id(page) == "username":
            break
    expect(username).to_be_focused()
    page.keyboard.type("window1")
    page.keyboard.press("Tab")
    expect(page.get_by_label(live_server.text("Password"), exact=True)).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/inbox/"))

    # On every page the skip link is the first stop, and it is visible when it has focus. (Load the inbox
    # afresh: the redirect kept the #main the skip link added, which starts Tab inside main.)
    page.goto("/inbox/")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    screenshot(page, "23-skip-link-focused")
