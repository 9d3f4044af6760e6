"""Fixtures for the forms engine: the real definitions, a pinned clock, and a bare Flask app for rendering."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from stdnum.cn import ric

from app.core import clock
from app.forms import bp, load_form_definitions

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
TODAY = datetime(2025, 6, 15, 10, 0, tzinfo=clock.CHINA_TZ)
# A real-format GB 11643 number: Beijing Chaoyang, born 1949-12-31, order code 002 (a woman).
VALID_ID = "11010519491231002X"
WRONG_CHECK_DIGIT = "110105194912310021"


def make_id(first17: str) -> str:
    """A valid resident ID number from its first 17 digits (the check digit is computed)."""
    return first17 + ric.calc_check_digit(first17 + "0")


@pytest.fixture(autouse=True)
def frozen_today():
    """Ages, past and future dates are relative to today, so today is pinned: 2025-06-15 in China."""
    clock.freeze(TODAY)
    yield TODAY.date()
    clock.freeze(None)


@pytest.fixture(scope="session")
def definitions() -> dict[str, dict]:
    return load_form_definitions(FORMS_DIR)


@pytest.fixture()
def forms_app() -> Flask:
    """Just enough app to render the macros: the forms blueprint, nothing else (no database)."""
    application = Flask(__name__)
    application.register_blueprint(bp)
    return application


COMMUNITIES = [
    {"value": "330106001001", "label": {"zh": "文三社区", "en": "Wensan Community"}},
    {"value": "330106001002", "label": {"zh": "古荡社区", "en": "Gudang Community"}},
]


@pytest.fixture()
def application_data() -> dict:
    """A complete, valid intake (as parse_form_submission would produce it)."""
    return {
        "applicant_name": "王芳",
        "id_number": VALID_ID,
        "birth_date": "1949-12-31",
        "sex": "female",
        "phone": "13800138000",
        "hukou_address": "北京市朝阳区建国路88号",
        "current_address": "杭州市西湖区文三路100号2幢301室",
        "community_code": "330106001001",
        "residence_registered_on": "2024-09-01",
        "purpose_of_stay": "work",
        "basis": "stable_job",
        "employer_name": "杭州某某科技有限公司",
        "employer_credit_code": "91110000600037341L",
        "mobility_impaired": False,
    }
