"""Account rules: creating users, hashing passwords, granting practice roles. No Flask request here."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portal.extensions import db
from portal.models import AccountToken, OutboxMessage, Practice, PracticeRole, User

log = logging.getLogger(__name__)
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


# --- Link tokens: random, stored only as SHA-256 hashes, single use, expiring -----------------

TOKEN_LIFETIMES = {"verify": timedelta(hours=48), "reset": timedelta(hours=1)}
INVALID_LINK = "This link is not valid or has expired. Ask for a new one."


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: str) -> str:
    """A new one-time token for `purpose`; older unused tokens of that purpose stop working."""
    if purpose not in TOKEN_LIFETIMES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    db.session.execute(
        db.delete(AccountToken).where(
            AccountToken.user_id == user.id, AccountToken.purpose == purpose
        )
    )
    raw = secrets.token_urlsafe(32)
    issued = now()
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(raw),
            created_at=issued,
            expires_at=issued + TOKEN_LIFETIMES[purpose],
        )
    )
    db.session.commit()
    return raw


def _live_token(raw: str | None, purpose: str) -> AccountToken:
    if not raw or len(raw) > 200:
        raise AccountError(INVALID_LINK)
    token = db.session.scalar(
        db.select(AccountToken).filter_by(token_hash=token_hash(raw), purpose=purpose)
    )
    if token is None or token.used_at is not None or token.expires_at < now():
        raise AccountError(INVALID_LINK)
    return token


def check_token(raw: str | None, purpose: str) -> User:
    """The user a live token belongs to (without using it up), or AccountError."""
    return db.session.get(User, _live_token(raw, purpose).user_id)


def verify_email(raw: str | None) -> User:
    token = _live_token(raw, "verify")
    token.used_at = now()
    user = db.session.get(User, token.user_id)
    user.verified = True
    db.session.commit()
    log.info("email verified for user %s", user.id)
    return user


def reset_password(raw: str | None, new_password: str) -> User:
    token = _live_token(raw, "reset")
    check_new_password(new_password)
    user = db.session.get(User, token.user_id)
    user.password_hash = hash_password(new_password)
    token.used_at = now()
    # Following a link from the inbox also proves the address.
    user.verified = True
    db.session.commit()
    log.info("password reset for user %s", user.id)
    return user


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 1000:
        raise AccountError("Passwords must be 1,000 characters or fewer")


# --- Mail: in development every message goes to the outbox table -----------------------------


def send_message(to: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message; the log names the subject only (bodies carry link tokens)."""
    message = OutboxMessage(to_address=to, subject=subject, body=body, created_at=now())
    db.session.add(message)
    db.session.commit()
    log.info("message queued in outbox: id=%s subject=%r", message.id, subject)
    return message


def outbox(limit: int = 100) -> list[OutboxMessage]:
    return list(
        db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    )


# --- Sign-up, sign-in, deletion ------------------------------------------------------------


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=normalise_email(email or "")))


def sign_up(email: str, password: str, link_for: Callable[[str], str]) -> None:
    """Create an unverified account and send its verification link. An address that already
    has an account gets a note instead, so the page never reveals who has an account."""
    email = normalise_email(email or "")
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError("Enter an email address in the correct format, like name@example.org")
    check_new_password(password or "")
    existing = find_user(email)
    if existing is not None:
        hash_password(password)  # the same work as a new account, so timing says nothing
        send_message(
            existing.email,
            "You already have a Haresign account",
            "Someone tried to create a Haresign account with this address, which already has "
            "one. If it was you, sign in, or reset your password from the sign-in page.",
        )
        return
    user = create_user(email, password, verified=False)
    send_link(user, "verify", link_for)


def resend_verification(user: User, link_for: Callable[[str], str]) -> None:
    if not user.verified:
        send_link(user, "verify", link_for)


def request_password_reset(email: str, link_for: Callable[[str], str]) -> None:
    """Send a reset link when the address has an account; say nothing either way."""
    user = find_user(email) if email and len(email) <= 254 else None
    if user is not None:
        send_link(user, "reset", link_for)


def authenticate(email: str, password: str) -> User | None:
    """The user when the email and password match; None otherwise, whichever part was wrong."""
    user = find_user(email) if email and len(email) <= 254 else None
    if password is None or len(password) > 1000:
        return None
    return user if check_password(user, password) else None


LINK_MESSAGES = {
    "verify": (
        "Confirm your email address for Haresign",
        "Confirm your email address by opening this link within 48 hours:\n\n{link}\n\n"
        "If you did not create an account, ignore this message.",
    ),
    "reset": (
        "Reset your Haresign password",
        "Choose a new password by opening this link within 1 hour:\n\n{link}\n\n"
        "If you did not ask to reset your password, ignore this message.",
    ),
}


def send_link(user: User, purpose: str, link_for: Callable[[str], str]) -> OutboxMessage:
    """Issue a fresh token for `purpose` and mail its link to the user."""
    subject, body = LINK_MESSAGES[purpose]
    return send_message(user.email, subject, body.format(link=link_for(issue_token(user, purpose))))


def delete_account(user: User, password: str) -> None:
    """Remove the account, its roles, tokens and queued messages; private figures it entered
    stay with the practice with their author cleared."""
    if not check_password(user, password or ""):
        raise AccountError("The password is not correct")
    user_id, email = user.id, user.email
    db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.to_address == email))
    db.session.execute(db.delete(AccountToken).where(AccountToken.user_id == user_id))
    db.session.execute(db.delete(PracticeRole).where(PracticeRole.user_id == user_id))
    db.session.execute(
        db.update(PracticeRole)
        .where(PracticeRole.decided_by_id == user_id)
        .values(decided_by_id=None)
    )
    from portal.models import PrivateEntry

    db.session.execute(
        db.update(PrivateEntry)
        .where(PrivateEntry.entered_by_id == user_id)
        .values(entered_by_id=None)
    )
    db.session.expunge(user)
    db.session.execute(db.delete(User).where(User.id == user_id))
    db.session.commit()
    log.info("account deleted: user %s", user_id)


def is_safe_next(target: str | None) -> bool:
    """Only a relative path on this site: no scheme, no host, no protocol-relative `//`."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return False
    if target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
