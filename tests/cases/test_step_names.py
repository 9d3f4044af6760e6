"""Process steps have English names in English pages and their Chinese BPMN names in Chinese ones (docs/i18n.md):
the inbox, the task page, the case page and its timeline, the supervisor's list, the applicant's progress."""

from __future__ import annotations

import re

import pytest

from app.core.templating import step_title
from app.processes import specs
from tests.bpmn.conftest import BPMN_DIR
from tests.conftest import csrf_from, login
from tests.factories import permit_form


def test_every_user_task_and_timer_of_every_process_has_an_english_name(world):
    missing = []
    process_ids = {path.stem for path in BPMN_DIR.glob("*.bpmn")}
    assert len(process_ids) >= 8
    for process_id in sorted(process_ids):
        bundle = specs.bundle_for(specs.latest_version_info(process_id))
        for meta in bundle.tasks.values():
            named_step = meta.kind == "userTask" or (meta.kind == "boundaryEvent" and meta.title != meta.name)
            if named_step and not meta.title_en:
                missing.append(f"{process_id}.{meta.name} ({meta.title})")
    assert missing == []


def test_the_page_language_picks_the_name_and_chinese_is_the_fallback(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert step_title({"title": "材料审查", "title_en": "Check of materials"}) == "Check of materials"
        assert step_title({"title": "材料审查", "title_en": None}) == "材料审查"  # a case begun on an older version
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert step_title({"title": "材料审查", "title_en": "Check of materials"}) == "材料审查"


def _switch(client, locale: str) -> None:
    page = client.get("/inbox/").get_data(as_text=True)
    client.post("/language", data={"locale": locale, "next": "/inbox/", "csrf_token": csrf_from(page)})


def _open_permit_case(client) -> int:
    page = client.get("/cases/new?service=residence_permit").get_data(as_text=True)
    response = client.post(
        "/cases/new?service=residence_permit", data={**permit_form("C0201", seed=7), "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-500:]
    return int(response.location.rsplit("/", 1)[1])


@pytest.mark.parametrize(
    ("locale", "shown", "not_shown"),
    [("en", "Check of materials", "材料审查"), ("zh", "材料审查", "Check of materials")],
)
def test_inbox_task_and_case_pages_name_the_step_in_the_page_language(client, world, locale, shown, not_shown):
    login(client, "window1")
    _switch(client, locale)
    case_id = _open_permit_case(client)

    inbox = client.get("/inbox/?view=unit").get_data(as_text=True)
    task_id = int(re.search(r'href="/inbox/tasks/(\d+)"', inbox).group(1))
    assert f'/inbox/tasks/{task_id}">{shown}</a>' in inbox

    task_page = client.get(f"/inbox/tasks/{task_id}").get_data(as_text=True)
    assert f"<h1>{shown}" in task_page

    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    current_step = case_page.split("<ul", 1)[1].split("</ul>", 1)[0]
    assert f"<strong>{shown}</strong>" in current_step and not_shown not in current_step
    timeline = case_page.split('id="timeline-heading"', 1)[1]
    assert f"· {shown}" in timeline  # "task created" names the step too
    diagram = case_page.split("<svg", 1)[1].split("</svg>", 1)[0]  # the process diagram speaks the language too
    gateway, lane = ("Materials", "Police station") if locale == "en" else ("材料齐全？", "派出所")
    current = f"Current step: {shown}." if locale == "en" else f"当前步骤：{shown}。"
    assert current in diagram and gateway in diagram and lane in diagram
    assert (re.search("[\u4e00-\u9fff]", diagram) is None) == (locale == "en")

    client.post("/logout", data={"csrf_token": csrf_from(case_page)})
    login(client, "window_lead")
    _switch(client, locale)
    listing = client.get("/supervision/tasks").get_data(as_text=True)
    assert f"<td>{shown}</td>" in listing
