"""Error pages: a clear message for every 4xx, never a stack trace.

The JSON surfaces (/api/v1, /mcp) register a responder for the errors raised outside their views
(control characters, unknown addresses, methods, oversized bodies, our own failures), so they
answer in their own JSON format and audit the request rather than showing this HTML page."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.control_characters import ControlCharacters, refuse_in_request
from portal.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Check the address and try again."),
    403: ("Not allowed", "You do not have permission to do that."),
    404: ("Page not found", "Not found or access denied."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "The upload is too large."),
    429: ("Too many requests", "Too many requests. Wait a minute and try again."),
    500: ("Something went wrong", "Something went wrong on our side. Try again later."),
}
SURFACES = "json_error_surfaces"

Responder = Callable[[HTTPException], Response]


def register_json_surface(app: Flask, owns: Callable[[str], bool], respond: Responder) -> None:
    """Errors on paths that `owns` accepts are answered by `respond` (JSON, and its audit row)."""
    app.extensions.setdefault(SURFACES, []).append((owns, respond))


def _responder() -> Responder | None:
    for owns, respond in current_app.extensions.get(SURFACES, ()):
        if owns(request.path):
            return respond
    return None


def _csrf_reason(error: CSRFError) -> str:
    """Flask-WTF's reason for refusing a form, in words a user can act on."""
    if "expired" in error.description:
        return "The form has expired."
    if "referrer" in error.description:
        return "The form was not sent from this site."
    return "The form's security check is missing or not valid (has the page been open long?)."


def init_app(app: Flask) -> None:
    app.before_request(refuse_in_request)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        respond = _responder()
        if respond is not None:
            return respond(error)
        title, message = MESSAGES.get(error.code, (error.name, error.description))
        if isinstance(error, ControlCharacters):
            message = (
                f"Control characters (such as NUL) are not allowed here ({error.where}). "
                "Check what you typed or pasted and try again."
            )
        elif isinstance(error, CSRFError):
            message = f"{_csrf_reason(error)} Go back, reload the page and try again."
        return render_template("error.html", title=title, message=message, code=error.code), (
            error.code
        )

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()  # a failed transaction must not break the page that reports it
        log.exception("unhandled error: %s", type(error).__name__)
        respond = _responder()
        if respond is not None:
            return respond(InternalServerError())
        title, message = MESSAGES[500]
        return render_template("error.html", title=title, message=message, code=500), 500
