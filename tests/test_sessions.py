"""Sessions end everywhere: after sign-out, a password change or a password reset, a copy of
the session cookie (another browser, or a stolen cookie) is no longer signed in."""

from __future__ import annotations

import html

from portal import sessions
from portal.extensions import db, limiter
from portal.models import User
from tests.accounts_support import PASSWORD, make_user, outbox_link, post, sign_in
from tests.conftest import make_app

EMAIL = "anna@example.org"
STRONG = "saffron kettle orbit lantern"


def signed_in(client) -> bool:
    response = client.get("/account/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def copy_of(site, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = site.test_client()
    thief.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return thief


def test_a_copied_cookie_works_until_sign_out_anywhere(site):
    client = site.test_client()
    make_user(site, EMAIL)
    sign_in(client, EMAIL)
    copy = copy_of(site, client)
    stale = copy_of(site, client)
    assert signed_in(copy) and signed_in(client)
    assert post(copy, "/account/sign-out").status_code == 302  # signing out on one browser ...
    assert not signed_in(copy)
    assert not signed_in(client)  # ... ends the other's session
    assert not signed_in(stale)  # and the cookie replayed later
    sign_in(client, EMAIL)  # signing in again starts a session that works
    assert signed_in(client)
    assert not signed_in(stale)


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(site):
    client = site.test_client()
    make_user(site, EMAIL)
    sign_in(client, EMAIL)
    copy = copy_of(site, client)
    changed = post(
        client, "/account/password", {"current_password": PASSWORD, "new_password": STRONG}
    )
    assert changed.status_code == 302 and changed.headers["Location"] == "/account/"
    profile = client.get("/account/")
    assert profile.status_code == 200  # this browser stays signed in
    assert "Your password has been changed." in profile.get_data(as_text=True)
    assert not signed_in(copy)
    assert signed_in(copy_of(site, client))  # this browser's new cookie is the live one
    other = site.test_client()
    assert (
        post(other, "/account/sign-in", {"email": EMAIL, "password": PASSWORD}).status_code == 401
    )
    sign_in(other, EMAIL, STRONG)


def test_a_refused_password_change_changes_nothing(site):
    client = site.test_client()
    make_user(site, EMAIL)
    sign_in(client, EMAIL)
    copy = copy_of(site, client)
    for form, field, message in [
        ({"current_password": "not it", "new_password": STRONG}, "current-password",
         "The current password is not correct"),
        ({"current_password": PASSWORD, "new_password": "short"}, "new-password",
         "Password must be at least 12 characters"),
        ({"current_password": PASSWORD, "new_password": "password1234"}, "new-password",
         "This password is too common or easy to guess. This is a very common password."),
    ]:  # fmt: skip
        response = post(client, "/account/password", form)
        assert response.status_code == 400
        page = html.unescape(response.get_data(as_text=True))
        assert f'<span class="nhsuk-error-message" id="{field}-error">' in page
        assert f'<a href="#{field}">{message}</a>' in page
    assert signed_in(client) and signed_in(copy)
    sign_in(site.test_client(), EMAIL, PASSWORD)


def test_a_password_reset_ends_every_session(site):
    client = site.test_client()
    make_user(site, EMAIL)
    sign_in(client, EMAIL)
    copy = copy_of(site, client)
    resetter = site.test_client()
    post(resetter, "/account/forgot-password", {"email": EMAIL})
    link = outbox_link(site, EMAIL, "reset-password")
    assert signed_in(client)  # asking for a link ends nothing
    assert post(resetter, link, {"password": STRONG}).status_code == 200
    assert not signed_in(client)
    assert not signed_in(copy)
    assert not signed_in(resetter)
    sign_in(resetter, EMAIL, STRONG)


def test_a_session_without_the_current_version_is_not_signed_in(site):
    client = site.test_client()
    user_id = make_user(site, EMAIL)
    for version in (None, 1, "0"):
        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
            session.pop(sessions.VERSION_KEY, None)
            if version is not None:
                session[sessions.VERSION_KEY] = version
        assert not signed_in(client), version
    with client.session_transaction() as session:
        session[sessions.VERSION_KEY] = 0
    assert signed_in(client)


def test_deleting_the_account_ends_its_sessions(site):
    client = site.test_client()
    make_user(site, EMAIL)
    sign_in(client, EMAIL)
    copy = copy_of(site, client)
    assert post(client, "/account/delete", {"password": PASSWORD}).status_code == 200
    assert not signed_in(copy)
    with site.app_context():
        assert db.session.scalar(db.select(User).filter_by(email=EMAIL)) is None


def test_password_changes_are_rate_limited(scratch_url):
    limited = make_app(scratch_url, RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute")
    try:
        with limited.app_context():
            limiter.reset()
        client = limited.test_client()
        make_user(limited, EMAIL)
        sign_in(client, EMAIL)
        form = {"current_password": "wrong guess", "new_password": STRONG}
        codes = [post(client, "/account/password", form).status_code for _ in range(4)]
        assert codes == [400, 400, 400, 429]
    finally:
        with limited.app_context():
            limiter.reset()
            db.session.execute(db.delete(User))
            db.session.commit()
            db.engine.dispose()
