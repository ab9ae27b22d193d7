"""`/groups`: a signed-in user's saved groups of practices; thin pages over queries/saved_groups.

Another user's group answers exactly as a missing one does (404, the same page)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.access import NotFoundOrDenied
from portal.catalogue import METRICS
from portal.queries import saved_groups as groups
from portal.queries.areas import AREAS

bp = Blueprint("saved_groups", __name__, url_prefix="/groups")
METRIC_GROUPS = [(a.title, a.metrics) for a in AREAS.values() if a.metrics]
DEFAULT_METRIC = "dna_rate"


def _field(name: str) -> str:
    return request.form.get(name, "")[: groups.MAX_NAME * 4]


def _index(status: int = 200, error: str | None = None, name: str = ""):
    return render_template(
        "saved_groups/index.html", groups=groups.my_groups(current_user), error=error, name=name
    ), status


@bp.get("")
@login_required
def index():
    return _index()


@bp.post("")
@login_required
def create():
    try:
        created = groups.create_group(current_user, _field("name"))
    except groups.GroupError as exc:
        return _index(400, str(exc), _field("name"))
    flash("Group created.")
    return redirect(url_for("saved_groups.detail", group_id=created.id))


def _detail(group_id: int, status: int = 200, error: str | None = None, field: str | None = None):
    try:
        group = groups.get_group(current_user, group_id)
    except NotFoundOrDenied:
        abort(404)
    metric_id = request.args.get("metric", DEFAULT_METRIC)
    if metric_id not in METRICS:
        metric_id = DEFAULT_METRIC
    try:
        bench = groups.group_benchmark(current_user, group_id, metric_id) if group.codes else None
    except groups.GroupError:
        bench = None
    return render_template(
        "saved_groups/detail.html",
        group=group,
        bench=bench,
        metric=METRICS[metric_id],
        metric_groups=METRIC_GROUPS,
        error=error,
        field=field,
    ), status


@bp.get("/<int:group_id>")
@login_required
def detail(group_id: int):
    return _detail(group_id)


def _change(group_id: int, action, message: str, field: str):
    try:
        action()
    except NotFoundOrDenied:
        abort(404)
    except groups.GroupError as exc:
        return _detail(group_id, 400, str(exc), field)
    flash(message)
    return redirect(url_for("saved_groups.detail", group_id=group_id))


@bp.post("/<int:group_id>/rename")
@login_required
def rename(group_id: int):
    return _change(
        group_id,
        lambda: groups.rename_group(current_user, group_id, _field("name")),
        "Group renamed.",
        "name",
    )


@bp.post("/<int:group_id>/practices")
@login_required
def add(group_id: int):
    code = _field("code")[:20]
    return _change(
        group_id,
        lambda: groups.add_practice(current_user, group_id, code),
        "Practice added.",
        "code",
    )


@bp.post("/<int:group_id>/practices/<code>/remove")
@login_required
def remove(group_id: int, code: str):
    return _change(
        group_id,
        lambda: groups.remove_practice(current_user, group_id, code[:20]),
        "Practice removed.",
        "code",
    )


@bp.post("/<int:group_id>/delete")
@login_required
def delete(group_id: int):
    try:
        groups.delete_group(current_user, group_id)
    except NotFoundOrDenied:
        abort(404)
    flash("Group deleted.")
    return redirect(url_for("saved_groups.index"))
