"""Signing keys: generated on approval, encrypted at rest, rotated with the old one kept."""

from __future__ import annotations

import pytest
from django.conf import settings

from laurel.credentials.models import Credential
from laurel.credentials.services import issue
from laurel.organizations.errors import Conflict
from laurel.organizations.models import Organization, SigningKey
from laurel.organizations.permissions import Actor
from laurel.organizations.selectors import did_document
from laurel.organizations.services import approve_organization
from laurel.organizations.signing_keys import generate_signing_key, rotate_signing_key
from laurel.vc.keys import public_multikey
from laurel.vc.proof import verify_proof


def test_approving_an_organization_generates_its_signing_key(org_factory):
    pending = org_factory("Waiting College", approved=False)
    assert not SigningKey.objects.filter(organization=pending).exists()
    approve_organization(organization=pending)
    assert Organization.objects.get(pk=pending.pk).status == "approved"
    key = SigningKey.objects.get(organization=pending)
    assert key.status == "active"
    assert key.public_key_multibase.startswith("z6Mk")


def test_approving_twice_keeps_the_one_key(org_factory):
    organization = org_factory("Twice Approved")
    approve_organization(organization=organization)
    assert SigningKey.objects.filter(organization=organization).count() == 1


def test_the_private_key_is_stored_encrypted_and_opens_with_the_server_secret(owner):
    key = SigningKey.objects.get(organization=owner.organization, status="active")
    assert key.public_key_multibase not in key.private_key_encrypted
    assert settings.LAUREL_KEY_ENCRYPTION_KEY not in key.private_key_encrypted
    assert public_multikey(key.private_key().public_key()) == key.public_key_multibase


def test_rotation_retires_the_old_key_and_keeps_it_in_the_did_document(owner):
    old = SigningKey.objects.get(organization=owner.organization, status="active")
    new = rotate_signing_key(actor=owner)
    old.refresh_from_db()
    assert (old.status, new.status) == ("retired", "active")
    assert old.retired_at is not None
    methods = {m["id"] for m in did_document(owner.organization)["verificationMethod"]}
    assert methods == {old.verification_method, new.verification_method}


def test_credentials_signed_before_a_rotation_still_verify(owner, never_group, resolve_did):
    before = issue(
        actor=owner, group_key=never_group.key, recipient_name="A", recipient_email="a@example.org"
    )
    rotate_signing_key(actor=owner)
    after = issue(
        actor=owner, group_key=never_group.key, recipient_name="B", recipient_email="b@example.org"
    )
    resolve = resolve_did(owner.organization)
    for credential in (before, after):
        document = Credential.objects.get(pk=credential.pk).document
        assert verify_proof(document, resolve=resolve).ok
    assert before.document["proof"] != after.document["proof"]


def test_generating_a_second_active_key_is_a_conflict(owner):
    with pytest.raises(Conflict):
        generate_signing_key(actor=owner)
    assert SigningKey.objects.filter(organization=owner.organization, status="active").count() == 1


def test_a_keyless_organization_can_generate_one(org_factory):
    organization = org_factory("Keyless", approved=False)
    key = generate_signing_key(actor=Actor.system(organization))
    assert SigningKey.objects.get(organization=organization) == key


def test_the_did_is_a_did_web_under_the_base_url(owner):
    assert owner.organization.did.startswith("did:web:")
    assert owner.organization.did.endswith(f":issuers:{owner.organization.slug}")
    assert did_document(owner.organization)["id"] == owner.organization.did
