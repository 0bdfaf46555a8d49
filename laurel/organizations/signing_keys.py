"""Signing keys: the organization's first key, and rotation (the old key is retired and
stays in the DID document, so what it signed still verifies)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from laurel.organizations import audit
from laurel.organizations.errors import Conflict
from laurel.organizations.models import Organization, SigningKey
from laurel.organizations.permissions import Actor, require
from laurel.organizations.selectors import active_signing_key, lock_organization


def ensure_signing_key(*, actor: Actor, organization: Organization) -> SigningKey | None:
    """Give `organization` (locked by the caller) an active key if it has none (approval
    does); returns the new key, or None when it had one."""
    if active_signing_key(organization) is not None:
        return None
    return _create_signing_key(actor, organization)


@transaction.atomic
def generate_signing_key(*, actor: Actor) -> SigningKey:
    """The organization's first active key (Conflict if one is active: rotate instead)."""
    require(actor, "manage_signing_keys")
    organization = lock_organization(actor.organization)
    if active_signing_key(organization) is not None:  # read after the lock
        raise Conflict("The organization already has an active signing key; rotate it instead.")
    return _create_signing_key(actor, organization)


@transaction.atomic
def rotate_signing_key(*, actor: Actor) -> SigningKey:
    """Retire the active key (it stays in the DID document) and make a new one."""
    require(actor, "manage_signing_keys")
    organization = lock_organization(actor.organization)
    old = active_signing_key(organization)  # read after the lock
    if old is not None:
        old.status = SigningKey.Status.RETIRED
        old.retired_at = timezone.now()
        old.save(update_fields=["status", "retired_at"])
        audit.record(actor, "signing_key.retired", old, data={"key_id": old.key_id})
    return _create_signing_key(actor, organization)


def _create_signing_key(actor: Actor, organization: Organization) -> SigningKey:
    from laurel.vc.keys import encrypt_private_key, generate_key, public_multikey

    private_key = generate_key()
    key = SigningKey.objects.create(
        organization=organization,
        key_id=f"key-{timezone.now():%Y%m%d}-{secrets.token_hex(3)}",
        public_key_multibase=public_multikey(private_key.public_key()),
        private_key_encrypted=encrypt_private_key(private_key, settings.LAUREL_KEY_ENCRYPTION_KEY),
    )
    audit.record(actor, "signing_key.generated", key, data={"key_id": key.key_id})
    return key
