"""People and their roles at practices: the basis of every private-data decision."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

ROLE_KINDS = ("member", "admin")
ROLE_STATUSES = ("pending", "active", "rejected", "removed")


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Raised on sign-out and password change or reset; a session started at an older version
    # is no longer signed in (portal.sessions).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    roles: Mapped[list["PracticeRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="PracticeRole.user_id"
    )


class PracticeRole(db.Model):
    __tablename__ = "practice_role"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    practice_code: Mapped[str] = mapped_column(ForeignKey("practice.code"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The decider acted as a site admin (the practice had no admin of its own), not for the
    # practice: shown beside the decision wherever the practice's roles are listed.
    decided_by_site_admin: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("user_id", "practice_code"),)


# "granted": the operations command (`flask users grant`), no approval step.
ROLE_DECISIONS = ("approved", "rejected", "removed", "granted")


class RoleDecision(db.Model):
    """The audit trail of practice roles, one row per decision and never changed: who decided
    whose role at which practice, when, and whether from outside the practice (a site admin,
    or the operations command)."""

    __tablename__ = "role_decision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    practice_code: Mapped[str] = mapped_column(ForeignKey("practice.code"), index=True)
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(10))
    decision: Mapped[str] = mapped_column(String(10))
    as_site_admin: Mapped[bool] = mapped_column(Boolean)


TOKEN_PURPOSES = ("verify", "reset")


class AccountToken(db.Model):
    """A one-time link token (email verification or password reset), stored only as a hash."""

    __tablename__ = "account_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class OutboxMessage(db.Model):
    """An email the portal would send; in development it stays here for the site admin to read."""

    __tablename__ = "outbox_message"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
