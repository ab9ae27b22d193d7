"""Sign-up, verification, sign-in, reset and deletion through the real pages and forms."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from portal import accounts
from portal.extensions import db, limiter
from portal.models import (
    AccountToken,
    OutboxMessage,
    PracticeRole,
    PrivateEntry,
    RoleDecision,
    User,
)
from tests.accounts_support import (
    PASSWORD,
    add_practices,
    csrf_token,
    make_user,
    outbox_link,
    post,
    set_role,
    sign_in,
)
from tests.conftest import make_app


def user_by_email(email):
    return db.session.scalar(db.select(User).filter_by(email=email))


def test_sign_up_verify_and_sign_in(app, client, caplog):
    caplog.set_level(logging.INFO)
    response = post(
        client, "/account/sign-up", {"email": "New@Example.org", "password": "a long password"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/check-email"
    with app.app_context():
        user = user_by_email("new@example.org")
        assert user.verified is False
        assert user.password_hash.startswith("$argon2id$")
        token = db.session.scalar(db.select(AccountToken))
        assert token.purpose == "verify" and len(token.token_hash) == 64
    link = outbox_link(app, "new@example.org", "verify")
    raw = link.rsplit("/", 1)[1]
    with app.app_context():
        assert db.session.scalar(db.select(AccountToken)).token_hash == accounts.token_hash(raw)
        assert raw not in db.session.scalar(db.select(AccountToken)).token_hash
    # Opening the link (or a mail scanner's GET or HEAD) only shows a button.
    for method in (client.get, client.head, client.get):
        page = method(link)
        assert page.status_code == 200
    assert "Confirm email address" in client.get(link).get_data(as_text=True)
    with app.app_context():
        assert user_by_email("new@example.org").verified is False
    page = post(client, link)
    assert page.status_code == 200
    assert "Email address confirmed" in page.get_data(as_text=True)
    assert post(client, link).status_code == 400  # single use
    assert client.get(link).status_code == 400
    with app.app_context():
        assert user_by_email("new@example.org").verified is True
    sign_in(client, "new@example.org", "a long password")
    assert "new@example.org" in client.get("/account/").get_data(as_text=True)
    # Neither the password nor the token reached the log.
    assert "a long password" not in caplog.text
    assert raw not in caplog.text


def test_sign_up_refuses_bad_input_and_hides_existing_accounts(app, client):
    short = post(client, "/account/sign-up", {"email": "a@example.org", "password": "short"})
    assert short.status_code == 400
    assert "Password must be at least 12 characters" in short.get_data(as_text=True)
    bad = post(client, "/account/sign-up", {"email": "not-an-email", "password": PASSWORD})
    assert bad.status_code == 400
    assert "Enter an email address in the correct format" in bad.get_data(as_text=True)
    make_user(app, "taken@example.org")
    again = post(client, "/account/sign-up", {"email": "taken@example.org", "password": PASSWORD})
    assert again.status_code == 302 and again.headers["Location"] == "/account/check-email"
    with app.app_context():
        subjects = db.session.scalars(db.select(OutboxMessage.subject)).all()
        assert subjects == ["You already have a Haresign account"]
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_expired_and_forged_verification_links_are_refused(app, client):
    post(client, "/account/sign-up", {"email": "late@example.org", "password": PASSWORD})
    link = outbox_link(app, "late@example.org", "verify")
    with app.app_context():
        token = db.session.scalar(db.select(AccountToken))
        token.expires_at = accounts.now() - timedelta(seconds=1)
        db.session.commit()
    for path in (link, "/account/verify/forged", "/account/verify/" + "x" * 5000):
        for response in (client.get(path), post(client, path)):
            assert response.status_code == 400
            assert accounts.INVALID_LINK in response.get_data(as_text=True)
    with app.app_context():
        assert user_by_email("late@example.org").verified is False


def test_sign_in_says_the_same_for_unknown_email_and_wrong_password(app, client):
    make_user(app, "known@example.org")
    wrong = post(client, "/account/sign-in", {"email": "known@example.org", "password": "nope"})
    unknown = post(client, "/account/sign-in", {"email": "ghost@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    wrong_html = wrong.get_data(as_text=True).replace("known@example.org", "EMAIL")
    unknown_html = unknown.get_data(as_text=True).replace("ghost@example.org", "EMAIL")
    assert wrong_html == unknown_html
    assert "The email address or password is not correct." in wrong_html


def test_sign_in_follows_only_a_relative_next(app, client):
    make_user(app, "next@example.org")
    for target, expected in [
        ("/practices/A81001", "/practices/A81001"),
        ("https://evil.example/", "/account/"),
        ("//evil.example/x", "/account/"),
        ("/\\evil.example", "/account/"),
        ("javascript:alert(1)", "/account/"),
    ]:
        response = post(
            client,
            "/account/sign-in",
            {"email": "next@example.org", "password": PASSWORD, "next": target},
        )
        assert response.headers["Location"] == expected, target
        post(client, "/account/sign-out")


def test_sign_out_is_a_post(app, client):
    make_user(app, "out@example.org")
    sign_in(client, "out@example.org")
    assert client.get("/account/sign-out").status_code == 405
    assert post(client, "/account/sign-out").status_code == 302
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/sign-in?next=")


def test_password_reset(app, client, caplog):
    caplog.set_level(logging.INFO)
    make_user(app, "forgot@example.org")
    unknown = post(client, "/account/forgot-password", {"email": "ghost@example.org"})
    known = post(client, "/account/forgot-password", {"email": "forgot@example.org"})
    assert unknown.status_code == known.status_code == 200
    assert unknown.get_data() == known.get_data()
    link = outbox_link(app, "forgot@example.org", "reset-password")
    assert client.get(link).status_code == 200
    short = post(client, link, {"password": "short"})
    assert short.status_code == 400
    assert "Password must be at least 12 characters" in short.get_data(as_text=True)
    done = post(client, link, {"password": "a brand new password"})
    assert done.status_code == 200
    assert "Password changed" in done.get_data(as_text=True)
    assert client.get(link).status_code == 400  # used
    bad = post(client, "/account/sign-in", {"email": "forgot@example.org", "password": PASSWORD})
    assert bad.status_code == 401
    sign_in(client, "forgot@example.org", "a brand new password")
    assert link.rsplit("/", 1)[1] not in caplog.text
    assert "a brand new password" not in caplog.text


@pytest.mark.parametrize("logger", ["werkzeug", "gunicorn.access"])
@pytest.mark.parametrize("kind", ["reset-password", "verify"])
def test_request_log_lines_hide_link_tokens(logger, kind):
    from portal.request_logs import StripQueryStrings

    record = logging.LogRecord(
        logger, logging.INFO, __file__, 1, '%s - - "%s" %s',
        ("127.0.0.1", f"GET /account/{kind}/SeCrEt123?next=x HTTP/1.1", "200"), None,
    )  # fmt: skip
    StripQueryStrings().filter(record)
    assert record.getMessage() == (
        f'127.0.0.1 - - "GET /account/{kind}/[token hidden]?[redacted] HTTP/1.1" 200'
    )


def test_account_deletion_removes_personal_data_and_roles(app, client):
    add_practices(app, "A00001")
    uid = make_user(app, "leaving@example.org")
    make_user(app, "admin@example.org")
    set_role(app, "leaving@example.org", "A00001", "active", role="admin")
    set_role(app, "admin@example.org", "A00001", "pending")
    sign_in(client, "leaving@example.org")
    post(client, "/practices/A00001/private", {"period": "2025-01", "local_appointments": "10"})
    post(client, "/account/roles/{}/approve".format(_role_id(app, "admin@example.org")))
    wrong = post(client, "/account/delete", {"password": "not it"})
    assert wrong.status_code == 400
    assert "The password is not correct" in wrong.get_data(as_text=True)
    done = post(client, "/account/delete", {"password": PASSWORD})
    assert done.status_code == 200
    assert "Account deleted" in done.get_data(as_text=True)
    with app.app_context():
        assert user_by_email("leaving@example.org") is None
        assert db.session.scalar(db.select(PracticeRole).filter_by(user_id=uid)) is None
        assert db.session.scalar(db.select(AccountToken).filter_by(user_id=uid)) is None
        assert (
            db.session.scalar(db.select(OutboxMessage).filter_by(to_address="leaving@example.org"))
            is None
        )
        entry = db.session.scalar(db.select(PrivateEntry))
        assert (entry.value, entry.entered_by_id) == (10, None)
        other = db.session.scalar(db.select(PracticeRole))
        assert (other.status, other.decided_by_id) == ("active", None)
        audit = db.session.scalar(db.select(RoleDecision))  # the decision stays, its author gone
        assert (audit.decision, audit.actor_id, audit.subject_id) == (
            "approved",
            None,
            other.user_id,
        )
    assert client.get("/account/").status_code == 302  # signed out


def _role_id(app, email):
    with app.app_context():
        return db.session.scalar(
            db.select(PracticeRole.id)
            .join(User, User.id == PracticeRole.user_id)
            .where(User.email == email)
        )


def test_forms_without_or_with_a_stale_csrf_token_are_refused(scratch_url):
    csrf_app = make_app(scratch_url, WTF_CSRF_ENABLED=True)
    try:
        client = csrf_app.test_client()
        with csrf_app.app_context():
            accounts.create_user("csrf@example.org", PASSWORD)
        data = {"email": "csrf@example.org", "password": PASSWORD}
        missing = client.post("/account/sign-in", data=data)
        assert missing.status_code == 400
        stale_client = csrf_app.test_client()
        stale = post(stale_client, "/account/sign-in", data)  # a token from another session
        assert stale.status_code == 302
        stale_token = csrf_token(stale_client)
        fresh_client = csrf_app.test_client()
        refused = fresh_client.post("/account/sign-in", data={**data, "csrf_token": stale_token})
        assert refused.status_code == 400
        forged = client.post("/account/sign-in", data={**data, "csrf_token": "forged"})
        assert forged.status_code == 400
        assert "The form&#39;s security check is missing or not valid" in forged.get_data(
            as_text=True
        )
        accepted = post(client, "/account/sign-in", data)
        assert accepted.status_code == 302
    finally:
        with csrf_app.app_context():
            db.session.execute(db.delete(User))
            db.session.commit()
            db.engine.dispose()


def test_every_form_carries_a_csrf_token(app, client):
    add_practices(app, "A00001")
    make_user(app, "forms@example.org", admin=True)
    set_role(app, "forms@example.org", "A00001", "active", role="admin")
    make_user(app, "asker@example.org")
    set_role(app, "asker@example.org", "A00001", "pending")
    pages = ["/account/sign-in", "/account/sign-up", "/account/forgot-password"]
    for page in pages:
        _assert_forms_have_tokens(client.get(page).get_data(as_text=True), page)
    sign_in(client, "forms@example.org")
    for page in [
        "/account/?q=A00001",
        "/account/delete",
        "/practices/A00001/private",
        "/admin/roles",
    ]:
        _assert_forms_have_tokens(client.get(page).get_data(as_text=True), page)


def _assert_forms_have_tokens(html: str, page: str) -> None:
    forms = re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S)
    posts = [f for f in forms if 'method="post"' in f]
    assert posts or page == "/admin/roles", page
    for form in posts:
        assert 'name="csrf_token"' in form, (page, form[:200])


def test_sign_in_is_rate_limited(scratch_url):
    limited = make_app(scratch_url, RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute")
    try:
        with limited.app_context():
            limiter.reset()
        client = limited.test_client()
        data = {"email": "nobody@example.org", "password": "wrong password"}
        codes = [post(client, "/account/sign-in", data).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        blocked = post(client, "/account/sign-in", data)
        assert blocked.status_code == 429
        assert "Too many requests" in blocked.get_data(as_text=True)
        assert client.get("/account/sign-in").status_code == 200  # only attempts are limited
    finally:
        with limited.app_context():
            limiter.reset()
            db.engine.dispose()
