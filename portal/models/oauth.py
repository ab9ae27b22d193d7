"""OAuth for AI assistants: clients, authorisation codes, tokens (hashes only) and connections.

A `Connection` is one (user, client) grant as the AI Connections page lists it. Every code and
token belongs to one connection; revoking the connection revokes all of them at once (and the
token check also refuses any token whose connection is revoked).
"""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

CLIENT_KINDS = ("registered", "metadata")  # RFC 7591 registration | Client ID Metadata Document
TOKEN_KINDS = ("access", "refresh")
CONNECTION_END_REASONS = ("refresh_token_reused",)  # a refresh token replayed after its grace


class OAuthClient(db.Model):
    __tablename__ = "oauth_client"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Registered clients get a random id; metadata-document clients use their (long) URL.
    client_id: Mapped[str] = mapped_column(String(2048), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="registered")
    client_secret_hash: Mapped[str | None] = mapped_column(String(64))
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(30), default="none")
    client_name: Mapped[str] = mapped_column(String(200), default="")
    client_uri: Mapped[str | None] = mapped_column(String(2048))
    redirect_uris: Mapped[str] = mapped_column(Text, default="[]")  # JSON list, matched exactly
    grant_types: Mapped[str] = mapped_column(Text, default='["authorization_code"]')
    scope: Mapped[str] = mapped_column(String(500), default="")
    metadata_json: Mapped[str] = mapped_column(Text, default="{}")  # as registered or fetched
    metadata_fetched_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Connection(db.Model):
    __tablename__ = "oauth_connection"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    client_pk: Mapped[int] = mapped_column(
        ForeignKey("oauth_client.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)  # when it ended
    # why it ended, as a short code (CONNECTION_END_REASONS); None when a person revoked it
    ended_reason: Mapped[str | None] = mapped_column(String(32))
    client: Mapped[OAuthClient] = relationship()


class AuthorizationCode(db.Model):
    __tablename__ = "oauth_authorization_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_connection.id", ondelete="CASCADE"), index=True
    )
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    code_challenge: Mapped[str] = mapped_column(String(128))
    resource: Mapped[str] = mapped_column(String(2048))
    scope: Mapped[str] = mapped_column(String(500), default="")
    family: Mapped[str] = mapped_column(String(32))  # the token family this code starts
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class OAuthToken(db.Model):
    __tablename__ = "oauth_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_connection.id", ondelete="CASCADE"), index=True
    )
    family: Mapped[str] = mapped_column(String(32), index=True)
    scope: Mapped[str] = mapped_column(String(500), default="")
    resource: Mapped[str] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    # when a refresh token was first exchanged; a replay is allowed only in a short grace window
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    connection: Mapped[Connection] = relationship()

    __table_args__ = (Index("ix_oauth_token_expires_at", "expires_at"),)
