"""What users follow: practices, saved groups, PCNs and ICBs, with the alerts chosen for each,
and whether they get alert emails at all."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from portal.access import NotFoundOrDenied, is_signed_in
from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import AlertSubscription, Icb, Pcn, Practice, SubIcb, Watch
from portal.models.alerts import DIRECTIONS, WATCH_KINDS
from portal.queries import saved_groups
from portal.queries.practices import get_practice

MAX_WATCHES = 100
NOT_KNOWN = {
    "practice": "Enter the ODS code of a practice in England, e.g. A81001.",
    "pcn": "Enter the ODS code of a PCN, e.g. U12345.",
    "icb": "Enter the ODS code of an ICB, e.g. QE1.",
}


class WatchError(ValueError):
    """A follow that cannot be saved, in words fit to show."""


@dataclass(frozen=True)
class Target:
    """What a watch points at: its name and the practices it covers."""

    kind: str
    code: str
    name: str
    practices: list[str]


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def resolve(user_id: int, kind: str, code: str) -> Target | None:
    """The practice, saved group (the user's own only), PCN or ICB a watch names; None if gone."""
    p = Practice.__table__
    if kind == "practice":
        practice = get_practice(code)
        return practice and Target(kind, practice.code, practice.name, [practice.code])
    if kind == "group":
        from portal.models import User

        try:
            group = saved_groups.get_group(db.session.get(User, user_id), code)
        except NotFoundOrDenied:
            return None
        return Target(kind, str(group.id), group.name, group.codes)
    if kind == "pcn":
        name = db.session.scalar(sa.select(Pcn.__table__.c.name).where(Pcn.code == code))
        where = p.c.pcn_code == code
    elif kind == "icb":
        name = db.session.scalar(sa.select(Icb.__table__.c.name).where(Icb.code == code))
        subs = sa.select(SubIcb.__table__.c.code).where(SubIcb.__table__.c.icb_code == code)
        where = p.c.sub_icb_code.in_(subs)
    else:
        return None
    if name is None:
        return None
    codes = db.session.scalars(sa.select(p.c.code).where(where, p.c.status == "active")).all()
    return Target(kind, code, name, list(codes))


def watches(user) -> list[Watch]:
    if not is_signed_in(user):
        return []
    return list(
        db.session.scalars(sa.select(Watch).where(Watch.user_id == user.id).order_by(Watch.id))
    )


def follow(user, kind: str, code: str, new_data: bool = True, spc: bool = False,
           metric: str | None = None, threshold: str | None = None,
           direction: str | None = None) -> Watch:  # fmt: skip
    """Follow (or change the alerts of) one practice, saved group, PCN or ICB."""
    if not is_signed_in(user):
        raise NotFoundOrDenied()
    if kind not in WATCH_KINDS:
        raise WatchError("Choose a practice, saved group, PCN or ICB to follow.")
    code = (code or "").strip().upper()[:20]
    target = resolve(user.id, kind, code)
    if target is None:
        if kind == "group":
            raise NotFoundOrDenied()
        raise WatchError(NOT_KNOWN[kind])
    if metric and metric not in METRICS:
        raise WatchError("Choose a metric from the list.")
    value = None
    if threshold not in (None, ""):
        try:
            value = float(threshold)
        except ValueError:
            raise WatchError("The threshold must be a number, e.g. 5 or 12.5.") from None
        if not math.isfinite(value):
            raise WatchError("The threshold must be a number, e.g. 5 or 12.5.")
        if not metric or direction not in DIRECTIONS:
            raise WatchError("A threshold needs a metric and whether to alert above or below it.")
    if spc and not metric:
        raise WatchError("Choose a metric for special-cause alerts.")
    watch = db.session.scalar(
        sa.select(Watch).where(
            Watch.user_id == user.id, Watch.kind == kind, Watch.code == target.code
        )  # fmt: skip
    )
    if watch is None:
        if len(watches(user)) >= MAX_WATCHES:
            raise WatchError(f"You can follow at most {MAX_WATCHES} things.")
        watch = Watch(user_id=user.id, kind=kind, code=target.code, created_at=now())
        db.session.add(watch)
    watch.new_data, watch.spc, watch.metric = bool(new_data), bool(spc), metric or None
    watch.threshold, watch.direction = value, direction if value is not None else None
    set_subscribed(user.id, True, commit=False)
    db.session.commit()
    return watch


def unfollow(user, watch_id: int) -> None:
    watch = db.session.get(Watch, watch_id)
    if watch is None or not is_signed_in(user) or watch.user_id != user.id:
        raise NotFoundOrDenied()
    db.session.delete(watch)
    db.session.commit()


def is_subscribed(user_id: int) -> bool:
    row = db.session.get(AlertSubscription, user_id)
    return row is None or row.subscribed


def set_subscribed(user_id: int, subscribed: bool, commit: bool = True) -> None:
    row = db.session.get(AlertSubscription, user_id)
    if row is None:
        row = AlertSubscription(user_id=user_id)
        db.session.add(row)
    row.subscribed, row.changed_at = subscribed, now()
    if commit:
        db.session.commit()


def unsubscribe(user_id: int | None) -> bool:
    """Turn off a user's alert emails (one-click); False when there is no such user."""
    from portal.models import User

    if user_id is None or db.session.get(User, user_id) is None:
        return False
    set_subscribed(user_id, False)
    return True
