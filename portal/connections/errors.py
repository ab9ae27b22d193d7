"""OAuthError: an RFC error code in our own wording, raised and rendered like Authlib's own."""

from __future__ import annotations

from authlib.oauth2 import OAuth2Error


class OAuthError(OAuth2Error):
    """`OAuthError(error, description, status)`. Authlib catches and renders it as any of its
    errors (JSON, or a redirect once `redirect_uri` is known)."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(status_code=status, error=error)
        self.description = description  # set after: Authlib refuses the quotes some of ours hold

    @property
    def status(self) -> int:
        return self.status_code

    def as_dict(self) -> dict:
        return {"error": self.error, "error_description": self.description}
