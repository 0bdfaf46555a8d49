"""API keys: shown once, stored as an HMAC, found by it, revocable."""

from __future__ import annotations

import pytest

from laurel.organizations.api_keys import (
    api_key_hmac,
    authenticate_api_key,
    create_api_key,
    revoke_api_key,
)
from laurel.organizations.errors import ValidationError
from laurel.organizations.models import ApiKey


def test_a_new_key_is_shown_once_and_only_its_hmac_is_stored(owner):
    api_key, raw = create_api_key(actor=owner, name="Moodle", role="issuer")
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert raw.startswith("crd_live_") and len(raw) > 40
    assert stored.key_hmac == api_key_hmac(raw) != raw
    assert raw not in str(ApiKey.objects.filter(pk=api_key.pk).values().get())
    assert raw.startswith(stored.display_prefix)


@pytest.mark.parametrize("role", ["admin", "issuer"])
def test_a_key_authenticates_as_its_organization_with_its_role(owner, role):
    _, raw = create_api_key(actor=owner, name="CRM", role=role)
    actor = authenticate_api_key(raw_key=raw)
    assert (actor.organization, actor.role, actor.door) == (owner.organization, role, "api")
    assert ApiKey.objects.get(key_hmac=api_key_hmac(raw)).last_used_at is not None


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "Bearer something",
        "crd_live_",
        "crd_live_unknownunknownunknown",
        "crd_test_abc",
        "crd_live_" + "x" * 500,
    ],
)
def test_missing_malformed_or_unknown_keys_authenticate_nobody(owner, raw):
    create_api_key(actor=owner, name="real", role="issuer")
    assert authenticate_api_key(raw_key=raw) is None


def test_a_revoked_key_authenticates_nobody(owner):
    api_key, raw = create_api_key(actor=owner, name="old", role="admin")
    revoke_api_key(actor=owner, api_key_id=api_key.id)
    assert authenticate_api_key(raw_key=raw) is None
    assert ApiKey.objects.get(pk=api_key.pk).revoked_at is not None


@pytest.mark.parametrize("name, role", [("", "issuer"), ("ok", "owner"), ("ok", "superuser")])
def test_a_key_needs_a_name_and_an_admin_or_issuer_role(owner, name, role):
    with pytest.raises(ValidationError):
        create_api_key(actor=owner, name=name, role=role)
    assert not ApiKey.objects.filter(organization=owner.organization).exists()


def test_an_issuer_key_may_issue_but_not_revoke(owner, never_group):
    from laurel.credentials.services import issue, revoke
    from laurel.organizations.errors import Forbidden

    _, raw = create_api_key(actor=owner, name="LMS", role="issuer")
    actor = authenticate_api_key(raw_key=raw)
    credential = issue(
        actor=actor, group_key=never_group.key, recipient_name="A", recipient_email="a@example.org"
    )
    with pytest.raises(Forbidden):
        revoke(actor=actor, credential_id=credential.id, reason="r")
    from laurel.organizations.models import AuditEvent

    event = AuditEvent.objects.get(object_id=credential.id, action="credential.issued")
    assert (event.door, event.actor_api_key_id) == ("api", actor.api_key.id)
    assert "LMS" in event.actor_label
