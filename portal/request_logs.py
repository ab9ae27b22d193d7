"""Request log lines without query strings: a search's text, a filter's value or anything else a
caller puts after `?` never reaches the logs of the development server (werkzeug) or gunicorn's
access log (whose default format also prints the Referer, another address)."""

from __future__ import annotations

import logging
import re

ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
REDACTED = "?[redacted]"
# A request line's target runs to the space before the protocol (the development server decodes
# it, so it may hold quotes); any other address ends at a space or a quote.
QUERY_STRING = re.compile(r"\?[^ ]*(?= HTTP/)|\?[^ \"]*")


class StripQueryStrings(logging.Filter):
    """Rewrites each record's message with every query string replaced by `?[redacted]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = QUERY_STRING.sub(REDACTED, message), ()
        return True


def install() -> None:
    """Add the filter to the access loggers, once per process."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, StripQueryStrings) for f in logger.filters):
            logger.addFilter(StripQueryStrings())
