"""/health: 200 {"status": "ok"} when the database answers a query, 503 when it does not, and
never a detail about the database."""

from __future__ import annotations

from tests.conftest import make_app

UNREACHABLE = "postgresql+psycopg://nobody:secret-password@127.0.0.1:1/haresign"


def test_health_is_ok_when_the_database_answers(app):
    response = app.test_client().get("/health")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_health_is_503_when_the_database_is_down():
    response = make_app(UNREACHABLE).test_client().get("/health")
    assert (response.status_code, response.get_json()) == (503, {"status": "unavailable"})
    assert b"secret-password" not in response.data and b"127.0.0.1" not in response.data


def test_health_answers_only_get_and_head(app):
    client = app.test_client()
    assert client.head("/health").status_code == 200
    assert client.post("/health").status_code == 405
