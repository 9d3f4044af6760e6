"""Who is the applicant of this request. Applicants and staff never share a session (see portal.accounts)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, redirect, request, session, url_for
from flask_login import current_user

from app.portal import accounts
from app.portal.models import ApplicantAccount

SESSION_KEY = "applicant"


def current_applicant() -> ApplicantAccount | None:
    """The logged-in applicant, read once per request; None for staff sessions and strangers."""
    if "applicant" not in g:
        g.applicant = None if current_user.is_authenticated else accounts.account_from_session(session.get(SESSION_KEY))
    return g.applicant


def applicant_required(view: Callable) -> Callable:
    """Only a logged-in applicant: a stranger is sent to the applicant log-in, staff are refused (403)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_authenticated:
            abort(403)
        if current_applicant() is None:
            return redirect(url_for("portal.account_login", next=request.full_path))
        return view(*args, **kwargs)

    wrapped.allowed_roles = frozenset({"applicant"})  # type: ignore[attr-defined]  # read by the route × role test
    return wrapped


def log_in(account: ApplicantAccount) -> None:
    """A fresh session for the applicant: anything from before (a staff login, another applicant) is dropped."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[SESSION_KEY] = accounts.session_entry(account)
    g.applicant = account


def log_out() -> None:
    session.pop(SESSION_KEY, None)
    g.applicant = None
