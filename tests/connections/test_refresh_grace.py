"""Refresh tokens that survive hosts refreshing in parallel: the first exchange rotates the
token; a replay within OAUTH_REFRESH_GRACE_SECONDS gets a sibling pair in the same family
(both stay valid); a replay after it, or of a token rotated twice ago, ends the connection,
and the AI Connections page says so. Concurrency is real: threads over loopback HTTP."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx

from portal.clock import now
from portal.connections.tokens import hash_token
from portal.extensions import db
from portal.models.oauth import Connection, OAuthToken
from tests.connections.oauth_flow import Flow
from tests.connections.support import forms

REUSED = "the refresh token has already been used"
ENDED = "ended: a refresh token was used twice — reconnect"


def refresh_at_once(flow: Flow, refresh_token: str, n: int = 2) -> list[httpx.Response]:
    """`n` refreshes of one token released together, each on its own connection."""
    start, answers = threading.Barrier(n), [None] * n

    def one(i: int) -> None:
        with httpx.Client(base_url=flow.base, timeout=30) as http:
            data = {"grant_type": "refresh_token", "refresh_token": refresh_token, **flow.auth()}
            start.wait()
            answers[i] = http.post("/oauth/token", data=data)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def backdate_rotation(app, refresh_token: str, seconds: int) -> None:
    with app.app_context():
        db.session.execute(
            db.update(OAuthToken)
            .where(OAuthToken.token_hash == hash_token(refresh_token))
            .values(rotated_at=now() - timedelta(seconds=seconds))
        )
        db.session.commit()


def error_of(response: httpx.Response) -> dict:
    assert response.status_code == 400, response.text
    return response.json()


def test_concurrent_refreshes_both_get_working_tokens(live, browser, app):
    flow = Flow(live.url, browser)
    refresh_token = flow.tokens()["refresh_token"]
    for _ in range(5):  # several rounds, each two requests at once
        answers = refresh_at_once(flow, refresh_token)
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        pairs = [a.json() for a in answers]
        assert pairs[0]["refresh_token"] != pairs[1]["refresh_token"]
        for pair in pairs:
            assert pair["token_type"] == "Bearer" and pair["scope"] == "mcp:read"
            assert flow.call(pair["access_token"]).status_code == 200
        refresh_token = pairs[1]["refresh_token"]
    other = flow.refresh(pairs[0]["refresh_token"])  # the sibling works too
    assert other.status_code == 200, other.text
    with app.app_context():
        assert db.session.scalar(db.select(Connection.revoked_at)) is None
        assert (
            db.session.scalar(db.select(db.func.count()).where(OAuthToken.revoked_at.is_not(None)))
            == 0
        )


def test_replay_within_the_grace_window_gets_a_sibling_pair(live, browser):
    flow = Flow(live.url, browser)
    first = flow.tokens()
    successor = flow.refresh(first["refresh_token"]).json()
    sibling = flow.refresh(first["refresh_token"])  # the host's other refresh, a moment later
    assert sibling.status_code == 200, sibling.text
    sibling = sibling.json()
    assert sibling["refresh_token"] not in (first["refresh_token"], successor["refresh_token"])
    assert sibling["access_token"] != successor["access_token"]
    for pair in (successor, sibling):
        assert flow.call(pair["access_token"]).status_code == 200
        assert flow.refresh(pair["refresh_token"]).status_code == 200


def test_replay_after_the_grace_window_ends_the_connection(live, browser, app):
    flow = Flow(live.url, browser, client_name="Claude")
    first = flow.tokens()
    successor = flow.refresh(first["refresh_token"]).json()
    backdate_rotation(app, first["refresh_token"], 61)
    assert error_of(flow.refresh(first["refresh_token"])) == {
        "error": "invalid_grant",
        "error_description": REUSED,
    }
    assert flow.call(successor["access_token"]).status_code == 401
    assert error_of(flow.refresh(successor["refresh_token"]))["error"] == "invalid_grant"
    with app.app_context():
        connection = db.session.scalar(db.select(Connection))
        assert connection.ended_reason == "refresh_token_reused"
        ended_at = connection.revoked_at.strftime("%d %b %Y %H:%M") + " UTC"
    page = browser.http.get(live.url + "/mcp/about/").text
    assert 'id="no-connections"' in page  # no longer among the active ones
    row = page.split('id="ended-connections"', 1)[1].split("</table>", 1)[0]
    assert '<td class="nhsuk-table__cell">Claude</td>' in row
    assert f'<td class="nhsuk-table__cell">{ended_at}</td>' in row
    assert f'<td class="nhsuk-table__cell">{ENDED}</td>' in row


def test_replay_of_a_token_rotated_twice_ago_ends_the_connection(live, browser):
    flow = Flow(live.url, browser)
    first = flow.tokens()
    second = flow.refresh(first["refresh_token"]).json()
    third = flow.refresh(second["refresh_token"]).json()
    assert error_of(flow.refresh(first["refresh_token"])) == {
        "error": "invalid_grant",
        "error_description": REUSED,
    }
    assert flow.call(third["access_token"]).status_code == 401


def test_a_connection_a_person_revoked_is_not_listed_as_ended(live, browser):
    flow = Flow(live.url, browser, client_name="ChatGPT")
    flow.tokens()
    page = browser.http.get(live.url + "/mcp/about/").text
    revoke = [f for f in forms(page) if "/revoke" in f["action"]][0]
    assert browser.submit(live.url + "/mcp/about/", revoke).status_code == 302
    page = browser.http.get(live.url + "/mcp/about/").text
    assert 'id="no-connections"' in page and 'id="ended-connections"' not in page
