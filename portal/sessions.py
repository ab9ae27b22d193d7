"""Signed-in sessions: each carries the user's session version from sign-in, and only a session
at the current version is signed in, so sign-out and a password change or reset end every
other session of that user (a copied cookie stops working)."""

from __future__ import annotations

from flask import session
from flask_login import login_user, logout_user

from portal import accounts
from portal.extensions import db
from portal.models import User

VERSION_KEY = "session_version"


def start(user: User) -> None:
    """Sign the user in on this browser at their current session version."""
    login_user(user)
    session[VERSION_KEY] = user.session_version


def end_everywhere(user: User) -> None:
    """Sign the user out here and in every other session."""
    accounts.end_sessions(user)
    end_here()


def end_here() -> None:
    """Sign out this browser only (the account is gone or its sessions already ended)."""
    logout_user()
    session.pop(VERSION_KEY, None)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user, when this session is at their current version."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or session.get(VERSION_KEY) != user.session_version:
        return None
    return user
