"""Accounts: sign-up, email verification, sign-in/out, password reset and change, profile with
practice roles, account deletion. Thin: parse the form, call portal.accounts / portal.roles,
render. A form's page and its submission are separate views (GET and POST), so a HEAD request,
which Flask answers with the GET view, never reaches the state-changing code."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from portal import accounts, roles, sessions
from portal.access import NotFoundOrDenied
from portal.accounts import AccountError
from portal.extensions import limiter
from portal.links import public_url
from portal.queries.search import SearchError, search_practices

bp = Blueprint("accounts", __name__, url_prefix="/account")
log = logging.getLogger(__name__)

SIGN_IN_FAILED = "The email address or password is not correct."


def _sign_in_limit() -> str:
    """Attempts per client address on the sign-in, sign-up and reset forms."""
    return current_app.config.get("SIGN_IN_RATE_LIMIT", "10 per minute")


def _sign_in_email_key() -> str:
    return "sign-in:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def _link(endpoint: str):
    """Mailed links come from PUBLIC_BASE_URL, never from the request's Host header."""
    return lambda token: public_url(endpoint, token=token)


def _message(title: str, message: str, link: tuple[str, str] | None = None):
    return render_template("accounts/message.html", title=title, message=message, link=link)


def _next_target() -> str | None:
    target = request.values.get("next")
    return target if accounts.is_safe_next(target) else None


@bp.get("/sign-up")
def sign_up():
    return render_template("accounts/sign_up.html", errors={}, email="")


@bp.post("/sign-up")
@limiter.limit(_sign_in_limit)
def create_account():
    email = request.form.get("email", "")[:300]
    try:
        accounts.sign_up(email, request.form.get("password", ""), _link("accounts.verify"))
    except AccountError as exc:
        field = "password" if "assword" in str(exc) else "email"
        return render_template("accounts/sign_up.html", errors={field: str(exc)}, email=email), 400
    return redirect(url_for("accounts.check_email"))


@bp.get("/check-email")
def check_email():
    return _message(
        "Check your email",
        "If the address can be used, we have sent a link to confirm it. "
        "The link works for 48 hours.",
    )


@bp.get("/verify/<token>")
def verify(token: str):
    """Shows a confirm button: a GET (a mail scanner, a HEAD) never uses the link up."""
    try:
        accounts.check_token(token, "verify")
    except AccountError as exc:
        return _message("Link not valid", str(exc)), 400
    return render_template("accounts/verify.html")


@bp.post("/verify/<token>")
@limiter.limit(_sign_in_limit)
def confirm_email(token: str):
    try:
        accounts.verify_email(token)
    except AccountError as exc:
        return _message("Link not valid", str(exc)), 400
    return _message(
        "Email address confirmed",
        "Your email address is confirmed. You can now request a role at a practice.",
        link=(url_for("accounts.profile"), "Go to your account"),
    )


@bp.post("/resend-verification")
@limiter.limit(_sign_in_limit)
@login_required
def resend_verification():
    accounts.resend_verification(current_user, _link("accounts.verify"))
    flash("We have sent a new confirmation link to your email address.")
    return redirect(url_for("accounts.profile"))


@bp.get("/sign-in")
def sign_in():
    return render_template("accounts/sign_in.html", error=None, email="", next=_next_target())


@bp.post("/sign-in")
@limiter.limit(_sign_in_limit)
@limiter.limit("30 per hour", key_func=_sign_in_email_key)
def start_session():
    target = _next_target()
    email = request.form.get("email", "")[:300]
    user = accounts.authenticate(email, request.form.get("password", ""))
    if user is None:
        log.info("sign-in failed")
        return render_template(
            "accounts/sign_in.html", error=SIGN_IN_FAILED, email=email, next=target
        ), 401
    sessions.start(user)
    log.info("signed in: user %s", user.id)
    return redirect(target or url_for("accounts.profile"))


@bp.post("/sign-out")
def sign_out():
    """Ends this session and every other session of the account."""
    if current_user.is_authenticated:
        sessions.end_everywhere(current_user._get_current_object())
    else:
        sessions.end_here()
    return redirect(url_for("public.home"))


@bp.get("/forgot-password")
def forgot_password():
    return render_template("accounts/forgot_password.html")


