"""Who may read what: the one access policy that pages, MCP and the API all ask.

- Public data: anyone on the pages; any signed-in connection on MCP; any key on the API.
- Private practice data: only a user with an `active` role at that practice (a site admin
  is no exception).
- Whatever the caller may not see and whatever does not exist raise the same
  NotFoundOrDenied, with the same message, so the two cannot be told apart.

Callers pass the user in (None or an anonymous user when nobody is signed in); nothing here
reads the request.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Practice, PracticeRole
from portal.queries.practices import PracticeDetails, get_practice, normalise_code

NOT_FOUND_OR_DENIED = "Not found or access denied."
SURFACES = ("pages", "mcp", "api")


class NotFoundOrDenied(LookupError):
    """The one answer for missing and forbidden alike."""

    def __init__(self) -> None:
        super().__init__(NOT_FOUND_OR_DENIED)

    @property
    def message(self) -> str:
        return NOT_FOUND_OR_DENIED


def is_signed_in(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def can_read_public(user, surface: str = "pages") -> bool:
    """Public figures: anyone on the pages; MCP and API callers must carry a user (their
    connection's or key's owner)."""
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}")
    return surface == "pages" or is_signed_in(user)


def has_active_role(user, code: str | None) -> bool:
    normal = normalise_code(code)
    if normal is None or not is_signed_in(user):
        return False
    r = PracticeRole.__table__
    return (
        db.session.execute(
            sa.select(r.c.id).where(
                r.c.user_id == user.id, r.c.practice_code == normal, r.c.status == "active"
            )
        ).first()
        is not None
    )


def public_practice(user, code: str | None, surface: str = "pages") -> PracticeDetails:
    """The practice for public figures, or NotFoundOrDenied."""
    if not can_read_public(user, surface):
        raise NotFoundOrDenied()
    practice = get_practice(code)
    if practice is None:
        raise NotFoundOrDenied()
    return practice


def private_practice(user, code: str | None) -> PracticeDetails:
    """The practice whose private data the user may read and edit, or NotFoundOrDenied."""
    if not has_active_role(user, code):
        raise NotFoundOrDenied()
    practice = get_practice(code)
    if practice is None:
        raise NotFoundOrDenied()
    return practice


def can_read_private(user, code: str | None) -> bool:
    return has_active_role(user, code)


@dataclass(frozen=True)
class MyPractice:
    code: str
    name: str
    role: str  # member | admin


def my_practices(user) -> list[MyPractice]:
    """The practices where the user holds an active role: whose private data they may read."""
    if not is_signed_in(user):
        return []
    r, p = PracticeRole.__table__, Practice.__table__
    rows = db.session.execute(
        sa.select(p.c.code, p.c.name, r.c.role)
        .join(p, p.c.code == r.c.practice_code)
        .where(r.c.user_id == user.id, r.c.status == "active")
        .order_by(p.c.name)
    ).all()
    return [MyPractice(*row) for row in rows]
