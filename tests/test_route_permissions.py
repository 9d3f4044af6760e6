"""Every route × every role: no route is unguarded, and each refuses the roles it does not name."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_from, login

# Value to use for each URL variable when calling a route generically.
SAMPLE_ARGS = {"int": "1", "string": "x", "path": "x", "default": "1"}
ROLES = {"caseworker": "window1", "supervisor": "window_lead", "admin": "admin"}


def _endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue  # stylesheets and scripts are public by nature
        view = app.view_functions[rule.endpoint]
        yield rule, view


def test_every_route_is_either_public_or_names_its_roles(app):
    unguarded = [
        rule.rule
        for rule, view in _endpoints(app)
        if not getattr(view, "is_public", False)
        and not getattr(view, "allowed_roles", None)
        and rule.endpoint not in ("healthz", "accounts.logout")
    ]
    assert unguarded == []


def _url(rule) -> str:
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLE_ARGS.get(m.group(1) or "default", "1"), rule.rule)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_each_route_refuses_roles_it_does_not_allow(app, world, role):
    client = app.test_client()
    if role:
        assert login(client, ROLES[role]).status_code == 302
    # A valid CSRF token, so POSTs reach the role check instead of stopping at CSRF protection.
    token = (
        csrf_from(client.get("/login" if role is None else "/inbox/").get_data(as_text=True))
        if role != "admin"
        else csrf_from(client.get("/calendar/").get_data(as_text=True))
    )
    checked = 0
    for rule, view in _endpoints(app):
        allowed = getattr(view, "allowed_roles", None)
        if getattr(view, "is_public", False) or not allowed:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(_url(rule), method=method, data=data)
            checked += 1
            if role is None:
                assert response.status_code == 302 and "/login" in response.location, (rule.rule, method)
            elif role not in allowed:
                assert response.status_code == 403, (rule.rule, method, role)
            else:
                # Allowed roles reach the view: it may still answer 400 (CSRF), 404 (not theirs/none), etc.
                assert response.status_code != 403 or rule.rule.startswith("/calendar"), (rule.rule, method, role)
    assert checked > 5


def test_an_applicant_reaches_no_staff_route_and_staff_no_applicant_route(app, world):
    """Applicants (app.portal accounts) never enter Flask-Login: every staff route treats them as strangers
    (sent to the staff log-in), and applicant-only routes refuse staff (403) and send strangers to the
    applicant log-in."""
    from app.extensions import db
    from tests.portal.helpers import register

    applicant = app.test_client()
    register(applicant, db, "13812340000")
    token = csrf_from(applicant.get("/account").get_data(as_text=True))
    staff = app.test_client()
    login(staff, "window1")
    staff_token = csrf_from(staff.get("/inbox/").get_data(as_text=True))
    stranger = app.test_client()
    stranger_token = csrf_from(stranger.get("/account/login").get_data(as_text=True))
    staff_routes = applicant_routes = 0
    for rule, view in _endpoints(app):
        allowed = getattr(view, "allowed_roles", None)
        if getattr(view, "is_public", False) or not allowed:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if "applicant" in allowed:
                applicant_routes += 1
                by_staff = staff.open(_url(rule), method=method, data={"csrf_token": staff_token})
                assert by_staff.status_code == 403, (rule.rule, method)
                by_stranger = stranger.open(_url(rule), method=method, data={"csrf_token": stranger_token})
                assert by_stranger.status_code == 302 and "/account/login" in by_stranger.location, rule.rule
                if rule.rule != "/account/logout":
                    by_applicant = applicant.open(_url(rule), method=method, data={"csrf_token": token})
                    assert by_applicant.status_code not in (403, 401), (rule.rule, method)
                    assert "/login" not in (by_applicant.location or ""), (rule.rule, method)
            else:
                staff_routes += 1
                response = applicant.open(_url(rule), method=method, data={"csrf_token": token})
                assert response.status_code == 302, (rule.rule, method)
                assert response.location.startswith("/login"), (rule.rule, method, response.location)
    assert staff_routes > 20 and applicant_routes >= 5
