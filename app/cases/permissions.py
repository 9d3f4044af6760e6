"""Who may see a case: jurisdiction by unit (see accounts.service.visible_unit_ids)."""

from __future__ import annotations

from sqlalchemy import exists, select

from app.accounts.models import User
from app.accounts.service import visible_unit_ids
from app.cases.models import Case
from app.extensions import db


def can_view_case(user: User, case: Case) -> bool:
    """True if `user` may see `case`.

    A case is visible when the user's units (None = all, for admins) contain its community, its intake unit
    or the unit of any of its tasks, open or done: whoever worked a task on the case may still read it.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    units = visible_unit_ids(user)
    if units is None:
        return True
    if case.community_id in units or case.intake_unit_id in units:
        return True
    from app.inbox.models import HumanTask  # inbox depends on cases, not the other way round at import time

    return bool(db.session.scalar(select(exists().where(HumanTask.case_id == case.id, HumanTask.unit_id.in_(units)))))
