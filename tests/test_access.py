"""The access matrix: six kinds of caller × four kinds of figure, on the pages and through the
policy that MCP and the API call, with forbidden and missing answers byte-identical."""

from __future__ import annotations

import re

import pytest

from portal import access
from portal.extensions import db
from portal.models import OutboxMessage, PracticeRole, PrivateEntry, User
from portal.queries.private_data import get_private_data
from tests.accounts_support import make_user, post, set_role, sign_in
from tests.blueprints.test_pages import list_size

OWN, OTHER, MISSING = "A81001", "A81002", "Z99999"
PERSONAS = ["anonymous", "no_role", "pending", "active", "removed", "site_admin"]
CELLS = ["public", "own_private", "other_private", "missing"]

# The exact page status of every cell (a site admin has no role, so no private data).
EXPECTED_ROWS = {
    "anonymous": (200, 404, 404, 404),
    "no_role": (200, 404, 404, 404),
    "pending": (200, 404, 404, 404),
    "active": (200, 200, 404, 404),
    "removed": (200, 404, 404, 404),
    "site_admin": (200, 404, 404, 404),
}
EXPECTED = {persona: dict(zip(CELLS, row, strict=True)) for persona, row in EXPECTED_ROWS.items()}


def email_of(persona: str) -> str:
    return f"{persona.replace('_', '-')}@access.example.org"


@pytest.fixture(scope="module")
def world(real_app):
    """Users in every state on the real-data database; removed again afterwards."""
    app = real_app
    for persona in PERSONAS[1:]:
        make_user(app, email_of(persona), admin=persona == "site_admin")
    for persona in ("pending", "active", "removed"):
        set_role(app, email_of(persona), OWN, persona)
    make_user(app, "other-member@access.example.org")
    set_role(app, "other-member@access.example.org", OTHER, "active")
    clients = {}
    for persona in PERSONAS:
        client = app.test_client()
        if persona != "anonymous":
            sign_in(client, email_of(persona))
        clients[persona] = client
    own = post(clients["active"], f"/practices/{OWN}/private",
               {"period": "2025-11", "local_appointments": "1234"})  # fmt: skip
    assert own.status_code == 302
    other = app.test_client()
    sign_in(other, "other-member@access.example.org")
    assert post(other, f"/practices/{OTHER}/private",
                {"period": "2025-11", "local_appointments": "98765"}).status_code == 302  # fmt: skip
    yield app, clients
    with app.app_context():
        ours = db.select(User.id).where(User.email.like("%@access.example.org"))
        db.session.execute(db.delete(PrivateEntry).where(PrivateEntry.entered_by_id.in_(ours)))
        db.session.execute(db.delete(PracticeRole).where(PracticeRole.user_id.in_(ours)))
        db.session.execute(
            db.delete(OutboxMessage).where(OutboxMessage.to_address.like("%@access.example.org"))
        )
        db.session.execute(db.delete(User).where(User.email.like("%@access.example.org")))
        db.session.commit()


def page(client, cell: str):
    path = {
        "public": f"/practices/{OWN}",
        "own_private": f"/practices/{OWN}/private",
        "other_private": f"/practices/{OTHER}/private",
        "missing": f"/practices/{MISSING}/private",
    }[cell]
    return client.get(path)


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_matrix(world, nhs_data, persona):
    _, clients = world
    client = clients[persona]
    responses = {cell: page(client, cell) for cell in CELLS}
    assert {c: r.status_code for c, r in responses.items()} == EXPECTED[persona]
    public = responses["public"].get_data(as_text=True)
    shown = re.search(r'data-metric="list_size">([\d,]+)<', public).group(1)
    assert int(shown.replace(",", "")) == list_size(nhs_data, OWN)
    assert ('id="private-data-link"' in public) == (persona == "active")
    if persona == "active":
        own = responses["own_private"].get_data(as_text=True)
        assert re.search(r'data-measure="local_appointments">1,234<', own)
        assert "98,765" not in own
    missing = responses["missing"].get_data()
    assert b"Not found or access denied." in missing
    assert responses["other_private"].get_data() == missing
    if persona != "active":
        assert responses["own_private"].get_data() == missing
    # The missing practice's public page answers the same way.
    assert client.get(f"/practices/{MISSING}").status_code == 404


def _user(persona):
    if persona == "anonymous":
        return None
    return db.session.scalar(db.select(User).filter_by(email=email_of(persona)))


def _outcome(call):
    try:
        return call()
    except access.NotFoundOrDenied as exc:
        return ("denied", str(exc))


DENIED = ("denied", "Not found or access denied.")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("surface", ["mcp", "api"])
def test_policy_matrix_for_mcp_and_api(world, persona, surface):
    app, _ = world
    with app.app_context():
        user = _user(persona)
        public = _outcome(lambda: access.public_practice(user, OWN, surface))
        missing_public = _outcome(lambda: access.public_practice(user, MISSING, surface))
        own = _outcome(lambda: get_private_data(user, OWN))
        other = _outcome(lambda: get_private_data(user, OTHER))
        missing = _outcome(lambda: get_private_data(user, MISSING))
    if persona == "anonymous":
        assert public == DENIED  # MCP and the API need a signed-in connection or a key
    else:
        assert public.code == OWN
    assert missing_public == DENIED
    if persona == "active":
        assert own.practice_code == OWN
        assert [(m.period, m.values["local_appointments"].value) for m in own.months] == [
            ("2025-11", 1234.0)
        ]
        assert own.synthetic is False and "not published nationally" in own.source
    else:
        assert own == DENIED
    assert other == DENIED
    assert missing == DENIED


def test_pages_show_public_figures_to_anyone(world):
    app, _ = world
    with app.app_context():
        assert access.public_practice(None, OWN, "pages").code == OWN
        assert access.can_read_public(None, "pages") is True
        with pytest.raises(ValueError):
            access.can_read_public(None, "email")


def test_my_practices_lists_only_active_roles(world):
    app, _ = world
    with app.app_context():
        listed = {p: access.my_practices(_user(p)) for p in PERSONAS}
    assert [(m.code, m.role) for m in listed["active"]] == [(OWN, "member")]
    assert all(listed[p] == [] for p in PERSONAS if p != "active")


def test_bad_codes_are_missing_not_errors(world):
    app, clients = world
    with app.app_context():
        user = _user("active")
        for code in (None, "", "a81001'--", "A" * 5000, "%00"):
            assert _outcome(lambda c=code: get_private_data(user, c)) == DENIED
    # Lowercase codes are the same practice.
    assert clients["active"].get(f"/practices/{OWN.lower()}/private").status_code == 200
