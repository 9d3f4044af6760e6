"""Masking of personal data for lists: enough to recognise, not enough to misuse."""


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; Latin names keep the first letter."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else value
