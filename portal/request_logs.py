"""Request log lines without query strings or link tokens: a search's text, a filter's value or
anything else a caller puts after `?`, and the token of a verification or password-reset link,
never reach the logs of the development server (werkzeug) or gunicorn's access log (whose default
format also prints the Referer, another address)."""

from __future__ import annotations

import logging
import re

from portal.links import hide_tokens

ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
REDACTED = "?[redacted]"
# A request line's target runs to the protocol (the development server decodes it, and a
# malformed line is logged as sent, so it may hold quotes and spaces); any other address (a
# Referer) ends at a space or a quote.
QUERY_STRING = re.compile(r"\?.*?(?= HTTP/\d)|\?[^ \"]*")


class StripQueryStrings(logging.Filter):
    """Rewrites each record's message with every query string replaced by `?[redacted]` and
    every link token hidden."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = hide_tokens(QUERY_STRING.sub(REDACTED, message) if "?" in message else message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install() -> None:
    """Add the filter to the access loggers, once per process."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, StripQueryStrings) for f in logger.filters):
            logger.addFilter(StripQueryStrings())
