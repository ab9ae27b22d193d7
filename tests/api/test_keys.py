"""API keys: created with the secret shown once, stored hashed, verified, revoked; the page."""

import hashlib
import re

import sqlalchemy as sa

from portal import sessions
from portal.accounts import create_user
from portal.api_keys import ApiKeyError, create_key, list_keys, revoke_key, verify_key
from portal.extensions import db
from portal.models import ApiKey

PASSWORD = "correct horse battery"


def test_create_returns_the_secret_once_and_stores_its_hash(app):
    with app.app_context():
        user = create_user("dev@example.org", PASSWORD)
        new = create_key(user, "  nightly   export ")
        stored = db.session.get(ApiKey, new.id)
        assert new.name == stored.name == "nightly export"
        assert new.secret.startswith("hsk_") and len(new.secret) >= 40
        assert stored.key_hash == hashlib.sha256(new.secret.encode()).hexdigest()
        assert new.secret not in {str(v) for v in vars(stored).values()}
        assert stored.prefix == new.secret[:12] == new.prefix
        assert stored.last_used_at is None and stored.revoked_at is None


def test_verify_records_last_use_and_revoke_stops_it(app):
    with app.app_context():
        user = create_user("dev@example.org", PASSWORD)
        other = create_user("other@example.org", PASSWORD)
        new = create_key(user, "script")
        assert verify_key(new.secret).id == new.id
        assert db.session.get(ApiKey, new.id).last_used_at is not None
        assert verify_key(new.secret + "x") is None
        assert verify_key(None) is None and verify_key("") is None
        assert revoke_key(other, new.id) is False  # not theirs: nothing happens
        assert verify_key(new.secret) is not None
        assert revoke_key(user, new.id) is True
        assert verify_key(new.secret) is None
        assert [k.id for k in list_keys(user)] == [new.id]
        assert list_keys(user, include_revoked=False) == []


def test_key_names_are_checked(app):
    with app.app_context():
        user = create_user("dev@example.org", PASSWORD)
        for name, message in [(" ", "Enter a name for the key"), ("x" * 101, "100 characters")]:
            try:
                create_key(user, name)
            except ApiKeyError as exc:
                assert message in str(exc)
            else:
                raise AssertionError("expected ApiKeyError")


def _sign_in(client, app, email="dev@example.org"):
    with app.app_context():
        user_id = create_user(email, PASSWORD).id
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session[sessions.VERSION_KEY] = 0
    return user_id


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_keys_page_needs_sign_in(client):
    response = client.get("/api/keys")
    assert response.status_code == 302
    assert "/account/" in response.headers["Location"]


def test_keys_page_creates_shows_once_and_revokes(app, client):
    _sign_in(client, app)
    page = client.get("/api/keys")
    assert page.status_code == 200
    assert "You have no keys yet." in page.get_data(as_text=True)
    token = _csrf(page.get_data(as_text=True))
    created = client.post("/api/keys", data={"name": "my script", "csrf_token": token})
    html = created.get_data(as_text=True)
    secret = re.search(r"data-secret>(hsk_[^<]+)<", html).group(1)
    assert (
        client.get("/api/v1/metrics", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )
    again = client.get("/api/keys").get_data(as_text=True)
    assert secret not in again and secret[:12] in again and "my script" in again
    with app.app_context():
        key_id = db.session.scalar(sa.select(ApiKey.id))
    revoked = client.post(f"/api/keys/{key_id}/revoke", data={"csrf_token": _csrf(again)})
    assert revoked.status_code == 302
    assert "Revoked" in client.get("/api/keys").get_data(as_text=True)
    assert (
        client.get("/api/v1/metrics", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )


def test_key_forms_need_the_csrf_token(app, client):
    _sign_in(client, app)
    assert client.post("/api/keys", data={"name": "no token"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 0


def test_empty_name_gets_a_message(app, client):
    _sign_in(client, app)
    token = _csrf(client.get("/api/keys").get_data(as_text=True))
    response = client.post("/api/keys", data={"name": "", "csrf_token": token})
    assert response.status_code == 400
    assert "Enter a name for the key" in response.get_data(as_text=True)


def test_someone_elses_key_cannot_be_revoked(app, client):
    with app.app_context():
        owner = create_user("owner@example.org", PASSWORD)
        secret = create_key(owner, "theirs").secret
        key_id = db.session.scalar(sa.select(ApiKey.id))
    _sign_in(client, app, "intruder@example.org")
    token = _csrf(client.get("/api/keys").get_data(as_text=True))
    client.post(f"/api/keys/{key_id}/revoke", data={"csrf_token": token})
    with app.app_context():
        assert verify_key(secret) is not None
