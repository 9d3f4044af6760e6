"""The repeat widget: rows of small fields, parsed from `<field>.<row>.<column>`, one message per cell."""

from __future__ import annotations

import copy
import re

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from app.core.errors import ProcessDefinitionError, ValidationFailed
from app.forms import check_definition, parse_form_submission, validate_form_data
from app.forms.rendering import readonly_view

from .conftest import VALID_ID, WRONG_CHECK_DIGIT

DEFINITION = {
    "id": "workers_demo",
    "version": 1,
    "title": {"zh": "工人名单", "en": "Workers"},
    "schema": {
        "type": "object",
        "properties": {
            "employer": {"type": "string", "maxLength": 40},
            "workers": {
                "type": "array",
                "minItems": 1,
                "maxItems": 4,
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "maxLength": 20},
                        "id_number": {"type": "string", "format": "cn-resident-id", "maxLength": 24},
                        "amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000},
                        "wants_aid": {"type": "boolean"},
                        "phone": {"type": "string", "format": "cn-phone", "maxLength": 20},
                    },
                    "required": ["name", "id_number", "amount"],
                    "allOf": [
                        {
                            "if": {"properties": {"wants_aid": {"const": True}}, "required": ["wants_aid"]},
                            "then": {"required": ["phone"]},
                        }
                    ],
                },
            },
        },
        "required": ["workers"],
    },
    "ui": {
        "order": ["employer", "workers"],
        "fields": {
            "employer": {"label": {"zh": "用人单位", "en": "Employer"}, "widget": "text"},
            "workers": {
                "label": {"zh": "被欠薪工人", "en": "Workers owed wages"},
                "widget": "repeat",
                "row_label": {"zh": "工人", "en": "Worker"},
                "blank_rows": 2,
                "columns": {
                    "name": {"label": {"zh": "姓名", "en": "Name"}, "widget": "text"},
                    "id_number": {"label": {"zh": "公民身份号码", "en": "Resident ID number"}, "widget": "text"},
                    "amount": {"label": {"zh": "欠薪金额（元）", "en": "Amount owed (yuan)"}, "widget": "number"},
                    "wants_aid": {"label": {"zh": "申请法律援助", "en": "Wants legal aid"}, "widget": "checkbox"},
                    "phone": {"label": {"zh": "联系电话", "en": "Phone"}, "widget": "tel"},
                },
            },
        },
    },
}
check_definition("workers_demo", DEFINITION)
PAGE = """{% import "forms/_macros.html" as forms %}
{{ forms.error_summary(definition, errors, locale) }}
{{ forms.render_form_fields(definition, values, errors, locale) }}"""


def render(app, values=None, errors=None, locale="zh") -> str:
    with app.test_request_context():
        return render_template_string(PAGE, definition=DEFINITION, values=values, errors=errors, locale=locale)


def errors_of(form, locale="zh") -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        validate_form_data(DEFINITION, parse_form_submission(DEFINITION, form), locale=locale)
    return caught.value.errors


def test_rows_are_parsed_in_order_blank_rows_dropped_and_every_column_returned():
    form = MultiDict(
        {
            "workers.0.name": " 张三 ",
            "workers.0.id_number": VALID_ID.lower(),
            "workers.0.amount": "１２０００.５",
            "workers.1.name": "",  # a blank row between two filled ones
            "workers.1.amount": " ",
            "workers.2.name": "李四",
            "workers.2.id_number": VALID_ID,
            "workers.2.amount": "800",
            "workers.2.wants_aid": "true",
            "workers.2.phone": "138 0013 8000",
            "workers.9.colour": "red",  # unknown column: ignored
        }
    )
    clean = validate_form_data(DEFINITION, parse_form_submission(DEFINITION, form), locale="zh")
    assert clean["workers"] == [
        {"name": "张三", "id_number": VALID_ID, "amount": 12000.5, "wants_aid": False, "phone": None},
        {"name": "李四", "id_number": VALID_ID, "amount": 800, "wants_aid": True, "phone": "13800138000"},
    ]
    assert clean["employer"] is None


