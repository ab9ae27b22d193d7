"""The password policy (at least 12 characters and a zxcvbn score of 3, with the person's email
address as known words) at every place a password is chosen, and a forgot-password answer that
does not say whether the account exists."""

from __future__ import annotations

import html

import pytest

from portal import accounts
from portal.accounts import AccountError, check_new_password
from portal.extensions import db
from portal.models import AccountToken, OutboxMessage, User
from tests.accounts_support import PASSWORD, make_user, outbox_link, post, sign_in

GUESSABLE = "This password is too common or easy to guess. "
STRONG = "saffron kettle orbit lantern"

REFUSED = [
    ("short", "a@example.org", "Password must be at least 12 characters"),
    ("elevenchars", "a@example.org", "Password must be at least 12 characters"),
    ("x" * 1001, "a@example.org", "Password must be 1,000 characters or fewer"),
    ("password1234", "a@example.org", GUESSABLE + "This is a very common password."),
    ("Password2024!", "a@example.org", GUESSABLE + "This is similar to a commonly used password."),
    ("qwertyuiopasdf", "a@example.org", GUESSABLE + "This is similar to a commonly used password."),
    ("aaaaaaaaaaaaaaaa", "a@example.org", GUESSABLE + 'Repeats like "aaa" are easy to guess.'),
    ("abcdefghijklmn", "a@example.org", GUESSABLE + 'Sequences like "abc" or "6543" are easy to guess.'),
    ("Jennifer1985!", "a@example.org", GUESSABLE + "Common names and surnames are easy to guess."),
    # The person's own address and the site's name are the first words an attacker tries.
    ("anna.smith.2024", "anna.smith@example.org", GUESSABLE + "Add another word or two. Uncommon words are better."),
    ("Haresign-2026", "a@example.org", GUESSABLE + "Add another word or two. Uncommon words are better."),
]  # fmt: skip


@pytest.mark.parametrize(("password", "email", "message"), REFUSED)
def test_the_policy_refuses_short_long_common_and_personal_passwords(password, email, message):
    with pytest.raises(AccountError) as refused:
        check_new_password(password, email=email)
    assert str(refused.value) == message


def test_the_policy_accepts_a_long_unguessable_passphrase():
    check_new_password(STRONG, email="anna.smith@example.org")
    check_new_password("a" + STRONG * 30, email="a@example.org")  # long: judged on its start


def test_anna_smith_2024_is_only_weak_for_anna_smith():
    check_new_password("anna.smith.2024", email="someone.else@example.org")


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("password", "email", "message"), REFUSED[3:])
def test_sign_up_refuses_a_guessable_password_and_creates_nothing(app, client, password, email, message):  # fmt: skip
    response = post(client, "/account/sign-up", {"email": email, "password": password})
    assert response.status_code == 400
    assert message in _text(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_reset_refuses_a_guessable_password_and_keeps_the_link(app, client):
    make_user(app, "anna.smith@example.org")
    post(client, "/account/forgot-password", {"email": "anna.smith@example.org"})
    link = outbox_link(app, "anna.smith@example.org", "reset-password")
    weak = post(client, link, {"password": "anna.smith.2024"})
    assert weak.status_code == 400
    assert GUESSABLE + "Add another word or two." in _text(weak)
    assert client.get(link).status_code == 200  # not used up
    assert post(client, link, {"password": STRONG}).status_code == 200
    sign_in(client, "anna.smith@example.org", STRONG)


def test_flask_users_create_refuses_a_guessable_password(app, runner):
    weak = runner.invoke(args=["users", "create", "a@example.org", "--password", "password1234"])
    assert weak.exit_code == 1
    assert GUESSABLE + "This is a very common password." in weak.output
    with app.app_context():
        assert accounts.find_user("a@example.org") is None
    strong = runner.invoke(args=["users", "create", "a@example.org", "--password", STRONG])
    assert strong.exit_code == 0, strong.output


@pytest.mark.parametrize(
    "email",
    ["known@example.org", "KNOWN@example.org ", "unverified@example.org"],
)
def test_forgot_password_answers_the_same_for_every_address(app, client, email):
    make_user(app, "known@example.org")
    make_user(app, "unverified@example.org", verified=False)
    known = post(client, "/account/forgot-password", {"email": email})
    unknown = post(client, "/account/forgot-password", {"email": "ghost@example.org"})
    malformed = post(client, "/account/forgot-password", {"email": "not an address"})
    empty = post(client, "/account/forgot-password", {"email": ""})
    assert known.status_code == unknown.status_code == malformed.status_code == 200
    assert empty.status_code == 200
    assert known.get_data() == unknown.get_data() == malformed.get_data() == empty.get_data()
    assert {k: v for k, v in known.headers.items() if k != "Set-Cookie"} == {
        k: v for k, v in unknown.headers.items() if k != "Set-Cookie"
    }
    with app.app_context():
        tokens = db.session.scalars(db.select(AccountToken)).all()
        assert len(tokens) == 1  # only the account that exists got a link
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 1


def test_the_demo_and_test_passwords_meet_the_policy():
    from scripts.run_portal import DEMO_EMAIL, DEMO_PASSWORD

    check_new_password(DEMO_PASSWORD, email=DEMO_EMAIL)
    check_new_password(PASSWORD, email="member@example.org")
