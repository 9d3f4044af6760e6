"""The letter kinds Anju can issue: title, 文号 series, required facts and the builder that writes the text.

Each service registers its own kinds (its `letters.py` calls `register_kind` on import); the template is
`app/<domain>/templates/letters/<kind>.html` or `app/letters/templates/letters/<kind>.html`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# (facts, common context) → the template context
Builder = Callable[[dict, dict], dict]


@dataclass(frozen=True)
class LetterKindSpec:
    kind: str
    title: str  # 居住证申领受理回执, …
    series: str  # the 文号 series: 受, 补, 准, …  (agency doc code + series + 〔year〕 + number)
    keys: tuple[str, ...]  # facts keys this kind needs beyond the common ones (dotted)
    builder: Builder
    # "supplement": a one-time supplement notice (the portal lists its missing materials and takes uploads)
    role: str = ""
    # Letters that stop being valid on a date carry it in their context under this key (verification page).
    valid_until_key: str | None = None


KINDS: dict[str, LetterKindSpec] = {}


def register_kind(
    kind: str,
    *,
    title: str,
    series: str,
    keys: tuple[str, ...] = (),
    builder: Builder,
    role: str = "",
    valid_until_key: str | None = None,
) -> LetterKindSpec:
    spec = LetterKindSpec(kind, title, series, tuple(keys), builder, role, valid_until_key)
    KINDS[kind] = spec
    return spec


def get(kind: str) -> LetterKindSpec | None:
    return KINDS.get(kind)


def supplement_kinds() -> frozenset[str]:
    return frozenset(k for k, spec in KINDS.items() if spec.role == "supplement")
