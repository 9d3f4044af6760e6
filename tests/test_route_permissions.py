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
