"""Helpers for the accounts, roles, private-data and access tests: real forms, real tokens."""

from __future__ import annotations

import re

from portal import accounts, clock
from portal.extensions import db
from portal.models import Practice, PracticeRole, User

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_practices(app, *codes: str) -> None:
    with app.app_context():
        for code in codes:
            db.session.add(Practice(code=code, name=f"Practice {code}", town="Town"))
        db.session.commit()


def make_user(app, email: str, *, admin: bool = False, verified: bool = True) -> int:
    with app.app_context():
        return accounts.create_user(email, PASSWORD, admin=admin, verified=verified).id


def set_role(app, email: str, code: str, status: str, role: str = "member") -> int:
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        grant = PracticeRole(
            user_id=user.id,
            practice_code=code,
            role=role,
            status=status,
            requested_at=clock.now(),
            decided_at=None if status == "pending" else clock.now(),
        )
        db.session.add(grant)
        db.session.commit()
        return grant.id


def csrf_token(client) -> str:
    """The session's CSRF token, read from a real form."""
    html = client.get("/account/sign-in").get_data(as_text=True)
    return CSRF.search(html).group(1)


def post(client, url: str, data: dict | None = None, **kwargs):
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=payload, **kwargs)


def sign_in(client, email: str, password: str = PASSWORD):
    response = post(client, "/account/sign-in", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def outbox_link(app, to: str, kind: str) -> str:
    """The path of the newest link of `kind` (verify | reset-password) mailed to `to`; the
    link must start with the public base URL."""
    from portal.links import public_base_url
    from portal.models import OutboxMessage

    with app.app_context():
        body = db.session.scalar(
            db.select(OutboxMessage.body)
            .where(OutboxMessage.to_address == to)
            .order_by(OutboxMessage.id.desc())
        )
        base = public_base_url()
    return re.search(rf"{re.escape(base)}(/account/{kind}/\S+)", body).group(1)
