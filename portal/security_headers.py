"""Security headers on every response (pages, API, MCP, OAuth, static files): a
Content-Security-Policy with no inline script or style, no framing, no sniffing, a referrer
that never carries a path off the site, and HSTS in production."""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)
# Forms post only to this site, except the OAuth consent form: its answer is a redirect to the
# assistant's registered redirect URI, and browsers apply form-action to that redirect too.
FORM_ACTION = "form-action 'self'"
CONSENT_ENDPOINT = "oauth.authorize"
HSTS = "max-age=31536000; includeSubDomains"


def add_headers(response: Response, *, production: bool) -> Response:
    policy = CONTENT_SECURITY_POLICY
    if request.endpoint != CONSENT_ENDPOINT:
        policy += "; " + FORM_ACTION
    headers = response.headers
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # pages whose address holds a secret (reset and confirmation links) send no referrer off-site
    secret_in_url = bool(request.view_args and "token" in request.view_args)
    headers.setdefault(
        "Referrer-Policy", "same-origin" if secret_in_url else "strict-origin-when-cross-origin"
    )
    if production:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    production = app.config["ENV_NAME"] == "production"
    app.after_request(lambda response: add_headers(response, production=production))
