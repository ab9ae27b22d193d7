"""Practice roles: requests, decisions and removals. Callers pass the acting user in.

Who decides a practice's requests: its active admins; a site admin only where the practice
has no active admin. The same people see and remove the practice's members.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.access import NotFoundOrDenied
from portal.accounts import AccountError, now
from portal.extensions import db
from portal.models import Practice, PracticeRole, User
from portal.queries.practices import normalise_code

log = logging.getLogger(__name__)

ROLE_LABELS = {"member": "Member", "admin": "Practice admin"}
STATUS_LABELS = {
    "pending": "Waiting for approval",
    "active": "Active",
    "rejected": "Rejected",
    "removed": "Removed",
}


@dataclass(frozen=True)
class RoleView:
    id: int
    practice_code: str
    practice_name: str
    email: str | None
    role: str
    status: str
    requested_at: datetime
    decided_at: datetime | None
    decided_by: str | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def _signed_in(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _views(where) -> list[RoleView]:
    r, p = PracticeRole.__table__, Practice.__table__
    who = User.__table__.alias("who")
    decider = User.__table__.alias("decider")
    rows = db.session.execute(
        sa.select(
            r.c.id,
            r.c.practice_code,
            p.c.name,
            who.c.email,
            r.c.role,
            r.c.status,
            r.c.requested_at,
            r.c.decided_at,
            decider.c.email,
        )
        .join(p, p.c.code == r.c.practice_code)
        .join(who, who.c.id == r.c.user_id)
        .outerjoin(decider, decider.c.id == r.c.decided_by_id)
        .where(where)
        .order_by(p.c.name, who.c.email)
    ).all()
    return [RoleView(*row) for row in rows]


def roles_of(user) -> list[RoleView]:
    """Every role the user holds or asked for, with its status."""
    if not _signed_in(user):
        return []
    return _views(PracticeRole.__table__.c.user_id == user.id)


def practice_has_admin(code: str) -> bool:
    r = PracticeRole.__table__
    return (
        db.session.execute(
            sa.select(r.c.id)
            .where(r.c.practice_code == code, r.c.role == "admin", r.c.status == "active")
            .limit(1)
        ).first()
        is not None
    )


def is_practice_admin(user, code: str) -> bool:
    if not _signed_in(user):
        return False
    r = PracticeRole.__table__
    return (
        db.session.execute(
            sa.select(r.c.id).where(
                r.c.user_id == user.id,
                r.c.practice_code == code,
                r.c.role == "admin",
                r.c.status == "active",
            )
        ).first()
        is not None
    )


def can_manage(user, code: str) -> bool:
    """True for the practice's active admins, and for site admins where it has none."""
    if not _signed_in(user):
        return False
    if is_practice_admin(user, code):
        return True
    return bool(user.is_admin) and not practice_has_admin(code)


def managed_practices(user) -> list[str]:
    """Codes of the practices whose roles this user decides."""
    if not _signed_in(user):
        return []
    r = PracticeRole.__table__
    codes = set(
        db.session.scalars(
            sa.select(r.c.practice_code).where(
                r.c.user_id == user.id, r.c.role == "admin", r.c.status == "active"
            )
        )
    )
    if user.is_admin:
        requested = set(db.session.scalars(sa.select(r.c.practice_code).distinct()))
        codes |= {c for c in requested if not practice_has_admin(c)}
    return sorted(codes)


def requests_for(user) -> list[RoleView]:
    """Pending requests this user may approve or reject."""
    codes = managed_practices(user)
    if not codes:
        return []
    r = PracticeRole.__table__
    return _views(sa.and_(r.c.practice_code.in_(codes), r.c.status == "pending"))


def members_of(user, code: str) -> list[RoleView]:
    """The practice's roles (all statuses) for someone who manages it; [] for anyone else."""
    if not can_manage(user, code):
        return []
    return _views(PracticeRole.__table__.c.practice_code == code)


def request_role(user, code: str | None, role: str = "member") -> PracticeRole:
    """Ask for a role at a practice; a rejected or removed role may be asked for again."""
    if not _signed_in(user):
        raise AccountError("Sign in to request a role")
    if not user.verified:
        raise AccountError("Confirm your email address before requesting a role")
    if role not in ROLE_LABELS:
        raise AccountError("Choose member or practice admin")
    normal = normalise_code(code)
    if normal is None or db.session.get(Practice, normal) is None:
        raise AccountError("There is no practice with that ODS code")
    existing = db.session.scalar(
        sa.select(PracticeRole).filter_by(user_id=user.id, practice_code=normal)
    )
    if existing is not None and existing.status in ("pending", "active"):
        raise AccountError(
            f"You already have a {existing.status} role at {normal}"
            if existing.status == "active"
            else f"Your request for {normal} is already waiting for approval"
        )
    grant = existing or PracticeRole(user_id=user.id, practice_code=normal)
    grant.role, grant.status, grant.requested_at = role, "pending", now()
    grant.decided_at, grant.decided_by_id = None, None
    db.session.add(grant)
    db.session.commit()
    log.info("role requested: user %s at %s as %s", user.id, normal, role)
    return grant


def _managed_role(actor, role_id) -> PracticeRole:
    grant = db.session.get(PracticeRole, role_id) if isinstance(role_id, int) else None
    if grant is None or not can_manage(actor, grant.practice_code):
        raise NotFoundOrDenied()
    return grant


def decide(actor, role_id: int, approve: bool) -> PracticeRole:
    """Approve (active) or reject a pending request."""
    grant = _managed_role(actor, role_id)
    if grant.status != "pending":
        raise AccountError("That request has already been decided")
    grant.status = "active" if approve else "rejected"
    grant.decided_by_id, grant.decided_at = actor.id, now()
    db.session.commit()
    log.info("role %s %s by user %s", grant.id, grant.status, actor.id)
    return grant


def remove(actor, role_id: int) -> PracticeRole:
    """Remove an active member (or withdraw a pending request) at a practice the actor manages."""
    grant = _managed_role(actor, role_id)
    if grant.status not in ("active", "pending"):
        raise AccountError("That role is not active")
    if grant.user_id == actor.id and grant.role == "admin" and grant.status == "active":
        others = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PracticeRole)
            .where(
                PracticeRole.practice_code == grant.practice_code,
                PracticeRole.role == "admin",
                PracticeRole.status == "active",
                PracticeRole.id != grant.id,
            )
        )
        if not others:
            raise AccountError("You are the practice's only admin; add another admin first")
    grant.status = "removed"
    grant.decided_by_id, grant.decided_at = actor.id, now()
    db.session.commit()
    log.info("role %s removed by user %s", grant.id, actor.id)
    return grant
