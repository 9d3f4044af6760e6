"""Who may see and manage schools, places and allocation rounds."""

from __future__ import annotations

from flask import g, has_request_context

from app.accounts import service as accounts
from app.accounts.models import Role, UnitKind, User


def _education_bureau_ids() -> set[int]:
    # Asked on every page (the menu): once per request is enough.
    if has_request_context() and "education_bureau_ids" in g:
        return g.education_bureau_ids
    unit = accounts.first_unit_of_kind(UnitKind.EDUCATION_BUREAU)
    ids = {unit.id} if unit is not None else set()
    if has_request_context():
        g.education_bureau_ids = ids
    return ids


def can_view(user: User) -> bool:
    """Staff of the education bureau and supervisors above it (the district) see schools and rounds."""
    visible = accounts.visible_unit_ids(user)
    return visible is None or bool(visible & _education_bureau_ids())


def can_manage(user: User) -> bool:
    """Places and rounds are the education bureau's decisions: its supervisors (and admins) take them."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SUPERVISOR and user.unit_id in _education_bureau_ids()
