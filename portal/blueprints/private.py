"""A practice's private data: `/practices/<ODS>/private`, for its active members only.

Anyone else, signed in or not, gets the same 404 as a practice that does not exist."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.access import NotFoundOrDenied, can_read_private
from portal.private_data import (
    CSV_COLUMNS,
    MAX_UPLOAD_BYTES,
    MEASURES,
    PrivateDataError,
    save_form,
    save_upload,
)
from portal.queries.private_data import get_private_data

bp = Blueprint("private", __name__, url_prefix="/practices")


@bp.app_template_global()
def can_see_private(code: str) -> bool:
    """For practice pages: show the link to private data only to active members."""
    return can_read_private(current_user, code)


def _page(code: str, status: int = 200, errors: list[str] | None = None, form=None):
    try:
        data = get_private_data(current_user, code)
    except NotFoundOrDenied:
        abort(404)
    return render_template(
        "practices/private.html",
        data=data,
        measures=MEASURES,
        columns=CSV_COLUMNS,
        max_kb=MAX_UPLOAD_BYTES // 1024,
        errors=errors or [],
        form=form or {},
    ), status


@bp.get("/<code>/private")
def practice(code: str):
    return _page(code)


@bp.post("/<code>/private")
def enter(code: str):
    fields = {k: request.form.get(k, "")[:3000] for k in ("period", *MEASURES)}
    try:
        saved = save_form(current_user, code, fields)
    except NotFoundOrDenied:
        abort(404)
    except PrivateDataError as exc:
        return _page(code, 400, exc.errors, fields)
    flash(f"Saved {saved} figure{'s' if saved != 1 else ''} for {fields['period'].strip()}.")
    return redirect(url_for("private.practice", code=code.upper()))


@bp.post("/<code>/private/upload")
def upload(code: str):
    data = b""
    try:
        if not can_read_private(current_user, code):
            raise NotFoundOrDenied()
        file = request.files.get("file")
        if file is None or not file.filename:
            raise PrivateDataError(["Choose a CSV file to upload"])
        data = file.stream.read(MAX_UPLOAD_BYTES + 1)  # enough to tell it is too large
        saved = save_upload(current_user, code, data)
    except NotFoundOrDenied:
        abort(404)
    except PrivateDataError as exc:
        return _page(code, 413 if len(data) > MAX_UPLOAD_BYTES else 400, exc.errors)
    flash(f"Uploaded {saved} figure{'s' if saved != 1 else ''}.")
    return redirect(url_for("private.practice", code=code.upper()))
