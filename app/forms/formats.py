"""Our own string formats: normalisation of what people type, then a check that names what is wrong.

JSON Schema's format checker is not used: it only knows a few formats, cannot say *why* a value is wrong,
and we need messages that tell a caseworker which digit to look at. Each checker returns the normalised
value, or raises `FormatProblem(code, **params)`; `code` is a key of the message catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

from stdnum.cn import ric, uscc

from app.core import clock


class FormatProblem(Exception):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


# GB 11643 address codes start with a province-level code (GB/T 2260). stdnum's county table would also
# reject codes it does not know yet, and refusing a real person's ID because a library lags behind the
# civil-affairs ministry is worse than accepting an unknown county, so only the province is checked.
# fmt: off
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
    "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
    "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
})
# fmt: on
# A date outside these years is a typing slip, not a birth or visit date anyone will record here.
MIN_YEAR, MAX_YEAR = 1900, 2100


def _halfwidth(value: str) -> str:
    """Chinese input methods often produce full-width digits and dashes (１２３－４); NFKC maps them."""
    return unicodedata.normalize("NFKC", value).strip()


def check_resident_id(value: str) -> str:
    number = re.sub(r"[\s-]", "", _halfwidth(value)).upper()
    if len(number) != 18:
        raise FormatProblem("id_length", actual=len(number))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise FormatProblem("id_characters")
    if number[:2] not in _PROVINCES:
        raise FormatProblem("id_region")
    try:
        born = ric.get_birth_date(number)
    except Exception:  # stdnum raises its own InvalidComponent for an impossible date such as 0230
        raise FormatProblem("id_birth_date") from None
    if born.year < MIN_YEAR or born > clock.today():
        raise FormatProblem("id_birth_date")
    if number[17] != ric.calc_check_digit(number):
        raise FormatProblem("id_checksum")
    return number


def id_birth_date(number: str) -> date:
    return ric.get_birth_date(number)


def id_is_male(number: str) -> bool:
    """GB 11643: the 17th digit (order code) is odd for men and even for women."""
    return int(number[16]) % 2 == 1


_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code 0 + 2 or 3 digits, then a 7- or 8-digit number, optionally an extension.
_LANDLINE = re.compile(r"(0\d{2,3})-?([2-9]\d{6,7})(?:-(\d{1,6}))?")


def _phone_digits(value: str) -> str:
    text = re.sub(r"[\s()（）]", "", _halfwidth(value))
    text = re.sub(r"^(?:\+86|0086|86(?=1\d{10}$))-?", "", text)
    return text


def check_mobile(value: str) -> str:
    text = _phone_digits(value).replace("-", "")
    if not _MOBILE.fullmatch(text):
        raise FormatProblem("mobile")
    return text


def check_phone(value: str) -> str:
    text = _phone_digits(value)
    if _MOBILE.fullmatch(text.replace("-", "")):
        return text.replace("-", "")
    match = _LANDLINE.fullmatch(text)
    if not match:
        raise FormatProblem("phone")
    area, local, extension = match.groups()
    return f"{area}-{local}" + (f"-{extension}" if extension else "")


_USCC_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")


def check_credit_code(value: str) -> str:
    """GB 32100 unified social credit code. stdnum insists the first 8 characters are digits, but the
    registering department (1st character) may be a letter such as Y or N, so the layout is checked here
    and only the check-digit arithmetic is borrowed."""
    code = re.sub(r"[\s-]", "", _halfwidth(value)).upper()
    if len(code) != 18:
        raise FormatProblem("uscc_length", actual=len(code))
    if any(c not in _USCC_ALPHABET for c in code) or not code[2:8].isdigit():
        raise FormatProblem("uscc_characters")
    if code[17] != uscc.calc_check_digit(code):
        raise FormatProblem("uscc_checksum")
    return code


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def check_email(value: str) -> str:
    text = _halfwidth(value)
    if not _EMAIL.fullmatch(text):
        raise FormatProblem("email")
    return text


# <input type="date"> sends YYYY-MM-DD; people typing into a plain field write 2024/5/1 or 2024年5月1日.
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(value: str) -> date:
    match = _DATE.fullmatch(_halfwidth(value))
    if not match:
        raise FormatProblem("date")
    try:
        parsed = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise FormatProblem("date") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise FormatProblem("date_range", earliest=MIN_YEAR, latest=MAX_YEAR)
    return parsed


def check_date(value: str) -> str:
    return parse_date(value).isoformat()


def check_past_date(value: str) -> str:
    parsed = parse_date(value)
    if parsed > clock.today():
        raise FormatProblem("past_date", today=clock.today().isoformat())
    return parsed.isoformat()


def check_future_date(value: str) -> str:
    parsed = parse_date(value)
    if parsed <= clock.today():
        raise FormatProblem("future_date", today=clock.today().isoformat())
    return parsed.isoformat()


FORMATS: dict[str, Callable[[str], str]] = {
    "cn-resident-id": check_resident_id,
    "cn-mobile": check_mobile,
    "cn-phone": check_phone,
    "cn-uscc": check_credit_code,
    "email": check_email,
    "date": check_date,
    "past-date": check_past_date,
    "future-date": check_future_date,
}
DATE_FORMATS = frozenset({"date", "past-date", "future-date"})


def date_input_bounds(fmt: str | None) -> tuple[str | None, str | None]:
    """min/max attributes for <input type="date">, so the browser's picker agrees with the server."""
    if fmt == "past-date":
        return None, clock.today().isoformat()
    if fmt == "future-date":
        return (clock.today() + timedelta(days=1)).isoformat(), None
    return None, None


def age_on(born: date, day: date) -> int:
    """Full years of age; someone born on 29 February turns a year older on 1 March in common years."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
