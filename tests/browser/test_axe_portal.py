"""axe-core on every applicant page, at desktop and phone width: no serious or critical violation, and at phone
width nothing makes the page scroll sideways. Pages are reached the way an applicant reaches them (applying
for each service online, following the case, an account, verifying a letter), with and without errors."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from app.core import clock
from tests.browser.axe import assert_no_serious_violations, run_axe
from tests.browser.support import SCREENSHOTS, LiveServer, field, fill_form, form_definition
from tests.factories import materials, permit_form

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
WIDTHS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
TODAY = date(2026, 11, 23)
INTAKE_FORMS = {
    "residence_permit": "rp_application",
    "legal_aid": "la_application",
    "wage_arrears": "wa_complaint",
    "school_placement": "sc_application",
    "points_assessment": "pt_application",
}


@pytest.fixture(scope="module", autouse=True)
def frozen_clock(live_server: LiveServer, tmp_path_factory) -> Iterator[None]:
    clock.freeze(datetime(2026, 11, 23, 10, 0, tzinfo=clock.CHINA_TZ))
    live_server.app.config["UPLOAD_DIR"] = str(tmp_path_factory.mktemp("uploads"))  # not the checkout's instance/
    yield
    clock.freeze(None)


def check(page: Page, name: str) -> None:
    """axe finds nothing serious; at phone width the page fits the window; a screenshot to look at."""
    assert_no_serious_violations(page, name)
    width = page.viewport_size["width"]
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than the {width}px window"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"axe-{name}-{width}.png"), full_page=True)


def answers_for(service: str, seed: int) -> dict:
    form = permit_form("C0201", today=TODAY, seed=seed)
    if service == "residence_permit":
        return form
    person = {k: form[k] for k in ("applicant_name", "id_number", "phone", "current_address", "community_code")}
    if service == "legal_aid":
        return {
            **person,
            "applicant_status": "migrant_worker",
            "matter_type": "wage_claim",
            "aid_requested": "arbitration",
            "opponent_name": "杭州某建筑劳务有限公司",
            "facts": "2026年8月至10月在工地务工，公司拖欠工资三个月共计一万八千元，多次催讨未果。",
            "amount_claimed": "18000",
        }
    if service == "school_placement":
        from app.schools.demo import school_form

        return school_form(form, random.Random(seed), 2027)
    if service == "points_assessment":
        from app.points.demo import points_form

        return points_form(form)
    from app.wage_arrears.demo import complaint_form

    return complaint_form(random.Random(seed), "C0201")


def test_every_service_offered_online_is_checked_here(live_server: LiveServer):
    from app.portal import apply

    with live_server.app.app_context():
        offered = {service.process_id for service in apply.online_services()}
    assert offered == set(INTAKE_FORMS), "a new online service: add its intake form and answers to this module"


def fill_page(page: Page, definition: dict, answers: dict, fields: list[str]) -> None:
    """By visible label (tests.browser.support), except the rows of a repeat field, typed cell by cell."""
    plain = {}
    for name in fields:
        if name not in answers:
            continue
        if definition["ui"]["fields"][name]["widget"] == "repeat":
            for index, row in enumerate(answers[name]):
                for column, value in row.items():
                    cell = page.locator(f'[name="{name}.{index}.{column}"]')
                    if isinstance(value, bool):
                        cell.set_checked(value)
                    else:
                        cell.fill(str(value))
        elif definition["ui"]["fields"][name]["widget"] == "radio" and isinstance(answers[name], str):
            value = answers[name]
            plain[name] = {"true": True, "false": False}.get(value, value)
        elif field(page, definition, name).count() > 1:  # the same label in a repeat row (ID number of a worker)
            page.locator(f"#field-{name}").fill(str(answers[name]))
        else:
            plain[name] = answers[name]
    fill_form(page, definition, plain)


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("service", list(INTAKE_FORMS))
def test_applying_online_every_page(new_page, live_server: LiveServer, service: str, viewport: dict):
    from app.portal import apply

    t = live_server.text
    definition = form_definition(INTAKE_FORMS[service])
    with live_server.app.app_context():
        pages = apply.pages(apply.intake_definition(service))
    answers = answers_for(service, seed=hash((service, viewport["width"])) % 10_000)
    page = new_page(viewport=viewport)

    page.goto("/apply")
    check(page, "apply-index")
    page.goto(f"/apply/{service}")
    check(page, f"{service}-start")
    page.get_by_role("button", name=live_server.name("Start now")).click()
    for number, questions in enumerate(pages, start=1):
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if number == 1:
            page.get_by_role("button", name=live_server.name("Save and continue")).click()
            expect(page.locator("#error-summary")).to_be_visible()
            check(page, f"{service}-page-{number}-errors")
        fill_page(page, definition, answers, questions["fields"])
        check(page, f"{service}-page-{number}")
        page.get_by_role("button", name=live_server.name("Save and continue")).click()

    with live_server.app.app_context():
        asks_for_documents = bool(apply.materials(service, {}, "zh"))
    if asks_for_documents:  # a service without a materials check goes straight to check your answers
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Upload documents"))
        first = page.locator("input[type=file]").first
        first.set_input_files({"name": "scan.png", "mimeType": "image/png", "buffer": b"not really a png"})
        page.get_by_role("button", name=live_server.name("Continue")).click()
        expect(page.locator("#error-summary")).to_be_visible()
        check(page, f"{service}-documents-errors")
        page.get_by_role("button", name=live_server.name("Continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your answers before sending your application"))
    check(page, f"{service}-check")
    page.get_by_role("button", name=live_server.name("Accept and send")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Application sent"))
    check(page, f"{service}-done")

    page.get_by_role("link", name=live_server.name("See the progress of your case")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Your case"))
    check(page, f"{service}-progress")


@pytest.mark.parametrize("viewport", WIDTHS)
def test_following_a_case_and_sending_missing_materials(new_page, live_server: LiveServer, viewport: dict):
    from app.cases import service
    from app.extensions import db
    from app.inbox.models import HumanTask
    from app.letters.models import Letter

    t = live_server.text
    with live_server.app.app_context():
        from app.accounts.models import User

        window = db.session.scalars(db.select(User).where(User.username == "window1")).one()
        case, code = service.open_case(
            service="residence_permit", form=permit_form(today=TODAY), actor=window, locale="zh"
        )
        db.session.commit()
        task = db.session.scalars(db.select(HumanTask).where(HumanTask.case_id == case.id)).one()
        service.complete_task(
            task_id=task.id, actor=window, form=materials("proof_of_address", deadline="2026-11-27"), locale="zh"
        )
        db.session.commit()
        number = case.number
        receipt_code = db.session.scalars(
            db.select(Letter.verification_code).where(Letter.case_id == case.id).order_by(Letter.id)
        ).first()

    page = new_page(viewport=viewport)
    page.goto("/track")
    check(page, "track")
    page.get_by_role("button", name=live_server.name("Show my case")).click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "track-errors")
    page.get_by_label(t("Case number"), exact=True).fill(number)
    page.get_by_label(t("Access code"), exact=True).fill("WRONG-CODE")
    page.get_by_role("button", name=live_server.name("Show my case")).click()
    expect(page.locator("#error-summary")).to_contain_text(
        t("The case number and access code do not match a case. Check both and try again.")
    )
    page.get_by_label(t("Access code"), exact=True).fill(code)
    page.get_by_role("button", name=live_server.name("Show my case")).click()
    expect(page.locator(".portal-missing")).to_contain_text("居住地住址证明")
    check(page, "progress-supplement")
    page.get_by_role("button", name=live_server.name("Send the documents")).click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "progress-supplement-errors")

    page.goto(f"/verify/{receipt_code}")
    expect(page.get_by_role("status")).to_contain_text(t("Valid"))
    check(page, "verify-found")
    page.goto("/verify/ZZZZZZZZZZ")
    expect(page.get_by_role("alert")).to_contain_text(t("No letter has this code"))
    check(page, "verify-not-found")
    page.goto("/verify")
    check(page, "verify")


@pytest.mark.parametrize("viewport", WIDTHS)
def test_account_pages(new_page, live_server: LiveServer, viewport: dict):
    from app.extensions import db
    from app.notifications.models import OutboxMessage

    t = live_server.text
    login_name = f"139{viewport['width']:04d}{random.Random(viewport['width']).randrange(10**4):04d}"
    page = new_page(viewport=viewport)
    page.goto("/account/login")
    check(page, "account-login")
    page.get_by_role("button", name=live_server.name("Log in")).click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "account-login-errors")

    page.goto("/account/register")
    check(page, "account-register")
    page.get_by_role("button", name=live_server.name("Continue")).click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "account-register-errors")
    page.get_by_label(t("Mobile phone number or e-mail address"), exact=True).fill(login_name)
    page.get_by_label(t("Password"), exact=True).fill("a-good-password")
    page.get_by_role("button", name=live_server.name("Continue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Enter the code we sent you"))
    check(page, "account-verify")
    page.get_by_label(t("Code"), exact=True).fill("12")
    page.get_by_role("button", name=live_server.name("Confirm")).click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "account-verify-errors")
    with live_server.app.app_context():
        body = db.session.scalars(
            db.select(OutboxMessage.body)
            .where(OutboxMessage.kind == "verification_code", OutboxMessage.recipient == login_name)
            .order_by(OutboxMessage.id.desc())
        ).first()
    page.get_by_label(t("Code"), exact=True).fill(re.search(r"\d{6}", body).group(0))
    page.get_by_role("button", name=live_server.name("Confirm")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your account"))
    check(page, "account-home")
    page.get_by_label(t("Add an e-mail address"), exact=True).fill("not an address")
    page.get_by_role("button", name=live_server.name("Send the code")).click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "account-home-errors")


def test_the_pages_in_english_at_phone_width(new_page, live_server: LiveServer):
    page = new_page(viewport=PHONE, locale="en-GB")
    for path in ("/apply", "/apply/residence_permit", "/track", "/verify", "/account/register"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        check(page, "en" + path.replace("/", "-"))


def test_the_checker_finds_a_serious_violation(new_page, live_server: LiveServer):
    """The gate can fail: a page with an unlabelled input and an image without text is reported."""
    page = new_page()
    page.goto("/track")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<input type="text" id="x-unlabelled"><img src="/static/none.png">');
        }"""
    )
    found = {v["id"]: v["impact"] for v in run_axe(page)}
    assert found.get("label") == "critical" and found.get("image-alt") == "critical", found
    with pytest.raises(AssertionError, match="image-alt"):
        assert_no_serious_violations(page, "a broken page")
