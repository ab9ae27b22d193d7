"""The one protected resource, the MCP endpoint: RFC 8707 resource binding and RFC 9728
protected-resource metadata. A request may leave `resource` out (it then means the MCP
resource, or the grant's own); one named must be it, and only one: else invalid_target."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from portal.connections.errors import OAuthError

SCOPE = "mcp:read"  # read-only access to what the account may see (the only scope)
SCOPES_SUPPORTED = (SCOPE,)
MCP_PATH = "/mcp"
SEVERAL = "at most one resource may be named (RFC 8707)"


def normalise_url(url: str) -> str | None:
    """Lower-case scheme and host, no trailing slash on the path; None for anything unusable."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or parts.fragment:
        return None
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, "")
    )


def canonical_resource(base_url: str) -> str:
    """The MCP resource identifier tokens are bound to: `<base>/mcp`."""
    return normalise_url(base_url + MCP_PATH) or base_url + MCP_PATH


def resource_matches(given: str, base_url: str) -> bool:
    """Is `given` this deployment's MCP resource? Accepts `<base>/mcp`, `<base>/mcp/` and,
    for clients that name the whole origin, `<base>` itself."""
    normal = normalise_url(given)
    return normal is not None and normal in (
        canonical_resource(base_url),
        normalise_url(base_url),
    )


def requested_resource(params, base_url: str) -> str:
    """At /oauth/authorize: the resource to bind the grant to (always the MCP resource)."""
    resources = params.getlist("resource")
    if len(resources) > 1:
        raise OAuthError("invalid_target", SEVERAL)
    if resources and not resource_matches(resources[0], base_url):
        raise OAuthError("invalid_target", "unknown resource")
    return canonical_resource(base_url)


def check_grant_resource(params, base_url: str, bound: str) -> None:
    """At the token endpoint: the resource, when named, is the grant's (RFC 8707 2.2)."""
    resources = params.getlist("resource")
    if len(resources) > 1:
        raise OAuthError("invalid_target", SEVERAL)
    if canonical_resource(base_url) != bound or (
        resources and not resource_matches(resources[0], base_url)
    ):
        raise OAuthError("invalid_target", "the resource does not match the grant")


def protected_resource_metadata(base_url: str) -> dict:
    """RFC 9728: what a client reads first, naming this server as the resource's issuer."""
    return {
        "resource": canonical_resource(base_url),
        "authorization_servers": [base_url],
        "scopes_supported": list(SCOPES_SUPPORTED),
        "bearer_methods_supported": ["header"],
        "resource_name": "Haresign GP practice data (read-only)",
        "resource_documentation": base_url + "/mcp/about/",
    }