@bp.post("/forgot-password")
@limiter.limit(_sign_in_limit)
def send_reset_link():
    accounts.request_password_reset(
        request.form.get("email", "")[:300], _link("accounts.reset_password")
    )
    return _message(
        "Check your email",
        "If an account uses that address, we have sent it a link to reset the "
        "password. The link works for 1 hour.",
    )


@bp.get("/reset-password/<token>")
def reset_password(token: str):
    try:
        accounts.check_token(token, "reset")
    except AccountError as exc:
        return _message("Link not valid", str(exc)), 400
    return render_template("accounts/reset_password.html", error=None)


@bp.post("/reset-password/<token>")
@limiter.limit(_sign_in_limit)
def choose_new_password(token: str):
    try:
        accounts.check_token(token, "reset")
    except AccountError as exc:
        return _message("Link not valid", str(exc)), 400
    try:
        accounts.reset_password(token, request.form.get("password", ""))
    except AccountError as exc:
        return render_template("accounts/reset_password.html", error=str(exc)), 400
    sessions.end_here()
    return _message(
        "Password changed",
        "Your password has been changed. Sign in with your new password.",
        link=(url_for("accounts.sign_in"), "Sign in"),
    )


@bp.get("/")
@login_required
def profile():
    query = request.args.get("q", "")
    hits, search_error = [], None
    if "q" in request.args:
        try:
            hits = search_practices(query, limit=20)
        except SearchError as exc:
            search_error = str(exc)
    return _render_profile(query=query[:100], hits=hits, search_error=search_error)


def _render_profile(status: int = 200, **extra):
    managed = [
        (code, roles.members_of(current_user, code))
        for code in roles.managed_practices(current_user)
    ]
    context = {
        "my_roles": roles.roles_of(current_user),
        "requests": roles.requests_for(current_user),
        "managed": [(code, members) for code, members in managed if members],
        "site_decisions": {
            code: roles.site_admin_decisions(current_user, code) for code, _ in managed
        },
        "query": "",
        "hits": [],
        "search_error": None,
        "role_error": None,
        "password_error": {},
    }
    context.update(extra)
    return render_template("accounts/profile.html", **context), status


@bp.post("/roles")
@login_required
def request_role():
    try:
        grant = roles.request_role(
            current_user, request.form.get("practice", ""), request.form.get("role", "member")
        )
    except AccountError as exc:
        return _render_profile(400, role_error=str(exc))
    flash(f"Your request for {grant.practice_code} is waiting for approval.")
    return redirect(url_for("accounts.profile"))


@bp.post("/roles/<int:role_id>/<action>")
@login_required
def decide_role(role_id: int, action: str):
    if action not in ("approve", "reject", "remove"):
        abort(404)
    try:
        if action == "remove":
            grant = roles.remove(current_user, role_id)
        else:
            grant = roles.decide(current_user, role_id, approve=action == "approve")
    except NotFoundOrDenied:
        abort(404)
    except AccountError as exc:
        return _render_profile(400, role_error=str(exc))
    flash(f"Role at {grant.practice_code}: {roles.STATUS_LABELS[grant.status].lower()}.")
    back = request.form.get("back")
    return redirect(back if accounts.is_safe_next(back) else url_for("accounts.profile"))


@bp.post("/password")
@limiter.limit(_sign_in_limit)
@login_required
def change_password():
    """Ends every other session; this browser stays signed in at the new session version."""
    user = current_user._get_current_object()
    try:
        accounts.change_password(
            user, request.form.get("current_password", ""), request.form.get("new_password", "")
        )
    except AccountError as exc:
        field = "current-password" if "current password" in str(exc) else "new-password"
        return _render_profile(400, password_error={field: str(exc)})
    sessions.start(user)
    flash(
        "Your password has been changed. Other browsers signed in to your account are signed out."
    )
    return redirect(url_for("accounts.profile"))


@bp.get("/delete")
@login_required
def delete():
    return render_template("accounts/delete.html", error=None)


@bp.post("/delete")
@login_required
def delete_account():
    try:
        accounts.delete_account(
            current_user._get_current_object(), request.form.get("password", "")
        )
    except AccountError as exc:
        return render_template("accounts/delete.html", error=str(exc)), 400
    sessions.end_here()
    return _message(
        "Account deleted",
        "Your account, your email address and your practice roles have been deleted.",
    )
