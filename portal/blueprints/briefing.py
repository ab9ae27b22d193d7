"""Printable briefings: `/practices/<ODS>/briefing` (+ `.pdf`) and `/pcns/<code>/briefing`
(+ `.pdf`). Thin routes over `portal.queries.briefing`; the PDF is the same page printed by
headless Chromium (`portal.briefing_pdf` says why Chromium)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template
from flask_login import current_user
from werkzeug.exceptions import ServiceUnavailable

from portal.access import NotFoundOrDenied, public_practice
from portal.briefing_pdf import PdfUnavailable, render_pdf
from portal.catalogue import METRICS
from portal.queries.briefing import COMPARATOR_HEADINGS, pcn_briefing, practice_briefing

bp = Blueprint("briefing", __name__)


@bp.app_template_global("metric_decimals")
def metric_decimals(metric_id: str) -> int:
    """The decimals a metric's figures are written with (SPC means and limits take one more)."""
    return METRICS[metric_id].decimals


def _practice(code: str):
    try:
        return public_practice(current_user, code, "pages")
    except NotFoundOrDenied:
        abort(404)


def _practice_page(practice, pdf: bool) -> str:
    briefing = practice_briefing(practice)
    return render_template(
        "practices/briefing.html",
        briefing=briefing,
        practice=briefing.practice,
        headings=COMPARATOR_HEADINGS,
        prepared=date.today(),
        pdf=pdf,
    )


def _pcn_page(briefing, pdf: bool) -> str:
    return render_template("pcns/briefing.html", briefing=briefing, prepared=date.today(), pdf=pdf)


def _pcn(code: str):
    briefing = pcn_briefing(code)
    if briefing is None:
        abort(404)
    return briefing


@bp.get("/practices/<code>/briefing")
def practice(code: str):
    return _practice_page(_practice(code), pdf=False)


@bp.get("/practices/<code>/briefing.pdf")
def practice_pdf(code: str):
    practice = _practice(code)
    return _pdf(_practice_page(practice, pdf=True), f"{practice.code}-briefing.pdf")


@bp.get("/pcns/<code>/briefing")
def pcn(code: str):
    return _pcn_page(_pcn(code), pdf=False)


@bp.get("/pcns/<code>/briefing.pdf")
def pcn_pdf(code: str):
    briefing = _pcn(code)
    return _pdf(_pcn_page(briefing, pdf=True), f"{briefing.pcn.code}-briefing.pdf")


def _pdf(html: str, filename: str) -> Response:
    """The page printed to PDF; a renderer that cannot answer is a 503 that says why."""
    try:
        data = render_pdf(
            _local_static(html),
            chromium=current_app.config["CHROMIUM_PATH"],
            timeout=current_app.config["PDF_RENDER_TIMEOUT"],
        )
    except PdfUnavailable as exc:
        raise ServiceUnavailable(
            f"The PDF briefing cannot be made now: {exc.reason}. "
            "The briefing page itself prints to the same A4 layout."
        ) from None
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _local_static(html: str) -> str:
    """Point the page's stylesheets and images at the static folder on disk, so Chromium
    reads them from a file rather than asking this server (a worker cannot call itself)."""
    static = Path(current_app.static_folder).resolve().as_uri()
    prefix = current_app.static_url_path
    return html.replace(f'="{prefix}/', f'="{static}/')
