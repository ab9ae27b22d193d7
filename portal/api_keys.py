"""Developer API keys: create (the secret is returned once), verify, revoke. No Flask request here.

A key is `hsk_` followed by 40 random URL-safe characters. Only its SHA-256 hash is stored (the
secret has 240 bits of entropy, so a slow password hash adds nothing) together with a short
prefix that lists show so people can tell their keys apart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from portal.clock import now
from portal.extensions import db
from portal.models import ApiKey, User

KEY_PREFIX = "hsk_"
SHOWN_PREFIX_LENGTH = 12
MAX_NAME_LENGTH = 100
MAX_ACTIVE_KEYS = 20
# last_used_at is written at most this often per key, so reads do not each cost a write
LAST_USED_RESOLUTION_SECONDS = 60


class ApiKeyError(ValueError):
    """A key request that cannot be carried out, with a message fit to show."""


@dataclass(frozen=True)
class NewKey:
    """A freshly created key: `secret` exists only here and is never stored."""

    id: int
    name: str
    prefix: str
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_key(user: User, name: str) -> NewKey:
    """Create a key for the user; the returned secret cannot be recovered later."""
    name = " ".join((name or "").split())
    if not name:
        raise ApiKeyError("Enter a name for the key")
    if len(name) > MAX_NAME_LENGTH:
        raise ApiKeyError(f"Key names must be {MAX_NAME_LENGTH} characters or fewer")
    if len(list_keys(user, include_revoked=False)) >= MAX_ACTIVE_KEYS:
        raise ApiKeyError(f"You can have at most {MAX_ACTIVE_KEYS} active keys: revoke one first")
    secret = KEY_PREFIX + secrets.token_urlsafe(30)
    key = ApiKey(
        user_id=user.id,
        name=name,
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        key_hash=hash_secret(secret),
        created_at=now(),
    )
    db.session.add(key)
    db.session.commit()
    return NewKey(key.id, key.name, key.prefix, secret)


def verify_key(secret: str | None) -> ApiKey | None:
    """The active key with this secret (and its last use recorded), or None."""
    if not secret or not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    digest = hash_secret(secret)
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.key_hash == digest))
    if key is None or not hmac.compare_digest(key.key_hash, digest) or key.revoked_at:
        return None
    moment = now()
    if (
        key.last_used_at is None
        or (moment - key.last_used_at).total_seconds() >= LAST_USED_RESOLUTION_SECONDS
    ):
        key.last_used_at = moment
        db.session.commit()
    return key


def list_keys(user: User, *, include_revoked: bool = True) -> list[ApiKey]:
    query = sa.select(ApiKey).where(ApiKey.user_id == user.id)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return list(db.session.scalars(query.order_by(ApiKey.created_at.desc(), ApiKey.id.desc())))


def revoke_key(user: User, key_id: int) -> bool:
    """Revoke one of the user's keys; False when it is not theirs or does not exist."""
    key = db.session.get(ApiKey, key_id)
    if key is None or key.user_id != user.id:
        return False
    if key.revoked_at is None:
        key.revoked_at = now()
        db.session.commit()
    return True
