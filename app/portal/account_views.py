"""Applicant accounts: create one, prove the phone or e-mail with a code, log in and out, the list of one's
cases and saved applications, how to be contacted. Separate from staff log-in (portal.auth)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.core.auth import public
from app.core.errors import NotFound, ValidationFailed
from app.extensions import db, limiter
from app.notifications import outbox
from app.portal import accounts, apply, queries
from app.portal.auth import applicant_required, current_applicant, log_in, log_out
from app.portal.models import ApplicantAccount, ApplicationDraft
from app.portal.views import SESSION_KEY, bp

PENDING_KEY = "applicant_pending"  # the account waiting for its code (id only; nothing is trusted before the code)
CONTACT_KEY = "applicant_new_contact"  # a phone or e-mail being added; its code is bound to it (accounts.send_code)


def rate_limit() -> str:
    return current_app.config.get("PORTAL_RATE_LIMIT", "10 per minute")


def _safe_next(target: str | None) -> str:
    default = url_for("portal.account_home")
    if not target:
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else default


def _pending_account() -> ApplicantAccount | None:
    account_id = session.get(PENDING_KEY)
    return db.session.get(ApplicantAccount, account_id) if isinstance(account_id, int) else None


@bp.get("/account/register")
@public
def account_register():
    return render_template("portal/account_register.html", values={}, errors={})


@bp.post("/account/register")
@public
@limiter.limit(rate_limit)
def account_register_submit():
    values = {"login_name": request.form.get("login_name", "")}
    try:
        account = accounts.register(
            login_name=values["login_name"], password=request.form.get("password", ""), locale=g.locale
        )
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return render_template("portal/account_register.html", values=values, errors=exc.errors), 422
    session[PENDING_KEY] = account.id
    session["applicant_next"] = _safe_next(request.args.get("next"))
    return redirect(url_for("portal.account_verify"))


@bp.route("/account/verify", methods=["GET", "POST"])
@public
@limiter.limit(rate_limit, methods=["POST"])
def account_verify():
    account = _pending_account()
    if account is None:
        return redirect(url_for("portal.account_register"))
    errors: dict = {}
    if request.method == "POST":
        try:
            accounts.verify(account, request.form.get("code", ""))
            db.session.commit()
        except ValidationFailed as exc:
            db.session.commit()  # the counted attempt is kept
            errors = exc.errors
        else:
            target = session.get("applicant_next") or url_for("portal.account_home")
            log_in(account)
            flash(_("Your account is ready."), "success")
            return redirect(target)
    return render_template(
        "portal/account_verify.html",
        sent_to=outbox.mask_recipient(account.login_name),
        form_action=url_for("portal.account_verify"),
        resend_action=url_for("portal.account_resend"),
        errors=errors,
    ), (422 if errors else 200)


@bp.post("/account/verify/resend")
@public
@limiter.limit("3 per 10 minutes")
def account_resend():
    account = _pending_account()
    if account is None:
        return redirect(url_for("portal.account_register"))
    accounts.send_code(account)
    db.session.commit()
    flash(_("We have sent a new code. Earlier codes no longer work."), "success")
    return redirect(url_for("portal.account_verify"))


@bp.route("/account/login", methods=["GET", "POST"])
@public
@limiter.limit(rate_limit, methods=["POST"])
def account_login():
    errors: dict = {}
    login_name = ""
    if request.method == "POST":
        login_name = request.form.get("login_name", "")
        account = accounts.authenticate(login_name=login_name, password=request.form.get("password", ""))
        if account is not None and account.verified_at is None:
            accounts.send_code(account)
            db.session.commit()
            session[PENDING_KEY] = account.id
            session["applicant_next"] = _safe_next(request.args.get("next"))
            return redirect(url_for("portal.account_verify"))
        db.session.commit()
        if account is not None:
            log_in(account)
            return redirect(_safe_next(request.args.get("next")))
        errors["login_name"] = _("The phone number, e-mail address or password is not right. Check them and try again.")
    return render_template("portal/account_login.html", login_name=login_name, errors=errors), (401 if errors else 200)


@bp.post("/account/logout")
@applicant_required
def account_logout():
    log_out()
    session.pop(SESSION_KEY, None)
    flash(_("You have logged out."), "success")
    return redirect(url_for("portal.apply_index"))


@bp.get("/account")
@applicant_required
def account_home():
    return _home(current_applicant(), errors={})


def _home(account: ApplicantAccount, *, errors: dict, contact: str = ""):
    drafts = db.session.scalars(db.select(ApplicationDraft).where(ApplicationDraft.account_id == account.id)).all()
    return render_template(
        "portal/account_home.html",
        account=account,
        cases=[queries.case_summary(case) for case in accounts.cases_of(account)],
        drafts=drafts,
        services={s.process_id: s for s in apply.online_services()},
        errors=errors,
        contact=contact,
        mask_recipient=outbox.mask_recipient,
    )


@bp.post("/account/settings")
@applicant_required
def account_settings():
    account = current_applicant()
    try:
        accounts.set_preferences(
            account, channel=request.form.get("channel", ""), locale=request.form.get("locale", "")
        )
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        flash(exc.errors["channel"][0], "error")
        return redirect(url_for("portal.account_home"))
    session["locale"] = account.locale
    flash(_("Your settings are saved."), "success")
    return redirect(url_for("portal.account_home"))


@bp.post("/account/contact")
@applicant_required
@limiter.limit("5 per 10 minutes")  # each good try sends a message: a limit per person, mistypes included
def account_contact():
    """Adds a mobile number or e-mail address (proved with a code sent to it), so either can carry the news."""
    account = current_applicant()
    try:
        address = accounts.start_contact(account, value=request.form.get("contact", ""))
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _home(account, errors=exc.errors, contact=request.form.get("contact", "")), 422
    session[CONTACT_KEY] = address
    return redirect(url_for("portal.account_contact_verify"))


@bp.route("/account/contact/verify", methods=["GET", "POST"])
@applicant_required
@limiter.limit(rate_limit, methods=["POST"])
def account_contact_verify():
    account, address = current_applicant(), session.get(CONTACT_KEY)
    if not isinstance(address, str) or not address:
        return redirect(url_for("portal.account_home"))
    errors: dict = {}
    if request.method == "POST":
        try:
            added = accounts.confirm_contact(account, address=address, code=request.form.get("code", ""))
            db.session.commit()
        except ValidationFailed as exc:
            db.session.commit()  # the counted attempt is kept
            errors = exc.errors
        else:
            session.pop(CONTACT_KEY, None)
            flash(
                _("The e-mail address is added. You can now choose it for news about your cases.")
                if added == "email"
                else _("The mobile number is added. You can now choose it for news about your cases."),
                "success",
            )
            return redirect(url_for("portal.account_home") + "#settings-heading")
    return render_template(
        "portal/account_verify.html",
        sent_to=outbox.mask_recipient(address),
        form_action=url_for("portal.account_contact_verify"),
        resend_action=None,
        errors=errors,
    ), (422 if errors else 200)


@bp.get("/account/cases/<int:case_id>")
@applicant_required
def account_case(case_id: int):
    """Opens one of the applicant's own cases on the progress page (letters, uploads), as the access code would."""
    case = accounts.owns_case(current_applicant(), case_id)
    if case is None:
        raise NotFound(_("This case does not exist."))  # the same for "absent" and "not yours"
    session[SESSION_KEY] = {"case_id": case.id, "tag": queries.session_tag(case)}
    return redirect(url_for("portal.track"))


@bp.post("/account/cases/claim")
@applicant_required
@limiter.limit(rate_limit)
def account_claim():
    """Adds a case applied for at a window (or without logging in) with its number and access code."""
    case = queries.find_case(request.form.get("case_number", ""), request.form.get("access_code", ""))
    if case is None:
        flash(_("The case number and access code do not match a case. Check both and try again."), "error")
        return redirect(url_for("portal.account_home"))
    if not accounts.link_case(current_applicant(), case):
        flash(_("This case is already linked to an account."), "error")
        return redirect(url_for("portal.account_home"))
    db.session.commit()
    flash(_("The case is now on your list."), "success")
    return redirect(url_for("portal.account_home"))
