"""API keys: create, revoke, and authenticate a bearer key (only its HMAC is stored)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from laurel.credentials.issue_reads import live_api_key
from laurel.credentials.validation import max_length
from laurel.organizations import audit
from laurel.organizations.errors import ValidationError
from laurel.organizations.models import ApiKey, Door, Role
from laurel.organizations.permissions import Actor, require
from laurel.organizations.tenancy import get_scoped

NAME_MAX_LENGTH = max_length(ApiKey, "name")
# Writing last_used_at on every request would make each API call a write; a minute is enough.
LAST_USED_RESOLUTION_SECONDS = 60


def api_key_hmac(raw_key: str) -> str:
    secret = getattr(settings, "LAUREL_API_KEY_SECRET", None) or settings.SECRET_KEY
    return hmac.new(secret.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def create_api_key(*, actor: Actor, name: str, role: str = Role.ISSUER) -> tuple[ApiKey, str]:
    """A new key; returns (the stored row, the raw key). The raw key is never stored."""
    require(actor, "manage_api_keys")
    name = (name or "").strip()
    if not name:
        raise ValidationError("An API key needs a name.", field="name")
    if role not in (Role.ADMIN, Role.ISSUER):
        raise ValidationError("An API key has the Admin or the Issuer role.", field="role")
    raw_key = ApiKey.PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        organization=actor.organization,
        name=name[:NAME_MAX_LENGTH],
        role=role,
        key_hmac=api_key_hmac(raw_key),
        display_prefix=raw_key[: len(ApiKey.PREFIX) + 4],
        created_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    audit.record(actor, "api_key.created", api_key, data={"name": api_key.name, "role": role})
    return api_key, raw_key


@transaction.atomic
def revoke_api_key(*, actor: Actor, api_key_id: int) -> ApiKey:
    require(actor, "manage_api_keys")
    api_key = get_scoped(ApiKey, actor.organization, pk=api_key_id)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit.record(actor, "api_key.revoked", api_key, data={"name": api_key.name})
    return api_key


def authenticate_api_key(*, raw_key: str | None, door: str = Door.API) -> Actor | None:
    """The Actor for a bearer key, or None for a missing, malformed, unknown or revoked one."""
    if not raw_key or not raw_key.startswith(ApiKey.PREFIX) or len(raw_key) > 200:
        return None
    api_key = live_api_key(api_key_hmac(raw_key))
    if api_key is None:
        return None
    now = timezone.now()
    if (
        api_key.last_used_at is None
        or (now - api_key.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
    ):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return Actor(organization=api_key.organization, role=api_key.role, api_key=api_key, door=door)
