"""Practice roles: requests, decisions and removals. Callers pass the acting user in.

Who decides a practice's requests: its active admins; a site admin only where the practice
has no active admin. The same people see and remove the practice's members. No one decides
their own request, site admins included. Every decision is kept in the role_decision audit,
and a site admin's decisions are shown to the practice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.access import NotFoundOrDenied
from portal.accounts import AccountError
from portal.clock import now
from portal.extensions import db
from portal.models import Practice, PracticeRole, RoleDecision, User
from portal.queries.practices import normalise_code

log = logging.getLogger(__name__)

ROLE_LABELS = {"member": "Member", "admin": "Practice admin"}
STATUS_LABELS = {
    "pending": "Waiting for approval",
    "active": "Active",
    "rejected": "Rejected",
    "removed": "Removed",
}
OWN_REQUEST = (
    "You cannot approve or reject your own request; "
    "an admin of the practice, or a site admin where it has none, decides it"
)


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
    decided_by_site_admin: bool

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
            r.c.decided_by_site_admin,
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
    """Pending requests this user may approve or reject: never their own."""
    codes = managed_practices(user)
    if not codes:
        return []
    r = PracticeRole.__table__
    return _views(
        sa.and_(r.c.practice_code.in_(codes), r.c.status == "pending", r.c.user_id != user.id)
    )


def members_of(user, code: str) -> list[RoleView]:
    """The practice's roles (all statuses) for someone who manages it; [] for anyone else."""
    if not can_manage(user, code):
        return []
    return _views(PracticeRole.__table__.c.practice_code == code)


@dataclass(frozen=True)
class SiteAdminDecision:
    at: datetime
    site_admin: str | None  # None once that account is deleted
    person: str | None
    role: str
    decision: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def site_admin_decisions(user, code: str) -> list[SiteAdminDecision]:
    """Decisions made at the practice from outside it (site admins, the operations command),
    newest first, for those who manage it."""
    if not can_manage(user, code):
        return []
    d = RoleDecision.__table__
    actor, person = User.__table__.alias("actor"), User.__table__.alias("person")
    rows = db.session.execute(
        sa.select(d.c.at, actor.c.email, person.c.email, d.c.role, d.c.decision)
        .outerjoin(actor, actor.c.id == d.c.actor_id)
        .outerjoin(person, person.c.id == d.c.subject_id)
        .where(d.c.practice_code == code, d.c.as_site_admin.is_(True))
        .order_by(d.c.at.desc(), d.c.id.desc())
    ).all()
    return [SiteAdminDecision(*row) for row in rows]


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


def _record(actor, grant: PracticeRole, decision: str) -> None:
    """Mark the role with its decider and add the decision to the audit, before the caller
    changes the status and commits (so the actor's own standing is read as it was)."""
    as_site_admin = bool(actor.is_admin) and not is_practice_admin(actor, grant.practice_code)
    grant.decided_by_id, grant.decided_at = actor.id, now()
    grant.decided_by_site_admin = as_site_admin
    db.session.add(
        RoleDecision(
            at=grant.decided_at,
            practice_code=grant.practice_code,
            subject_id=grant.user_id,
            actor_id=actor.id,
            role=grant.role,
            decision=decision,
            as_site_admin=as_site_admin,
        )
    )


def decide(actor, role_id: int, approve: bool) -> PracticeRole:
    """Approve (active) or reject a pending request; never one's own."""
    own = db.session.get(PracticeRole, role_id) if isinstance(role_id, int) else None
    if _signed_in(actor) and own is not None and own.user_id == actor.id:
        raise AccountError(OWN_REQUEST)
    grant = _managed_role(actor, role_id)
    if grant.status != "pending":
        raise AccountError("That request has already been decided")
    _record(actor, grant, "approved" if approve else "rejected")
    grant.status = "active" if approve else "rejected"
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
    _record(actor, grant, "removed")
    grant.status = "removed"
    db.session.commit()
    log.info("role %s removed by user %s", grant.id, actor.id)
    return grant
