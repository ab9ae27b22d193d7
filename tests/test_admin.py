"""Site administration pages: only for site admins; data status and the outbox."""

from __future__ import annotations

from portal.clock import now
from portal.extensions import db
from portal.models import DatasetLoad
from tests.accounts_support import make_user, outbox_link, post, sign_in


def test_admin_pages_are_404_for_everyone_else(app, client):
    make_user(app, "plain@example.org")
    pages = ["/admin/", "/admin/roles", "/admin/data", "/admin/outbox"]
    missing = client.get("/admin/nothing-here").get_data()
    for path in pages:
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_data() == missing
    sign_in(client, "plain@example.org")
    for path in pages:
        assert client.get(path).status_code == 404


def test_outbox_shows_messages_and_data_status_lists_loads(app, client):
    make_user(app, "site@example.org", admin=True)
    post(client, "/account/sign-up", {"email": "fresh@example.org", "password": "a long password"})
    with app.app_context():
        db.session.add(
            DatasetLoad(
                dataset="patients-registered", period="2025-12", part="all",
                source_file="gp-reg-pat-prac-all_2025-12.csv", checksum="0" * 64,
                rows_read=10, rows_loaded=10, synthetic=False, status="loaded", loaded_at=now(),
            )
        )  # fmt: skip
        db.session.commit()
    sign_in(client, "site@example.org")
    outbox = client.get("/admin/outbox").get_data(as_text=True)
    assert "Confirm your email address for Haresign" in outbox
    assert "To fresh@example.org" in outbox
    assert "http://127.0.0.1:5000/account/verify/[token hidden]" in outbox
    data = client.get("/admin/data").get_data(as_text=True)
    assert 'data-dataset="patients-registered"' in data and "2025-12" in data


def test_outbox_never_shows_a_live_token(app, client):
    """Without MAIL_URL the outbox is the development mailbox, so the table keeps the real
    links; the page a site admin reads hides every token (verification and reset)."""
    make_user(app, "site@example.org", admin=True)
    make_user(app, "victim@example.org")
    make_user(app, "slow@example.org", verified=False)
    post(client, "/account/sign-up", {"email": "fresh@example.org", "password": "a long password"})
    post(client, "/account/forgot-password", {"email": "victim@example.org"})
    post(client, "/account/forgot-password", {"email": "site@example.org"})
    sign_in(client, "slow@example.org")
    post(client, "/account/resend-verification")
    post(client, "/account/sign-out")
    links = [
        outbox_link(app, "fresh@example.org", "verify"),
        outbox_link(app, "victim@example.org", "reset-password"),
        outbox_link(app, "site@example.org", "reset-password"),
        outbox_link(app, "slow@example.org", "verify"),
    ]
    sign_in(client, "site@example.org")
    page = client.get("/admin/outbox").get_data(as_text=True)
    for link in links:
        token = link.rsplit("/", 1)[1]
        assert len(token) == 43
        assert token not in page
        assert link.rsplit("/", 1)[0] + "/[token hidden]" in page
    assert page.count("[token hidden]") == 4
    # The tokens were live: the admin could have taken over the victim's account with one.
    assert client.get(links[1]).status_code == 200


def test_unverified_user_can_ask_for_a_new_link(app, client):
    make_user(app, "slow@example.org", verified=False)
    sign_in(client, "slow@example.org")
    assert "Send a new confirmation link" in client.get("/account/").get_data(as_text=True)
    assert post(client, "/account/resend-verification").status_code == 302
    assert post(client, outbox_link(app, "slow@example.org", "verify")).status_code == 200
    assert "Send a new confirmation link" not in client.get("/account/").get_data(as_text=True)
