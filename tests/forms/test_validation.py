"""Validation of submitted data: clean results, and messages that name the field in zh and en."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from app.core.errors import ValidationFailed
from app.forms import missing_materials, parse_form_submission, validate_form_data

from .conftest import COMMUNITIES, VALID_ID, WRONG_CHECK_DIGIT, make_id

OPTIONS = {"community_code": COMMUNITIES}


def errors_of(definition, data, locale="zh", **kwargs) -> dict[str, list[str]]:
    kwargs.setdefault("options", OPTIONS)
    with pytest.raises(ValidationFailed) as caught:
        validate_form_data(definition, data, locale=locale, **kwargs)
    return caught.value.errors


# ---- valid data ----------------------------------------------------------------------------------


def test_valid_application_passes_and_is_normalised(definitions, application_data):
    data = dict(application_data, id_number=VALID_ID.lower(), phone="138-0013-8000", applicant_name="  王芳 ")
    clean = validate_form_data(definitions["rp_application"], data, locale="zh", options=OPTIONS)
    assert clean["id_number"] == VALID_ID
    assert clean["phone"] == "13800138000"
    assert clean["applicant_name"] == "王芳"
    assert clean["agent_name"] is None  # every field present, unanswered ones as None


def test_valid_data_passes_for_every_rp_form(definitions):
    materials = {
        "id_card": {"verdict": "provided"},
        "photo": {"verdict": "not_applicable", "note": "现场采集"},
        "proof_of_address": {"verdict": "provided"},
        "proof_of_employment": {"verdict": "provided"},
    }
    cases = {
        "rp_materials": ({"materials": materials}, {"basis": "stable_job"}),
        "rp_supplement": ({"supplied": "supplied", "supplied_on": "2025-06-10"}, None),
        "rp_verification": (
            {"lives_at_address": True, "visit_date": "2025-06-14", "observations": "入户走访，房东确认"},
            None,
        ),
        "rp_approval": ({"decision": "approve", "issue_date": "2025-06-15"}, None),
    }
    for form_id, (data, context) in cases.items():
        clean = validate_form_data(definitions[form_id], data, locale="en", context=context)
        assert {k: v for k, v in clean.items() if v is not None and k != "materials"} == {
            k: v for k, v in data.items() if k != "materials"
        }
    clean = validate_form_data(
        definitions["rp_materials"], cases["rp_materials"][0], locale="zh", context={"basis": "stable_job"}
    )
    assert clean["materials"]["photo"] == {"verdict": "not_applicable", "note": "现场采集"}
    assert clean["materials"]["id_card"] == {"verdict": "provided", "note": ""}


def test_unknown_fields_are_dropped(definitions):
    clean = validate_form_data(
        definitions["rp_approval"],
        {"decision": "approve", "issue_date": "2025-06-15", "is_admin": True},
        locale="zh",
    )
    assert "is_admin" not in clean


# ---- each kind of error, in both languages -------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "zh", "en"),
    [
        ({"applicant_name": "   "}, "applicant_name", "请填写姓名", "Full name: this is required"),
        ({"sex": None}, "sex", "请选择性别", "Sex: this is required — choose one option"),
        ({"sex": "other"}, "sex", "性别的选项无效", "Sex: that option is not in the list"),
        ({"hukou_address": "北京"}, "hukou_address", "户籍地址至少应有5个字", "enter at least 5 characters"),
        (
            {"current_address": "长" * 201},
            "current_address",
            "居住地址不能超过200个字（现有201个）",
            "(you entered 201)",
        ),
        (
            {"id_number": WRONG_CHECK_DIGIT},
            "id_number",
            "公民身份号码校验位不正确，请核对后重新输入",
            "Resident ID number: the check digit is wrong — check the number and enter it again",
        ),
        (
            {"id_number": "1101051949123100"},
            "id_number",
            "公民身份号码应为18位（现有16位）",
            "must be 18 characters long",
        ),
        ({"id_number": "99010519491231002X"}, "id_number", "省级行政区划代码", "province code"),
        ({"id_number": "110105194913310020"}, "id_number", "出生日期不存在", "not a real date of birth"),
        (
            {"phone": "1234567"},
            "phone",
            "联系电话（手机）应为以1开头的11位手机号码",
            "Mobile phone number: enter an 11-digit",
        ),
        (
            {"birth_date": "1949-02-30"},
            "birth_date",
            "出生日期不是有效日期",
            "Date of birth: that is not a real date",
        ),
        (
            {"residence_registered_on": "2025-06-16"},
            "residence_registered_on",
            "居住登记日期不能晚于今天（2025-06-15）",
            "Date of residence registration: must be today (2025-06-15) or earlier",
        ),
        (
            {"community_code": "999"},
            "community_code",
            "居住地所属社区的选项无效",
            "Residents' community: that option",
        ),
        (
            {"employer_credit_code": "91110000600037341A"},
            "employer_credit_code",
            "就业单位统一社会信用代码校验位不正确",
            "Employer's unified social credit code: the check character is wrong",
        ),
        (
            {"employer_name": None},
            "employer_name",
            "以“有合法稳定就业”申领的，请填写就业单位名称",
            "Employer's name: required when the basis is stable lawful employment",
        ),
        (
            {"birth_date": "1950-01-01"},
            "birth_date",
            "出生日期与公民身份号码中的出生日期（1949-12-31）不一致",
            "Date of birth: does not match the date of birth in Resident ID number (1949-12-31)",
        ),
        ({"sex": "male"}, "sex", "性别与公民身份号码不一致", "Sex: does not match Resident ID number"),
        (
            {"residence_registered_on": "1949-01-01"},
            "residence_registered_on",
            "居住登记日期不能早于出生日期",
            "cannot be earlier than Date of birth",
        ),
    ],
)
def test_each_error_names_the_field_in_both_languages(definitions, application_data, change, field, zh, en):
    data = {**application_data, **change}
    data = {k: v for k, v in data.items() if v is not None}
    zh_errors = errors_of(definitions["rp_application"], data, "zh")
    en_errors = errors_of(definitions["rp_application"], data, "en")
    assert list(zh_errors) == [field] == list(en_errors)
    assert zh in zh_errors[field][0]
    assert en in en_errors[field][0]


def test_conditional_requirement_follows_the_basis(definitions, application_data):
    data = dict(application_data, basis="continuous_study")
    assert errors_of(definitions["rp_application"], data, "en") == {
        "school_name": ["Name of school: required when the basis is continuous study — enter it"]
    }


def test_one_message_per_field_most_basic_first(definitions, application_data):
    errors = errors_of(definitions["rp_application"], dict(application_data, id_number="12"))
    assert errors["id_number"] == ["公民身份号码应为18位（现有2位），请核对后重新输入"]


def test_errors_come_in_form_order(definitions):
    errors = errors_of(definitions["rp_application"], {})
    assert list(errors)[:3] == ["applicant_name", "id_number", "birth_date"]


def test_missing_options_is_a_programming_error(definitions, application_data):
    with pytest.raises(LookupError):
        validate_form_data(definitions["rp_application"], application_data, locale="zh")


def test_options_may_be_plain_values(definitions, application_data):
    clean = validate_form_data(
        definitions["rp_application"],
        application_data,
        locale="zh",
        options={"community_code": ["330106001001"]},
    )
    assert clean["community_code"] == "330106001001"


# ---- agents ---------------------------------------------------------------------------------------

CHILD_ID = make_id("33010620150310121")  # born 2015-03-10, 10 years old on 2025-06-15
AGENT = {
    "agent_name": "李强",
    "agent_id_number": make_id("33010619850101001"),
    "agent_relationship": "parent",
    "agent_phone": "0571-87654321",
}


def child(application_data):
    return dict(
        application_data,
        id_number=CHILD_ID,
        birth_date="2015-03-10",
        sex="male",
        basis="continuous_study",
        school_name="杭州市文三街小学",
        purpose_of_stay="study",
    )


def test_agent_required_for_a_ten_year_old(definitions, application_data):
    errors = errors_of(definitions["rp_application"], child(application_data))
    assert set(errors) == {"agent_name", "agent_id_number", "agent_relationship", "agent_phone"}
    assert errors["agent_name"] == ["申请人未满16周岁，须填写代办人姓名"]
    en = errors_of(definitions["rp_application"], child(application_data), "en")
    assert en["agent_phone"] == ["Agent's phone number: required because the applicant is under 16 — enter it"]
    clean = validate_form_data(
        definitions["rp_application"], {**child(application_data), **AGENT}, locale="zh", options=OPTIONS
    )
    assert clean["agent_phone"] == "0571-87654321"


def test_agent_required_when_mobility_impaired(definitions, application_data):
    errors = errors_of(definitions["rp_application"], dict(application_data, mobility_impaired=True), "en")
    assert errors["agent_name"] == [
        "Agent's full name: required because “The applicant is elderly, disabled or otherwise has limited "
        "mobility” is ticked — enter it"
    ]
    zh = errors_of(definitions["rp_application"], dict(application_data, mobility_impaired=True))
    assert zh["agent_id_number"][0].startswith("已勾选“申请人系行动不便的老年人、残疾人等”，须填写代办人公民身份号码")


def test_agent_optional_for_an_adult_turning_sixteen_today(definitions, application_data):
    sixteen = make_id("33010620090615001")  # sixteenth birthday on 2025-06-15
    data = dict(application_data, id_number=sixteen, birth_date="2009-06-15", sex="male")
    assert validate_form_data(definitions["rp_application"], data, locale="zh", options=OPTIONS)


def test_partial_agent_details_are_completed_or_refused(definitions, application_data):
    errors = errors_of(definitions["rp_application"], dict(application_data, agent_name="李强"))
    assert set(errors) == {"agent_id_number", "agent_relationship", "agent_phone"}


def test_agent_cannot_reuse_the_applicants_id(definitions, application_data):
    data = {**child(application_data), **AGENT, "agent_id_number": CHILD_ID}
    assert errors_of(definitions["rp_application"], data)["agent_id_number"] == [
        "代办人公民身份号码不能与公民身份号码相同，请核对"
    ]


# ---- parsing HTML forms ---------------------------------------------------------------------------


def test_coercion_from_a_multidict(definitions, application_data):
    form = MultiDict([(k, v) for k, v in application_data.items() if isinstance(v, str)])
    form.add("mobility_impaired", "true")
    form.add("agent_name", "")  # an empty box is "no answer"
    form.add("csrf_token", "abc")
    data = parse_form_submission(definitions["rp_application"], form)
    assert data["mobility_impaired"] is True
    assert "agent_name" not in data and "csrf_token" not in data
    unticked = parse_form_submission(definitions["rp_application"], MultiDict({"applicant_name": "王芳"}))
    assert unticked["mobility_impaired"] is False


def test_boolean_radio_and_materials_are_parsed(definitions):
    data = parse_form_submission(
        definitions["rp_verification"], MultiDict({"lives_at_address": "false", "visit_date": "2025-06-01"})
    )
    assert data == {"lives_at_address": False, "visit_date": "2025-06-01"}
    form = MultiDict(
        {
            "materials.id_card.verdict": "provided",
            "materials.photo.verdict": "missing",
            "materials.photo.note": "需补交白底证件照",
            "materials.forged.verdict": "provided",
        }
    )
    data = parse_form_submission(definitions["rp_materials"], form)
    assert data == {
        "materials": {
            "id_card": {"verdict": "provided"},
            "photo": {"verdict": "missing", "note": "需补交白底证件照"},
        }
    }


NUMBER_FORM = {
    "id": "household",
    "version": 1,
    "title": {"zh": "家庭情况", "en": "Household"},
    "schema": {
        "type": "object",
        "properties": {
            "members": {"type": "integer", "minimum": 1, "maximum": 20},
            "income": {"type": "number", "minimum": 0},
        },
        "required": ["members"],
    },
    "ui": {
        "order": ["members", "income"],
        "fields": {
            "members": {"label": {"zh": "家庭人口数", "en": "People in the household"}, "widget": "number"},
            "income": {"label": {"zh": "月收入（元）", "en": "Monthly income (yuan)"}, "widget": "number"},
        },
    },
}


def test_numbers_are_coerced_or_explained():
    from app.forms import check_definition

    check_definition("household", NUMBER_FORM)
    data = parse_form_submission(NUMBER_FORM, {"members": "３", "income": "2500.50"})
    assert data == {"members": 3, "income": 2500.5}
    data = parse_form_submission(NUMBER_FORM, {"members": "three", "income": "12,000"})
    assert data == {"members": "three", "income": "12,000"}
    assert errors_of(NUMBER_FORM, data, "en", options=None) == {
        "members": ["People in the household: enter a whole number using digits only"],
        "income": ["Monthly income (yuan): enter a number using digits and a decimal point only"],
    }
    assert errors_of(NUMBER_FORM, {"members": 0}, "zh", options=None) == {"members": ["家庭人口数不能小于1，请核对"]}
    not_finite = errors_of(NUMBER_FORM, {"members": 2, "income": float("nan")}, "zh", options=None)
    assert not_finite == {"income": ["月收入（元）应为数字，请只输入数字和小数点"]}


def test_text_is_stripped_and_control_characters_removed(definitions):
    clean = validate_form_data(
        definitions["rp_verification"],
        {
            "lives_at_address": True,
            "visit_date": "2025/6/1",
            "observations": "  入户走访\x00，\r\n房东确认  ",
        },
        locale="zh",
    )
    assert clean["observations"] == "入户走访，\n房东确认"
    assert clean["visit_date"] == "2025-06-01"


# ---- materials ------------------------------------------------------------------------------------

ALL_PROVIDED = {code: {"verdict": "provided"} for code in ("id_card", "photo", "proof_of_address")}


def test_materials_required_depend_on_the_application(definitions):
    form = definitions["rp_materials"]
    errors = errors_of(form, {"materials": ALL_PROVIDED}, "zh", context={"basis": "stable_job", "agent_name": "李强"})
    assert set(errors) == {
        "materials.proof_of_employment",
        "materials.agent_id_card",
        "materials.guardianship_proof",
    }
    assert errors["materials.proof_of_employment"] == ["请选择“就业证明”的核验结果"]
    clean = validate_form_data(
        form,
        {"materials": {**ALL_PROVIDED, "proof_of_study": {"verdict": "provided"}}},
        locale="zh",
        context={"basis": "stable_home"},
    )
    assert set(clean["materials"]) == {"id_card", "photo", "proof_of_address"}  # study proof did not apply


def test_missing_material_needs_a_supplement_deadline(definitions):
    form = definitions["rp_materials"]
    data = {"materials": {**ALL_PROVIDED, "proof_of_address": {"verdict": "missing", "note": "租赁合同未备案"}}}
    context = {"basis": "stable_home"}
    assert errors_of(form, data, "zh", context=context) == {"supplement_deadline": ["有材料缺失，须填写补正材料期限"]}
    assert errors_of(form, data, "en", context=context) == {
        "supplement_deadline": [
            "Deadline for the missing materials: required because some materials are missing — enter it"
        ]
    }
    past = errors_of(form, {**data, "supplement_deadline": "2025-06-15"}, "zh", context=context)
    assert past == {"supplement_deadline": ["补正材料期限应晚于今天（2025-06-15），请重新选择日期"]}
    clean = validate_form_data(form, {**data, "supplement_deadline": "2025-06-30"}, locale="zh", context=context)
    assert missing_materials(form, clean, locale="en") == [
        {"code": "proof_of_address", "label": "Proof of address", "note": "租赁合同未备案"}
    ]
    no_missing = validate_form_data(form, {"materials": ALL_PROVIDED}, locale="zh", context=context)
    assert no_missing["supplement_deadline"] is None


def test_not_applicable_only_where_allowed(definitions):
    form = definitions["rp_materials"]
    data = {"materials": {**ALL_PROVIDED, "id_card": {"verdict": "not_applicable"}}}
    errors = errors_of(form, data, "en", context={"basis": "stable_home"})
    assert errors == {
        "materials.id_card": [
            "Application materials – Applicant's resident ID card: this material is required for this "
            "application — choose provided or missing, not “not applicable”"
        ]
    }
    # Without case data the engine cannot tell whether a conditional material applies: the caseworker can.
    data = {
        "materials": {
            **ALL_PROVIDED,
            "agent_id_card": {"verdict": "not_applicable"},
            "guardianship_proof": {"verdict": "not_applicable"},
            "proof_of_employment": {"verdict": "not_applicable"},
            "proof_of_study": {"verdict": "provided"},
        }
    }
    clean = validate_form_data(form, data, locale="zh")
    assert clean["materials"]["agent_id_card"]["verdict"] == "not_applicable"


def test_material_note_length_and_verdict_values(definitions):
    form = definitions["rp_materials"]
    data = {
        "materials": {
            **ALL_PROVIDED,
            "photo": {"verdict": "lost", "note": ""},
            "id_card": {"verdict": "provided", "note": "注" * 201},
        }
    }
    errors = errors_of(form, data, "zh", context={"basis": "stable_home"})
    assert errors["materials.photo"] == ["“申请人近期相片”的核验结果无效，请重新选择"]
    assert errors["materials.id_card"] == ["“申请人居民身份证”的备注不能超过200个字（现有201个），请删减"]


# ---- the other task forms -------------------------------------------------------------------------


def test_supplement_date_required_when_supplied(definitions):
    assert errors_of(definitions["rp_supplement"], {"supplied": "supplied"}, "zh") == {
        "supplied_on": ["已补正的，请填写补正日期"]
    }
    assert validate_form_data(definitions["rp_supplement"], {"supplied": "not_supplied"}, locale="zh")


def test_verification_needs_findings_and_a_past_visit(definitions):
    errors = errors_of(definitions["rp_verification"], {"visit_date": "2025-07-01"}, "en")
    assert errors == {
        "lives_at_address": [
            "Does the applicant actually live at the declared address?: this is required — choose one option"
        ],
        "visit_date": ["Date of the check: must be today (2025-06-15) or earlier — check the date"],
        "observations": ["Findings: this is required — enter it"],
    }


def test_approval_needs_reasons_or_a_date(definitions):
    form = definitions["rp_approval"]
    assert errors_of(form, {"decision": "refuse"}, "zh") == {"refusal_reasons": ["不予签发的，请填写不予签发的理由"]}
    assert errors_of(form, {"decision": "approve"}, "en") == {
        "issue_date": ["Date of issue: required when approving — enter it"]
    }
    assert validate_form_data(
        form, {"decision": "refuse", "refusal_reasons": "经核查，申请人未在申报地址居住。"}, locale="zh"
    )