def test_each_cell_gets_one_message_naming_the_row_and_column():
    form = MultiDict(
        {
            "workers.0.name": "张三",
            "workers.0.id_number": WRONG_CHECK_DIGIT,
            "workers.0.amount": "-5",
            "workers.1.name": "李四",
            "workers.1.id_number": VALID_ID,
            "workers.1.amount": "abc",
            "workers.1.wants_aid": "true",
        }
    )
    errors = errors_of(form)
    assert errors["workers.0.id_number"] == ["第1名工人的公民身份号码校验位不正确，请核对后重新输入"]
    assert errors["workers.0.amount"] == ["第1名工人的欠薪金额（元）应大于0，请核对"]
    assert errors["workers.1.amount"] == ["第2名工人的欠薪金额（元）应为数字，请只输入数字和小数点"]
    # Ticking "wants legal aid" makes the phone required in that row only (an if/then inside the items).
    assert errors["workers.1.phone"] == ["请填写第2名工人的联系电话"]
    english = errors_of(form, locale="en")
    assert english["workers.1.phone"] == ["Worker 2, phone: this is required — enter it"]


def test_whole_list_problems_are_on_the_field():
    assert errors_of(MultiDict({"employer": "某公司"}))["workers"] == ["请填写被欠薪工人"]
    five = MultiDict(
        {f"workers.{i}.{k}": v for i in range(5) for k, v in (("name", "甲"), ("id_number", VALID_ID), ("amount", "1"))}
    )
    assert errors_of(five)["workers"] == ["被欠薪工人最多只能填写4行，请删减"]
    # A JSON client sending a list of something else is refused with a message on the field.
    with pytest.raises(ValidationFailed) as caught:
        validate_form_data(DEFINITION, {"workers": ["张三"]}, locale="zh")
    assert list(caught.value.errors) == ["workers"]


def test_rendering_labels_every_cell_and_links_errors(forms_app):
    form = MultiDict({"workers.0.name": "张三", "workers.0.id_number": WRONG_CHECK_DIGIT, "workers.0.amount": "100"})
    errors = errors_of(form)
    html = render(forms_app, form, errors)
    # One typed row + two blank rows, each a fieldset with a legend.
    assert html.count('<fieldset class="repeat-row"') == 3
    assert "<legend>第1名工人</legend>" in html and "<legend>第3名工人</legend>" in html
    assert 'value="张三"' in html
    cell = re.search(r'<input type="text" id="field-workers-0-id_number"[^>]*>', html).group(0)
    assert 'name="workers.0.id_number"' in cell and 'aria-invalid="true"' in cell
    assert "field-workers-0-id_number-error" in cell
    assert '<label for="field-workers-0-id_number">' in html
    assert 'href="#field-workers-0-id_number"' in html  # the error summary links to the cell
    assert 'data-max="4"' in html and "forms-repeat.js" in html


def test_rendering_never_shows_more_rows_than_allowed(forms_app):
    form = MultiDict({f"workers.{i}.name": f"工人{i}" for i in range(4)})
    html = render(forms_app, form)
    assert html.count('<fieldset class="repeat-row"') == 4


def test_redisplay_from_a_flat_dict_keeps_what_was_typed(forms_app):
    html = render(forms_app, {"workers.0.name": "王五", "workers.0.amount": "12"})
    assert 'value="王五"' in html and 'value="12"' in html


def test_readonly_lists_each_row():
    data = {
        "employer": "某公司",
        "workers": [{"name": "张三", "id_number": VALID_ID, "amount": 100, "wants_aid": True, "phone": None}],
    }
    sections = readonly_view(DEFINITION, data, "zh")
    rows = [row for section in sections for row in section["rows"]]
    assert rows[-1] == {
        "label": "第1名工人",
        "text": f"姓名：张三；公民身份号码：{VALID_ID}；欠薪金额（元）：100；申请法律援助：是",
    }


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d["schema"]["properties"]["workers"].pop("maxItems"), "maxItems"),
        (lambda d: d["ui"]["fields"]["workers"]["columns"].pop("phone"), "columns must list"),
        (lambda d: d["ui"]["fields"]["workers"]["columns"]["name"].update(widget="select"), "column widget"),
        (lambda d: d["schema"]["properties"]["workers"]["items"]["properties"]["name"].pop("maxLength"), "maxLength"),
        (lambda d: d["ui"]["fields"]["employer"].update(columns={}), "only for the repeat widget"),
        (lambda d: d["schema"]["properties"]["workers"]["items"]["properties"]["phone"].update(format="x"), "format"),
    ],
)
def test_definition_mistakes_are_refused(change, reason):
    broken = copy.deepcopy(DEFINITION)
    change(broken)
    with pytest.raises(ProcessDefinitionError) as caught:
        check_definition("workers_demo", broken)
    assert reason in caught.value.reason
