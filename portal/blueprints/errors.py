"""Error pages: a clear message for every 4xx, never a stack trace."""

import logging

from flask import render_template
from werkzeug.exceptions import HTTPException

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


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        title, message = MESSAGES.get(error.code, (error.name, error.description))
        return render_template("error.html", title=title, message=message, code=error.code), (
            error.code
        )

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error: %s", type(error).__name__)
        title, message = MESSAGES[500]
        return render_template("error.html", title=title, message=message, code=500), 500
