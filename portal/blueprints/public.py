"""Home, nationwide search (page and as-you-type suggestions) and the health check."""

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template, request

from portal.extensions import db
from portal.queries.practices import count_practices
from portal.queries.search import SearchError, search_groups, search_practices

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("home.html", open_practices=count_practices())


@bp.get("/search")
def search():
    text = request.args.get("q", "")
    try:
        hits = search_practices(text, limit=50)
    except SearchError as exc:
        return render_template("search.html", query=text[:100], error=str(exc), hits=[]), 400
    groups = search_groups(text)  # PCNs and ICBs by name and code, listed above the practices
    return render_template("search.html", query=text, error=None, hits=hits, groups=groups)


@bp.get("/search/suggest")
def suggest():
    """As-you-type suggestions for the search box: at most 10, JSON."""
    try:
        hits = search_practices(request.args.get("q", ""), limit=10)
    except SearchError as exc:
        return jsonify(error=str(exc), results=[]), 400
    return jsonify(
        results=[
            {
                "code": h.code,
                "name": h.name,
                "town": h.town,
                "postcode": h.postcode,
                "status": h.status,
            }
            for h in hits
        ]  # fmt: skip
    )


@bp.get("/health")
def health():
    """For load balancers and monitors: 200 when the database answers, else 503 (no details)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
