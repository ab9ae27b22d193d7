"""API fixtures: a user with a key on the real-data database, and a client that sends it."""

from __future__ import annotations

import uuid

import pytest

from portal.accounts import create_user
from portal.api_keys import create_key
from portal.extensions import db


def make_key(app) -> tuple[int, str]:
    """A fresh user (unique email) and one key for them: (user id, secret)."""
    with app.app_context():
        user = create_user(f"api-{uuid.uuid4().hex[:10]}@example.org", "correct horse battery")
        secret = create_key(user, "tests").secret
        user_id = user.id
        db.session.remove()
    return user_id, secret


@pytest.fixture(scope="session")
def real_key(real_app) -> str:
    return make_key(real_app)[1]


class ApiClient:
    """The Flask test client with the bearer key on every request."""

    def __init__(self, client, secret: str):
        self.client, self.secret = client, secret

    def get(self, path: str, **params):
        return self.client.get(
            "/api/v1" + path,
            query_string=params,
            headers={"Authorization": f"Bearer {self.secret}"},
        )

    def json(self, path: str, **params):
        response = self.get(path, **params)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()


@pytest.fixture
def real_api(real_client, real_key) -> ApiClient:
    return ApiClient(real_client, real_key)
