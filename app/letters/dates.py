"""Dates as Chinese letters write them.

The date of a decision (成文日期) in legal documents is written in Chinese numerals, 二〇二六年十一月二十二日;
dates inside the body text use Arabic numerals, 2026年11月2日, as most 行政执法文书 do.
"""

from __future__ import annotations

from datetime import date

_DIGITS = "〇一二三四五六七八九"


def parse_date(value: date | str, *, field: str = "date") -> date:
    """An ISO string (what JSON contexts carry) or a date; ValueError naming the field otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{field}: not an ISO date (YYYY-MM-DD): {value!r}") from None


def _small_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 31 → 三十一 (months and days only)."""
    if not 1 <= n <= 31:
        raise ValueError(f"not a month or day number: {n}")
    tens, units = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _DIGITS[tens]) + "十"
    if units:
        text += _DIGITS[units]
    return text


def chinese_date(value: date | str) -> str:
    """2026-11-22 → 二〇二六年十一月二十二日 (the decision date under the seal)."""
    d = parse_date(value)
    year = "".join(_DIGITS[int(ch)] for ch in f"{d.year:04d}")
    return f"{year}年{_small_number(d.month)}月{_small_number(d.day)}日"


def numeric_date(value: date | str) -> str:
    """2026-11-02 → 2026年11月2日 (dates inside the body text)."""
    d = parse_date(value)
    return f"{d.year}年{d.month}月{d.day}日"
