"""People-facing pages of the developer API: the docs page (/api/) and key management
(/api/keys, sign-in required; the key's secret is shown once, on the page that creates it)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal import api_keys
from portal.api.params import MAX_PAGE_SIZE
from portal.api.resources import ROUTES
from portal.api.responses import csv_columns
from portal.api.routes import API_PREFIX
from portal.api.schema import field_types
from portal.catalogue import METRICS

bp = Blueprint("api_pages", __name__, url_prefix="/api")


def _fields(cls: type) -> list[tuple[str, str]]:
    return [(name, description or "") for name, _hint, description in field_types(cls)]


@bp.get("/")
def docs():
    """The human docs page, generated from the same route table as the OpenAPI document."""
    endpoints = [
        {
            "route": route,
            "params": route.all_params,
            "fields": _fields(route.response),
            "csv_columns": csv_columns(route.response) if route.paginated else [],
        }
        for route in ROUTES
    ]
    return render_template(
        "api/docs.html",
        endpoints=endpoints,
        prefix=API_PREFIX,
        max_page_size=MAX_PAGE_SIZE,
        metrics=list(METRICS.values()),
    )


@bp.get("/keys")
@login_required
def keys():
    return _keys_page()


@bp.post("/keys")
@login_required
def create_key():
    """A separate view from the page, so a HEAD request (answered by the GET view) makes no key."""
    name = request.form.get("name", "")
    try:
        new_key = api_keys.create_key(current_user, name)
    except api_keys.ApiKeyError as exc:
        return _keys_page(400, error=str(exc), name=name[:100])
    return _keys_page(new_key=new_key)


def _keys_page(status: int = 200, *, new_key=None, error=None, name: str = ""):
    return render_template(
        "api/keys.html",
        keys=api_keys.list_keys(current_user),
        new_key=new_key,
        error=error,
        name=name,
    ), status


@bp.post("/keys/<int:key_id>/revoke")
@login_required
def revoke(key_id: int):
    if api_keys.revoke_key(current_user, key_id):
        flash("The key is revoked. Requests using it now get 401.")
    else:
        flash("Not found or access denied.")
    return redirect(url_for("api_pages.keys"))
