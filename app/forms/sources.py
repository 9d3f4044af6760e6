"""Choices that come from the app's data, not the form file: `options_source` in a form definition.

A domain package registers a source once (e.g. the school placement package registers "schools"); a form
that names it gets the current list when it is rendered and when a submission is validated, so a task form
can offer the district's schools without each view passing them in. A caller may still pass `options`
explicitly (the window's long community list does, to look up only the submitted code).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

# () → [{"value": str, "label": {"zh": str, "en": str}}]
Source = Callable[[], list[dict[str, Any]]]

_SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    _SOURCES[name] = source


def choices(source: str, name: str, options: Mapping[str, Sequence[Any]] | None) -> Sequence[Any] | None:
    """The choices of field `name` (whose definition names `source`): passed in, else the registered source."""
    if options is not None and name in options:
        return options[name]
    registered = _SOURCES.get(source)
    return registered() if registered is not None else None
