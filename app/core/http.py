"""Domain errors → HTTP responses, in the user's language; security headers on every response."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.core.errors import DomainError


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if _wants_json():
            body = {"error": type(exc).__name__, "message": exc.message}
            if hasattr(exc, "errors"):
                body["errors"] = exc.errors
            return jsonify(body), exc.status_code
        return render_template("error.html", code=exc.status_code, message=exc.message), exc.status_code

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        app.logger.warning("CSRF refused: %s", exc.description)
        message = _("Your form expired or did not come from this site. Please reload the page and try again.")
        return render_template("error.html", code=400, message=message), 400

    for code, text in (
        (403, "You are not allowed to see this page."),
        (404, "This page does not exist."),
        (405, "This action is not allowed here."),
        (429, "Too many attempts. Please wait a minute and try again."),
    ):
        app.register_error_handler(code, _page(code, text))

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        )
        return response


def _page(code: int, text: str):
    def handler(_exc):
        if _wants_json():
            return jsonify(error=code, message=_(text)), code
        return render_template("error.html", code=code, message=_(text)), code

    return handler
