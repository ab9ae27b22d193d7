"""Account rules: creating users, hashing passwords, granting practice roles. No Flask request here."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portal.extensions import db
from portal.models import Practice, PracticeRole, User

_hasher = PasswordHasher()
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request about accounts that cannot be carried out, with a message fit to show."""


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Verify against the stored hash; an unknown user costs a hash too, so timing says nothing."""
    if user is None:
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(email: str, password: str, *, admin: bool = False, verified: bool = True) -> User:
    email = normalise_email(email)
    if not EMAIL.match(email):
        raise AccountError(f"{email!r} is not an email address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(db.select(User).filter_by(email=email)) is not None:
        raise AccountError(f"an account for {email} already exists")
    user = User(
        email=email,
        password_hash=hash_password(password),
        is_admin=admin,
        verified=verified,
        created_at=now(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def grant_role(email: str, ods_code: str, role: str = "member", decided_by: User | None = None):
    """Give a user an active role at a practice (the operations path, no approval step)."""
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        raise AccountError(f"no account for {email}")
    code = ods_code.strip().upper()
    if db.session.get(Practice, code) is None:
        raise AccountError(f"no practice with ODS code {code}")
    if role not in ("member", "admin"):
        raise AccountError("role must be member or admin")
    existing = db.session.scalar(
        db.select(PracticeRole).filter_by(user_id=user.id, practice_code=code)
    )
    grant = existing or PracticeRole(user_id=user.id, practice_code=code, requested_at=now())
    grant.role, grant.status, grant.decided_at = role, "active", now()
    grant.decided_by_id = decided_by.id if decided_by else None
    db.session.add(grant)
    db.session.commit()
    return grant


def list_users() -> list[User]:
    return list(db.session.scalars(db.select(User).order_by(User.email)))
