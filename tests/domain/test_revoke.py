"""Revoking: the status bit flips at once and the signed status list says so."""

from __future__ import annotations

import pytest

from laurel.credentials.models import Credential, StatusList
from laurel.credentials.services import issue, revoke
from laurel.organizations.errors import InvalidStatus
from laurel.organizations.selectors import did_document
from laurel.vc.proof import verify_proof
from laurel.vc.resolver import Resolver
from laurel.vc.status_list import Bitstring
from laurel.vc.verify import verify_credential


@pytest.fixture
def published(owner, never_group):
    return issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
    )


def test_revoking_records_the_reason_and_the_time(owner, published):
    revoke(actor=owner, credential_id=published.id, reason="Awarded in error")
    stored = Credential.objects.get(pk=published.pk)
    assert stored.status == "revoked"
    assert stored.revocation_reason == "Awarded in error"
    assert stored.revoked_at is not None


def test_revoking_sets_the_credentials_bit_and_no_other(owner, never_group, published):
    neighbour = issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Bo",
        recipient_email="bo@example.org",
    )
    revoke(actor=owner, credential_id=published.id, reason="r")
    status_list = StatusList.objects.get(organization=owner.organization)
    bits = Bitstring.decode(status_list.encoded_list)
    assert bits.get(Credential.objects.get(pk=published.pk).status_list_index) is True
    assert bits.get(Credential.objects.get(pk=neighbour.pk).status_list_index) is False


def test_the_status_list_is_signed_again_and_verifies(owner, published, resolve_did):
    revoke(actor=owner, credential_id=published.id, reason="r")
    status_list = StatusList.objects.get(organization=owner.organization)
    check = verify_proof(status_list.document, resolve=resolve_did(owner.organization))
    assert check.ok, check.reason
    assert status_list.document["credentialSubject"]["encodedList"] == status_list.encoded_list


def test_a_verifier_sees_the_revocation(owner, published):
    before = Credential.objects.get(pk=published.pk)
    resolver = lambda: Resolver(  # noqa: E731
        [
            did_document(owner.organization),
            StatusList.objects.get(pk=before.status_list_id).document,
        ],
        offline=True,
    )
    assert verify_credential(before.document, resolver=resolver()).valid
    revoke(actor=owner, credential_id=published.id, reason="r")
    report = verify_credential(before.document, resolver=resolver())
    assert not report.valid
    assert any(
        check.outcome == "failed" and "revoked" in check.reason.lower() for check in report.checks
    )


def test_a_draft_cannot_be_revoked(owner, never_group):
    draft = issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="A",
        recipient_email="a@example.org",
        draft=True,
    )
    with pytest.raises(InvalidStatus):
        revoke(actor=owner, credential_id=draft.id, reason="r")
    assert Credential.objects.get(pk=draft.pk).status == "draft"


def test_a_credential_cannot_be_revoked_twice(owner, published):
    revoke(actor=owner, credential_id=published.id, reason="first")
    with pytest.raises(InvalidStatus):
        revoke(actor=owner, credential_id=published.id, reason="second")
    assert Credential.objects.get(pk=published.pk).revocation_reason == "first"


def test_a_revoked_recipient_can_be_issued_again_as_a_renewal(owner, never_group, published):
    revoke(actor=owner, credential_id=published.id, reason="r")
    again = issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
    )
    assert Credential.objects.get(pk=again.pk).supersedes_id == published.id
