"""Unsubscribe tokens: the user id signed with SECRET_KEY, so the link works without a session
(RFC 8058 one-click) and cannot be forged for another user."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "alerts-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int) -> str:
    return _serializer().dumps(user_id)


def user_from_token(token: str) -> int | None:
    """The user id a token was made for, or None for anything not signed by us."""
    try:
        value = _serializer().loads(token[:200])
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
