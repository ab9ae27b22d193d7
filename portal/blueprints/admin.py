"""Site administration: role requests for practices without an admin, data status, outbox.

Only site admins; everyone else gets the generic 404."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from portal import roles
from portal.accounts import outbox
from portal.queries.datasets import loaded_datasets

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def site_admins_only():
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(404)


@bp.get("/")
def index():
    return render_template("admin/index.html")


@bp.get("/roles")
def role_requests():
    return render_template("admin/roles.html", requests=roles.requests_for(current_user))


@bp.get("/data")
def data_status():
    return render_template("admin/data.html", datasets=loaded_datasets())


@bp.get("/outbox")
def outbox_messages():
    return render_template("admin/outbox.html", messages=outbox())
