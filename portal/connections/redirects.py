"""Redirect URIs: the shapes a client may register and the exact match at /oauth/authorize.

https anywhere, or http on a loopback host whose port may change (RFC 8252 7.3); a native
app's private-use scheme (RFC 8252 7.1) for public clients only; never a fragment, user name,
password or control character; any other scheme (javascript:, data:, file:, ftp:, ...) refused.
Errors name what is wrong, under the error code the caller passes.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from portal.connections.errors import OAuthError

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")  # as urlsplit's .hostname gives them
URI_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")  # RFC 3986 3.1
# Schemes a browser or the system handles itself: never a native app's private-use scheme.
NOT_APP_SCHEMES = frozenset(
    {"about", "blob", "data", "file", "filesystem", "ftp", "http", "https", "intent", "jar",
     "javascript", "mailto", "sms", "tel", "urn", "vbscript", "view-source", "ws", "wss"}
)  # fmt: skip


def url_parts(uri, name: str, error: str) -> SplitResult:
    """An absolute URL with a host, a valid port and no credentials; else `error`."""
    if not isinstance(uri, str) or not uri or len(uri) > 2000:
        raise OAuthError(error, f"{name} must be an absolute URL of at most 2000 characters")
    if any(ord(c) < 33 or ord(c) == 127 for c in uri):
        raise OAuthError(error, f"{name} must not contain spaces or control characters")
    parts = urlsplit(uri)
    try:
        port = parts.port
    except ValueError as exc:
        raise OAuthError(error, f"{name} has an invalid port (1-65535)") from exc
    if port == 0:
        raise OAuthError(error, f"{name} has an invalid port (1-65535)")
    if not parts.hostname:
        raise OAuthError(error, f"{name} must be an absolute URL with a host")
    if "@" in parts.netloc:
        raise OAuthError(error, f"{name} must not contain a user name or password")
    return parts


def private_use_scheme(uri) -> str | None:
    """The scheme of a native app's private-use redirect (RFC 8252 7.1: `cursor://…`,
    `com.example.app:/cb`), or None for anything else (https, http, javascript:, data:, …)."""
    found = URI_SCHEME.match(uri) if isinstance(uri, str) else None
    if found is None or found.group(1).lower() in NOT_APP_SCHEMES:
        return None
    return found.group(1)


def _check_private_use(uri: str, error: str) -> str:
    """A private-use redirect: text a browser hands to the app unchanged, at most 2000
    characters, naming something after the scheme, with no credentials and no fragment."""
    if len(uri) > 2000:
        raise OAuthError(error, "redirect_uri must be at most 2000 characters")
    if any(ord(c) < 33 or ord(c) == 127 for c in uri):
        raise OAuthError(error, "redirect_uri must not contain spaces or control characters")
    if "#" in uri:
        raise OAuthError(error, "redirect_uri must not contain a fragment")
    parts = urlsplit(uri)
    if "@" in parts.netloc:
        raise OAuthError(error, "redirect_uri must not contain a user name or password")
    if not (parts.netloc or parts.path.strip("/")):
        raise OAuthError(error, "redirect_uri must name a path after its scheme")
    return uri


def check_redirect_uri(uri, error: str = "invalid_redirect_uri", *, public_client: bool) -> str:
    """`uri` if its shape is allowed (see the module docstring), else `error` naming why. A
    private-use scheme proves nothing about who receives the code (PKCE does): public only."""
    if private_use_scheme(uri):
        if not public_client:
            raise OAuthError(
                error,
                "a private-use URI scheme redirect_uri is only for public clients "
                "(token_endpoint_auth_method none)",
            )
        return _check_private_use(uri, error)
    parts = url_parts(uri, "redirect_uri", error)
    if "#" in uri:
        raise OAuthError(error, "redirect_uri must not contain a fragment")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return uri
    raise OAuthError(error, "redirect_uri must use https (or http on a loopback address)")


def redirect_allowed(registered: list[str], redirect_uri: str) -> bool:
    """Exact match, except that a loopback redirect may use any port (RFC 8252 7.3)."""
    if redirect_uri in registered:
        return True
    given = urlsplit(redirect_uri)
    if given.scheme != "http" or given.hostname not in LOOPBACK_HOSTS:
        return False
    return any(
        (reg.scheme, reg.hostname, reg.path, reg.query)
        == ("http", given.hostname, given.path, given.query)
        for reg in map(urlsplit, registered)
    )


def redirect_host(redirect_uri: str) -> str:
    """Where the code goes, for the consent page: a web host, or a native app's scheme."""
    parts = urlsplit(redirect_uri)
    if private_use_scheme(redirect_uri):
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
    return parts.netloc
