"""Docs pages: interpreting results, public vs account access, data sources and refresh cadence,
the privacy policy and terms of use (which assistants' connector directories ask for), and the
tools an AI assistant sees, generated from the MCP tool registry."""

from flask import Blueprint, abort, render_template

from portal.catalogue import METRICS
from portal.fetch.schedule import next_update_due
from portal.queries.datasets import loaded_datasets
from portal.sources import SOURCES

bp = Blueprint("docs", __name__, url_prefix="/docs")

PAGES = {
    "interpreting-results": "Interpreting the figures",
    "access": "Public data and account access",
    "data-sources": "Data sources and refresh cadence",
    "privacy": "Privacy policy",
    "terms": "Terms of use",
}


@bp.get("/")
def index():
    return render_template("docs/index.html", pages=PAGES)


@bp.get("/tools")
def tools():
    """What `tools/list` gives an assistant, for people: names, descriptions and arguments."""
    from portal.mcp.registry import registry

    described = [spec.describe() for spec in sorted(registry.all(), key=lambda s: s.name)]
    return render_template(
        "docs/tools.html", title="Tools for AI assistants", pages=PAGES, tools=described
    )


@bp.get("/<page>")
def page(page: str):
    if page not in PAGES:
        abort(404)
    context = {}
    if page == "data-sources":
        context = {
            "sources": SOURCES.values(),
            "loaded": {d.dataset: d for d in loaded_datasets()},
            "due": next_update_due,
            "metrics_by_dataset": {
                s: [m for m in METRICS.values() if m.dataset == s] for s in SOURCES
            },
        }
    return render_template(f"docs/{page}.html", title=PAGES[page], pages=PAGES, **context)
