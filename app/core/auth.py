"""Route guards. Every view states who may call it; jurisdiction is checked again in the service."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str) -> Callable:
    """Logged in AND holding one of `roles` (admin is not implicitly everything: it must be listed)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if str(current_user.role) not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]  # read by the route × role test
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Marks a view as deliberately open to anyone (log-in page, health, letter verification)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view
