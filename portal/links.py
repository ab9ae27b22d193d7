"""Links that leave the site (mail): built from PUBLIC_BASE_URL, never from a request's Host,
so a forged Host or X-Forwarded-Host header cannot change what a user receives."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app

# Where `make run` serves; used only when PUBLIC_BASE_URL is unset (production requires it).
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
TOKEN_LINK = re.compile(r"(/account/(?:verify|reset-password)/)[^\s?#\"'<>]+")
HIDDEN_TOKEN = "[token hidden]"


def public_base_url() -> str:
    """The external origin (and path prefix) of the site, without a trailing slash."""
    return current_app.config.get("PUBLIC_BASE_URL") or DEVELOPMENT_BASE_URL


def public_url(endpoint: str, **values) -> str:
    """An absolute URL for `endpoint` (a full name such as "accounts.verify") on the public
    origin; works with or without a request."""
    base = urlsplit(public_base_url())
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def hide_tokens(text: str) -> str:
    """The text with the token of every verification or reset link replaced."""
    return TOKEN_LINK.sub(rf"\g<1>{HIDDEN_TOKEN}", text)
