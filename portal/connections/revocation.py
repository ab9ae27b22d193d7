"""RFC 7009 token revocation on Authlib's RevocationEndpoint: a refresh token takes its whole
family with it; an unknown token, or another client's, is answered 200 and left alone."""

from __future__ import annotations

from authlib.oauth2.rfc7009 import RevocationEndpoint

from portal.clock import now
from portal.connections.grants import revoke_family
from portal.connections.registration import AUTH_METHODS
from portal.connections.tokens import hash_token
from portal.extensions import db
from portal.models.oauth import OAuthToken


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = list(AUTH_METHODS)

    def authenticate_token(self, request, client):
        """Authlib answers another client's token invalid_grant; RFC 7009 2.2 treats it as
        unknown (200), which also tells the caller nothing about the token."""
        self.check_params(request, client)
        token = self.query_token(request.form["token"], request.form.get("token_type_hint"))
        return token if token is not None and token.connection.client_pk == client.row.id else None

    def query_token(self, token_string: str, token_type_hint: str | None) -> OAuthToken | None:
        return db.session.scalar(
            db.select(OAuthToken).filter_by(token_hash=hash_token(token_string))
        )

    def revoke_token(self, token: OAuthToken, request) -> None:
        if token.kind == "refresh":
            revoke_family(token.family)
            return
        token.revoked_at = token.revoked_at or now()
        db.session.commit()
