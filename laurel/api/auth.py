"""Bearer API keys. The middleware resolves the key once per request (rate limits and
idempotency need it before the operation runs); ninja's auth then only reads the result."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from laurel.organizations.models import Door
from laurel.organizations.permissions import Actor


def bearer_token(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def resolve_actor(request: HttpRequest) -> Actor | None:
    """The Actor of the request's key; None for a missing, malformed, unknown or revoked one."""
    from laurel.organizations.api_keys import authenticate_api_key

    return authenticate_api_key(raw_key=bearer_token(request), door=Door.API)


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer crd_live_…`; a failure answers 401 (see errors.py)."""

    def __call__(self, request: HttpRequest) -> Actor | None:
        return getattr(request, "actor", None)

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        return getattr(request, "actor", None)
