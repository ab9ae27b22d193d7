"""Account rules: creating users, hashing passwords, granting practice roles. No Flask request here."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from functools import partial
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import after_this_request, current_app, has_request_context
from zxcvbn import zxcvbn

from portal import mail
from portal.clock import now
from portal.extensions import db
from portal.links import hide_tokens
from portal.models import (
    AccountToken,
    OutboxMessage,
    Practice,
    PracticeRole,
    RoleDecision,
    User,
)

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
# zxcvbn's 3: "safely unguessable", moderate protection against an offline slow-hash attack.
MIN_PASSWORD_SCORE = 3
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; a strong prefix makes a strong password


class AccountError(ValueError):
    """A request about accounts that cannot be carried out, with a message fit to show."""


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
    check_new_password(password, email=email)
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
    grant.decided_by_site_admin = True  # decided outside the practice
    db.session.add(grant)
    # Audited, and shown to the practice, like a site admin's decision.
    db.session.add(
        RoleDecision(
            at=grant.decided_at,
            practice_code=code,
            subject_id=user.id,
            actor_id=grant.decided_by_id,
            role=role,
            decision="granted",
            as_site_admin=True,
        )
    )
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
    raw = secrets.token_urlsafe(32)
    store_token(user, purpose, token_hash(raw))
    return raw


def store_token(user: User, purpose: str, hashed: str) -> None:
    """Keep a token's hash as the user's one live token for `purpose`."""
    if purpose not in TOKEN_LIFETIMES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    db.session.execute(
        db.delete(AccountToken).where(
            AccountToken.user_id == user.id, AccountToken.purpose == purpose
        )
    )
    issued = now()
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hashed,
            created_at=issued,
            expires_at=issued + TOKEN_LIFETIMES[purpose],
        )
    )
    db.session.commit()


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
    user = db.session.get(User, token.user_id)
    check_new_password(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    token.used_at = now()
    # Following a link from the inbox also proves the address.
    user.verified = True
    end_sessions(user)
    log.info("password reset for user %s", user.id)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """A signed-in user's new password; every session of theirs ends (the caller starts a new
    one for the browser that asked)."""
    if not check_password(user, current_password or ""):
        raise AccountError("The current password is not correct")
    check_new_password(new_password or "", email=user.email)
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    log.info("password changed for user %s", user.id)


def check_new_password(password: str, *, email: str = "") -> None:
    """The password policy: at least 12 characters and a zxcvbn score of 3 or more, judged
    with the person's email address and the site's name as words an attacker would try."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Password must be {MAX_PASSWORD_LENGTH:,} characters or fewer")
    estimate = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=_guessable_words(email))
    if estimate["score"] < MIN_PASSWORD_SCORE:
        feedback = estimate["feedback"]
        reason = feedback["warning"] or next(iter(feedback["suggestions"]), "")
        reason = reason or "Add another word or two. Uncommon words are better."
        raise AccountError(f"This password is too common or easy to guess. {reason.rstrip('.')}.")


def _guessable_words(email: str) -> list[str]:
    """The words an attacker tries first for this person: the site's name and the address,
    whole, its local part with and without punctuation, and each of its pieces."""
    email = email.lower()
    local = email.partition("@")[0]
    words = ["haresign", email, local, re.sub(r"[^a-z0-9]", "", local)]
    return [w for w in dict.fromkeys(words + re.split(r"[^a-z0-9]+", email)) if w]


# --- Sessions: a version per user, raised to end every session started before -------------


def end_sessions(user: User) -> None:
    """Raise the user's session version (in the database, so concurrent requests count) and
    commit: every session started at an older version is no longer signed in."""
    db.session.execute(
        db.update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(user)


# --- Mail: SMTP when MAIL_URL is set, else the outbox table (development only) --------------


def send_message(to: str, subject: str, body: str) -> None:
    """Send one message over SMTP, or without MAIL_URL queue it in the outbox. Within a request
    the SMTP conversation happens after the response has gone, so no page's timing shows whether
    a message was sent (forgot-password answers alike for unknown addresses), and a failure is
    logged, never a 500. The log names the subject only, never the address or the links."""
    config = current_app.config
    if not config.get("MAIL_URL"):
        db.session.add(OutboxMessage(to_address=to, subject=subject, body=body, created_at=now()))
        db.session.commit()
        log.info("message queued in outbox: subject=%r", subject)
        return
    deliver = partial(
        _deliver,
        mail.parse_mail_url(config["MAIL_URL"]),
        mail.compose(config["MAIL_FROM"], to, subject, body),
    )
    if not has_request_context():
        deliver()
        return

    @after_this_request
    def deliver_after_response(response):
        response.call_on_close(deliver)
        return response


def _deliver(server: mail.MailServer, message: EmailMessage) -> None:
    try:
        mail.send(server, message)
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("message not sent: subject=%r error=%s", message["Subject"], type(exc).__name__)
        return
    log.info("message sent: subject=%r", message["Subject"])


@dataclass(frozen=True)
class OutboxView:
    """A queued message as a site admin reads it: the tokens of its links hidden."""

    id: int
    to_address: str
    subject: str
    body: str
    created_at: datetime


def outbox(limit: int = 100) -> list[OutboxView]:
    messages = db.session.scalars(
        db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    )
    return [
        OutboxView(m.id, m.to_address, m.subject, hide_tokens(m.body), m.created_at)
        for m in messages
    ]


# --- Sign-up, sign-in, deletion ------------------------------------------------------------


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=normalise_email(email or "")))


def sign_up(email: str, password: str, link_for: Callable[[str], str]) -> None:
    """Create an unverified account and send its verification link. An address that already
    has an account gets a note instead, so the page never reveals who has an account."""
    email = normalise_email(email or "")
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError("Enter an email address in the correct format, like name@example.org")
    check_new_password(password or "", email=email)
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
    """Send a reset link when the address has an account; say nothing either way. The token,
    its hash, its link and the message are made whether or not the account exists, so the
    work done before the lookup's answer matters is the same."""
    user = find_user(email) if email and len(email) <= 254 else None
    raw = secrets.token_urlsafe(32)
    hashed = token_hash(raw)
    subject, body = LINK_MESSAGES["reset"]
    body = body.format(link=link_for(raw))
    if user is not None:
        store_token(user, "reset", hashed)
        send_message(user.email, subject, body)


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


def send_link(user: User, purpose: str, link_for: Callable[[str], str]) -> None:
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
