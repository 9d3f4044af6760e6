from datetime import date

import pytest

from app.letters.dates import chinese_date, numeric_date, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-22", "二〇二六年十一月二十二日"),
        ("2026-01-01", "二〇二六年一月一日"),
        ("2020-10-10", "二〇二〇年十月十日"),
        ("2026-12-31", "二〇二六年十二月三十一日"),
        ("2030-02-20", "二〇三〇年二月二十日"),
        (date(2026, 3, 19), "二〇二六年三月十九日"),
    ],
)
def test_chinese_date(value, expected):
    assert chinese_date(value) == expected


def test_numeric_date():
    assert numeric_date("2026-11-02") == "2026年11月2日"


def test_bad_dates_name_the_field():
    with pytest.raises(ValueError, match=r"decision\.issue_date"):
        parse_date("22/11/2026", field="decision.issue_date")
