"""`/watchlist`: what a signed-in user follows and the alerts chosen; `/alerts/unsubscribe/<token>`:
one-click unsubscribe (RFC 8058) that works without a session or CSRF token."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.access import NotFoundOrDenied
from portal.alerts import watchlist
from portal.alerts.tokens import user_from_token
from portal.extensions import csrf
from portal.models.alerts import DIRECTIONS, WATCH_KINDS
from portal.queries.areas import AREAS
from portal.queries.saved_groups import my_groups

bp = Blueprint("watchlist", __name__)
METRIC_GROUPS = [(a.title, a.metrics) for a in AREAS.values() if a.metrics]
KIND_LABELS = {"practice": "Practice", "group": "Saved group", "pcn": "PCN", "icb": "ICB"}


def _index(status: int = 200, error: str | None = None, kind: str = "", code: str = ""):
    rows = [
        (w, watchlist.resolve(w.user_id, w.kind, w.code)) for w in watchlist.watches(current_user)
    ]
    return render_template(
        "saved_groups/watchlist.html",
        rows=rows,
        groups=my_groups(current_user),
        kinds=KIND_LABELS,
        directions=DIRECTIONS,
        metric_groups=METRIC_GROUPS,
        subscribed=watchlist.is_subscribed(current_user.id),
        error=error,
        chosen_kind=kind,
        chosen_code=code,
    ), status


@bp.get("/watchlist")
@login_required
def index():
    """`?kind=&code=` (the "Follow" links on practice and group pages) fill in the form."""
    kind = request.args.get("kind", "")
    return _index(kind=kind if kind in KIND_LABELS else "", code=request.args.get("code", "")[:12])


@bp.post("/watchlist")
@login_required
def follow():
    form = {k: request.form.get(k, "")[:40] for k in ("kind", "code", "metric", "threshold",
                                                       "direction")}  # fmt: skip
    if form["kind"] not in WATCH_KINDS:
        return _index(400, "Choose a practice, saved group, PCN or ICB to follow.")
    try:
        watchlist.follow(
            current_user, form["kind"], form["code"],
            new_data=request.form.get("new_data") == "1", spc=request.form.get("spc") == "1",
            metric=form["metric"] or None, threshold=form["threshold"] or None,
            direction=form["direction"] or None,
        )  # fmt: skip
    except NotFoundOrDenied:
        abort(404)
    except watchlist.WatchError as exc:
        return _index(400, str(exc))
    flash("You are following it. Alerts come in one email after each data refresh.")
    return redirect(url_for("watchlist.index"))


@bp.post("/watchlist/<int:watch_id>/delete")
@login_required
def unfollow(watch_id: int):
    try:
        watchlist.unfollow(current_user, watch_id)
    except NotFoundOrDenied:
        abort(404)
    flash("You no longer follow it.")
    return redirect(url_for("watchlist.index"))


@bp.post("/watchlist/subscription")
@login_required
def subscription():
    on = request.form.get("subscribed") == "1"
    watchlist.set_subscribed(current_user.id, on)
    flash("Alert emails are on." if on else "Alert emails are off.")
    return redirect(url_for("watchlist.index"))


@bp.get("/alerts/unsubscribe/<token>")
def unsubscribe_confirm(token: str):
    """GET only asks: mail scanners follow links, and must not unsubscribe anyone."""
    if user_from_token(token) is None:
        abort(404)
    return render_template("alerts/unsubscribe.html", token=token, done=False)


@bp.post("/alerts/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    """RFC 8058 one-click: the mail client POSTs List-Unsubscribe=One-Click, with no session."""
    if not watchlist.unsubscribe(user_from_token(token)):
        abort(404)
    return render_template("alerts/unsubscribe.html", token=token, done=True)
