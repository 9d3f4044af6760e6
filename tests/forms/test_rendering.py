"""The macros produce accessible HTML and keep what the user typed."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from app.core.errors import ValidationFailed
from app.forms import validate_form_data

from .conftest import COMMUNITIES, WRONG_CHECK_DIGIT

PAGE = """{% import "forms/_macros.html" as forms %}
{{ forms.error_summary(definition, errors, locale) }}
{{ forms.render_form_fields(definition, values, errors, locale, options=options, context=context) }}"""


def render(app, definition, values=None, errors=None, locale="zh", options=None, context=None) -> str:
    with app.test_request_context():
        return render_template_string(
            PAGE,
            definition=definition,
            values=values,
            errors=errors,
            locale=locale,
            options=options,
            context=context,
        )


def failed(definition, data, locale, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        validate_form_data(definition, data, locale=locale, **kwargs)
    return caught.value.errors


def test_inputs_have_labels_hints_and_keep_values(forms_app, definitions, application_data):
    html = render(forms_app, definitions["rp_application"], application_data, options={"community_code": COMMUNITIES})
    assert '<label for="field-applicant_name">姓名 <span class="muted">（必填）</span></label>' in html
    assert 'id="field-applicant_name" name="applicant_name" value="王芳" maxlength="50" autocomplete="off"' in html
    assert '<p class="hint" id="field-applicant_name-hint">与居民身份证上的姓名一致</p>' in html
    assert 'aria-describedby="field-applicant_name-hint"' in html
    assert '<input type="date" id="field-birth_date" name="birth_date" value="1949-12-31"' in html
    assert 'max="2025-06-15"' in html  # past-date: the picker agrees with the server
    assert '<option value="330106001001" selected>文三社区</option>' in html
    assert "aria-invalid" not in html and "error-summary" not in html
    # Every input with an id has a label pointing at it (radios and checkboxes included).
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html))
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids and ids <= labelled


def test_radios_are_grouped_in_a_fieldset_with_legend(forms_app, definitions, application_data):
    html = render(
        forms_app,
        definitions["rp_application"],
        application_data,
        locale="en",
        options={"community_code": COMMUNITIES},
    )
    assert re.search(
        r'<fieldset class="field"[^>]*>\s*<legend>Sex <span class="muted">\(required\)</span></legend>', html
    )
    assert '<input type="radio" id="field-sex" name="sex" value="male">' in html
    assert '<input type="radio" id="field-sex-1" name="sex" value="female" checked>' in html
    assert '<input type="checkbox" id="field-mobility_impaired" name="mobility_impaired" value="true"' in html
    assert '<h2 id="section-1-title">About the applicant</h2>' in html


def test_errors_are_summarised_linked_and_announced(forms_app, definitions, application_data):
    definition = definitions["rp_application"]
    typed = dict(application_data, id_number=WRONG_CHECK_DIGIT, sex=None)
    typed = {k: v for k, v in typed.items() if v is not None}
    errors = failed(definition, typed, "zh", options={"community_code": COMMUNITIES})
    html = render(forms_app, definition, typed, errors, options={"community_code": COMMUNITIES})

    summary = html[html.index('<div class="error-summary"') : html.index("</div>")]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert '<a href="#field-id_number">公民身份号码校验位不正确，请核对后重新输入</a>' in summary
    assert '<a href="#field-sex">请选择性别</a>' in summary
    assert summary.index("#field-id_number") < summary.index("#field-sex")  # form order

    # The message sits above the input, is referenced by it, and the wrong value is still there to correct.
    field = html[html.index('<label for="field-id_number">') :]
    field = field[: field.index("</div>")]
    assert field.index('class="error-message"') < field.index("<input")
    assert '<p class="error-message" id="field-id_number-error">' in field
    assert 'aria-describedby="field-id_number-hint field-id_number-error"' in field
    assert 'aria-invalid="true"' in field
    assert f'value="{WRONG_CHECK_DIGIT}"' in field
    assert '<div class="field field-error">' in html


def test_values_are_escaped(forms_app, definitions):
    html = render(forms_app, definitions["rp_verification"], {"observations": "<script>alert(1)</script>"})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_materials_widget_shows_applicable_materials(forms_app, definitions):
    definition = definitions["rp_materials"]
    values = {"materials": {"id_card": {"verdict": "missing", "note": "过期"}}}
    errors = failed(definition, values, "en", context={"basis": "stable_job"})
    html = render(forms_app, definition, values, errors, locale="en", context={"basis": "stable_job"})
    assert 'name="materials.proof_of_employment.verdict"' in html
    assert "proof_of_study" not in html and "agent_id_card" not in html
    assert (
        '<input type="radio" id="field-materials-id_card-1" name="materials.id_card.verdict" '
        'value="missing" checked' in html
    )
    assert 'name="materials.id_card.note" value="过期"' in html
    # "Not applicable" is offered only where it can be chosen (the photo taken at the counter).
    assert 'id="field-materials-photo-2" name="materials.photo.verdict" value="not_applicable"' in html
    assert 'name="materials.id_card.verdict" value="not_applicable"' not in html
    assert '<a href="#field-materials-proof_of_address">' in html
    assert '<a href="#field-supplement_deadline">' in html
    assert 'min="2025-06-16"' in html  # future-date


def test_injected_options_are_required_to_render(forms_app, definitions):
    with pytest.raises(LookupError):
        render(forms_app, definitions["rp_application"])


def test_readonly_rendering_is_a_facts_list(forms_app, definitions, application_data):
    template = (
        '{% import "forms/_macros.html" as forms %}{{ forms.render_readonly(definition, values, locale, options) }}'
    )
    with forms_app.test_request_context():
        html = render_template_string(
            template,
            definition=definitions["rp_application"],
            values=application_data,
            locale="en",
            options={"community_code": COMMUNITIES},
        )
    assert '<dl class="facts">' in html
    assert "<dt>Sex</dt><dd>Female</dd>" in html
    assert "<dt>Date of birth</dt><dd>31 December 1949</dd>" in html
    assert "<dt>Residents&#39; community</dt><dd>Wensan Community</dd>" in html
    assert "<dt>The applicant is elderly, disabled or otherwise has limited mobility</dt><dd>No</dd>" in html
    assert "Agent&#39;s full name" not in html  # optional and empty: no row saying nothing
    materials = {
        "materials": {
            "id_card": {"verdict": "provided", "note": ""},
            "photo": {"verdict": "missing", "note": "需白底"},
        }
    }
    with forms_app.test_request_context():
        html = render_template_string(
            template, definition=definitions["rp_materials"], values=materials, locale="zh", options=None
        )
    assert "<dt>申请人居民身份证</dt><dd>已提供</dd>" in html
    assert "<dt>申请人近期相片</dt><dd>缺失（需白底）</dd>" in html
    assert "就业证明" not in html


def test_render_form_fields_readonly_flag(forms_app, definitions):
    template = (
        '{% import "forms/_macros.html" as forms %}'
        '{{ forms.render_form_fields(definition, values, {}, "zh", readonly=True) }}'
    )
    with forms_app.test_request_context():
        html = render_template_string(
            template,
            definition=definitions["rp_approval"],
            values={"decision": "approve", "issue_date": "2025-06-15"},
        )
    assert "<dt>审批意见</dt><dd>同意签发居住证</dd>" in html
    assert "<dt>签发日期</dt><dd>2025年6月15日</dd>" in html
    assert "<input" not in html


@pytest.mark.parametrize("shape", ["multidict", "flat", "lists"])
def test_raw_request_form_is_redisplayed(forms_app, definitions, shape):
    """Views may hand back request.form itself or its to_dict(); what was typed must come back."""
    from werkzeug.datastructures import MultiDict

    form = MultiDict(
        {
            "materials.id_card.verdict": "missing",
            "materials.id_card.note": "证件过期",
            "supplement_deadline": "2025-07-01",
        }
    )
    values = {"multidict": form, "flat": form.to_dict(flat=True), "lists": form.to_dict(flat=False)}[shape]
    html = render(forms_app, definitions["rp_materials"], values, context={"basis": "stable_home"})
    assert 'name="materials.id_card.verdict" value="missing" checked' in html
    assert 'name="materials.id_card.note" value="证件过期"' in html
    assert 'name="supplement_deadline" value="2025-07-01"' in html


def test_ticked_checkbox_is_redisplayed_from_the_raw_form(forms_app, definitions):
    html = render(
        forms_app,
        definitions["rp_application"],
        {"mobility_impaired": ["true"], "agent_name": ["李强"]},
        options={"community_code": COMMUNITIES},
    )
    assert 'name="mobility_impaired" value="true" checked' in html
    assert 'name="agent_name" value="李强"' in html
