"""Log in, log out, language choice."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import service
from app.core.auth import public
from app.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__, template_folder="templates")


@login_manager.user_loader
def load_user(user_id: str):
    return service.user_by_id(int(user_id))


def _safe_next(target: str | None, default: str) -> str:
    if not target:
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else default


@bp.route("/", methods=["GET"])
@public
def home():
    return redirect(url_for("inbox.index") if current_user.is_authenticated else url_for("accounts.login"))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: __import__("flask").current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    error = None
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "")
        user = service.authenticate(
            username=username, password=request.form.get("password", ""), ip=request.remote_addr
        )
        db.session.commit()
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next"), url_for("inbox.index")))
        error = _("The user name or password is not right. Check both and try again.")
    return render_template("accounts/login.html", error=error, username=username), (401 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    service.record_audit(user=current_user, action="logout", detail=None, ip=request.remote_addr)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.post("/language")
@public
def set_language():
    locale = request.form.get("locale", "zh")
    if locale in ("zh", "en"):
        session["locale"] = locale
        if current_user.is_authenticated:
            service.set_locale(user=current_user, locale=locale)
            db.session.commit()
    return redirect(_safe_next(request.form.get("next"), url_for("accounts.home")))
