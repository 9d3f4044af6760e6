"""Message catalogue of the forms engine: what went wrong with a field, in Chinese and English.

These are messages about the data a person typed, produced by the engine (not page chrome), so they live
here next to the rules that produce them rather than in the gettext catalogue. Every template names the
field by its label ({label}) and says what to do next. A form definition may override one message per
field and error type with `ui.fields.<name>.messages.<type>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    "required": {
        "zh": "请填写{label}",
        "en": "{label}: this is required — enter it",
    },
    "required_choice": {
        "zh": "请选择{label}",
        "en": "{label}: this is required — choose one option",
    },
    "required_check": {
        "zh": "请勾选{label}",
        "en": "{label}: tick the box to continue",
    },
    "type_integer": {
        "zh": "{label}应为整数，请只输入数字",
        "en": "{label}: enter a whole number using digits only",
    },
    "type_number": {
        "zh": "{label}应为数字，请只输入数字和小数点",
        "en": "{label}: enter a number using digits and a decimal point only",
    },
    "type_boolean": {
        "zh": "{label}的选择无效，请重新选择",
        "en": "{label}: that choice is not valid — choose again",
    },
    "type_string": {
        "zh": "{label}应为文字，请重新填写",
        "en": "{label}: enter text",
    },
    "type_object": {
        "zh": "{label}的内容无效，请重新填写",
        "en": "{label}: the answer is not valid — fill it in again",
    },
    "enum": {
        "zh": "{label}的选项无效，请从列表中重新选择",
        "en": "{label}: that option is not in the list — choose one of the options",
    },
    "const": {
        "zh": "{label}的内容不符合要求，请核对后重新填写",
        "en": "{label}: this answer is not accepted — check it and fill it in again",
    },
    "min_length": {
        "zh": "{label}至少应有{limit}个字，请补充完整",
        "en": "{label}: enter at least {limit} characters",
    },
    "max_length": {
        "zh": "{label}不能超过{limit}个字（现有{actual}个），请删减",
        "en": "{label}: use {limit} characters or fewer (you entered {actual}) — shorten it",
    },
    "pattern": {
        "zh": "{label}的格式不正确，请核对后重新输入",
        "en": "{label}: the format is not right — check it and enter it again",
    },
    "minimum": {
        "zh": "{label}不能小于{limit}，请核对",
        "en": "{label}: enter {limit} or more",
    },
    "maximum": {
        "zh": "{label}不能大于{limit}，请核对",
        "en": "{label}: enter {limit} or less",
    },
    "exclusive_minimum": {
        "zh": "{label}应大于{limit}，请核对",
        "en": "{label}: enter a number greater than {limit}",
    },
    "exclusive_maximum": {
        "zh": "{label}应小于{limit}，请核对",
        "en": "{label}: enter a number less than {limit}",
    },
    "min_items": {
        "zh": "{label}至少应填写{limit}行，请补充",
        "en": "{label}: fill in at least {limit} rows",
    },
    "max_items": {
        "zh": "{label}最多只能填写{limit}行，请删减",
        "en": "{label}: fill in {limit} rows or fewer",
    },
    "invalid": {
        "zh": "{label}的内容不符合要求，请核对后重新填写",
        "en": "{label}: this answer is not accepted — check it and fill it in again",
    },
    # formats.py
    "id_length": {
        "zh": "{label}应为18位（现有{actual}位），请核对后重新输入",
        "en": "{label}: must be 18 characters long (you entered {actual}) — check the number and enter it again",
    },
    "id_characters": {
        "zh": "{label}前17位应为数字，最后一位为数字或字母X，请核对后重新输入",
        "en": "{label}: the first 17 characters must be digits and the last a digit or X "
        "— check the number and enter it again",
    },
    "id_region": {
        "zh": "{label}的前两位不是有效的省级行政区划代码，请核对后重新输入",
        "en": "{label}: the first two digits are not a valid province code — check the number and enter it again",
    },
    "id_birth_date": {
        "zh": "{label}第7至14位的出生日期不存在，请核对后重新输入",
        "en": "{label}: digits 7 to 14 are not a real date of birth — check the number and enter it again",
    },
    "id_checksum": {
        "zh": "{label}校验位不正确，请核对后重新输入",
        "en": "{label}: the check digit is wrong — check the number and enter it again",
    },
    "mobile": {
        "zh": "{label}应为以1开头的11位手机号码，请核对后重新输入",
        "en": "{label}: enter an 11-digit mobile number starting with 1, for example 13800138000",
    },
    "phone": {
        "zh": "{label}应为11位手机号码或带区号的固定电话（如0571-87654321），请核对后重新输入",
        "en": "{label}: enter an 11-digit mobile number or a landline with its area code, for example 0571-87654321",
    },
    "uscc_length": {
        "zh": "{label}应为18位（现有{actual}位），请核对营业执照后重新输入",
        "en": "{label}: must be 18 characters long (you entered {actual}) — copy it from the business licence again",
    },
    "uscc_characters": {
        "zh": "{label}含有无效字符（不使用字母I、O、Z、S、V），请核对营业执照后重新输入",
        "en": "{label}: contains characters that cannot appear in a credit code "
        "(I, O, Z, S, V are never used) — copy it from the business licence again",
    },
    "uscc_checksum": {
        "zh": "{label}校验位不正确，请核对营业执照后重新输入",
        "en": "{label}: the check character is wrong — copy it from the business licence again",
    },
    "email": {
        "zh": "{label}格式不正确，应类似 name@example.com，请核对后重新输入",
        "en": "{label}: enter an e-mail address like name@example.com",
    },
    "date": {
        "zh": "{label}不是有效日期，请按“年-月-日”填写，如2024-05-01",
        "en": "{label}: that is not a real date — enter it as year-month-day, for example 2024-05-01",
    },
    "date_range": {
        "zh": "{label}的年份应在{earliest}年至{latest}年之间，请核对",
        "en": "{label}: the year must be between {earliest} and {latest} — check the date",
    },
    "past_date": {
        "zh": "{label}不能晚于今天（{today}），请核对",
        "en": "{label}: must be today ({today}) or earlier — check the date",
    },
    "future_date": {
        "zh": "{label}应晚于今天（{today}），请重新选择日期",
        "en": "{label}: must be after today ({today}) — choose a later date",
    },
    "option_unknown": {
        "zh": "{label}的选项无效，请从列表中重新选择",
        "en": "{label}: that option is not in the list — choose one of the options",
    },
    # checks.py
    "id_birth_mismatch": {
        "zh": "{label}与{other_label}中的出生日期（{expected}）不一致，请核对",
        "en": "{label}: does not match the date of birth in {other_label} ({expected}) — check both",
    },
    "id_sex_mismatch": {
        "zh": "{label}与{other_label}不一致（身份号码第17位表示{expected}），请核对",
        "en": "{label}: does not match {other_label} (its 17th digit means {expected}) — check both",
    },
    "required_age": {
        "zh": "申请人未满{age}周岁，须填写{label}",
        "en": "{label}: required because the applicant is under {age} — enter it",
    },
    "required_flag": {
        "zh": "已勾选“{flag_label}”，须填写{label}",
        "en": "{label}: required because “{flag_label}” is ticked — enter it",
    },
    "required_missing": {
        "zh": "有材料缺失，须填写{label}",
        "en": "{label}: required because some materials are missing — enter it",
    },
    "fields_differ": {
        "zh": "{label}不能与{other_label}相同，请核对",
        "en": "{label}: cannot be the same as {other_label} — check both",
    },
    "dates_in_order": {
        "zh": "{label}不能早于{other_label}（{expected}），请核对",
        "en": "{label}: cannot be earlier than {other_label} ({expected}) — check both dates",
    },
    # materials widget
    "verdict_required": {
        "zh": "请选择“{material}”的核验结果",
        "en": "{label} – {material}: choose provided, missing or not applicable",
    },
    "verdict_not_applicable": {
        "zh": "“{material}”是本申请的必需材料，不能选择“不适用”，请选择“已提供”或“缺失”",
        "en": "{label} – {material}: this material is required for this application — "
        "choose provided or missing, not “not applicable”",
    },
    "verdict_invalid": {
        "zh": "“{material}”的核验结果无效，请重新选择",
        "en": "{label} – {material}: that verdict is not valid — choose again",
    },
    "note_too_long": {
        "zh": "“{material}”的备注不能超过{limit}个字（现有{actual}个），请删减",
        "en": "{label} – {material}: the note must be {limit} characters or fewer (you entered {actual}) — shorten it",
    },
}

# Words the engine itself shows around fields (values of choices, the summary heading).
WORDS: dict[str, dict[str, str]] = {
    "provided": {"zh": "已提供", "en": "Provided"},
    "missing": {"zh": "缺失", "en": "Missing"},
    "not_applicable": {"zh": "不适用", "en": "Not applicable"},
    "note": {"zh": "备注", "en": "Note"},
    "yes": {"zh": "是", "en": "Yes"},
    "no": {"zh": "否", "en": "No"},
    "choose": {"zh": "请选择", "en": "Choose"},
    "empty": {"zh": "未填写", "en": "Not given"},
    "required_mark": {"zh": "（必填）", "en": "(required)"},
    "add_row": {"zh": "再加一行", "en": "Add another row"},
    "male": {"zh": "男性", "en": "male"},
    "female": {"zh": "女性", "en": "female"},
    "summary_title": {
        "zh": "提交的信息有误，请修改以下内容",
        "en": "There is a problem — correct the following",
    },
}


def normalise_locale(locale: str | None) -> str:
    """zh, zh_CN, zh-Hans → zh; en, en_GB → en; anything else falls back to the district's language."""
    return "en" if (locale or "").lower().startswith("en") else "zh"


def text(value: Mapping[str, str] | str | None, locale: str) -> str:
    """Pick the right language from a {"zh", "en"} pair in a definition."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(locale) or value.get("zh") or ""


def word(key: str, locale: str) -> str:
    return WORDS[key][normalise_locale(locale)]


class _Keep(dict):
    """format_map helper: an unknown {placeholder} in an overriding message stays visible, never crashes."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(code: str, locale: str, override: Mapping[str, Any] | None = None, **params: Any) -> str:
    locale = normalise_locale(locale)
    template = text(override, locale) if override else MESSAGES[code][locale]
    return template.format_map(_Keep(params))
