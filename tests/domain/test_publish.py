"""Publishing: a draft becomes a signed OB 3.0 credential that verifies without mocks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials.models import Credential, StatusList
from laurel.credentials.services import issue, publish
from laurel.mail.models import EmailDelivery
from laurel.organizations.errors import InvalidStatus
from laurel.organizations.selectors import did_document
from laurel.vc.proof import verify_proof
from laurel.vc.resolver import Resolver
from laurel.vc.status_list import scattered_index
from laurel.vc.verify import verify_credential


def draft_for(actor, group, email="ada@example.org", **extra):
    return issue(
        actor=actor,
        group_key=group.key,
        recipient_name="Ada Lovelace",
        recipient_email=email,
        draft=True,
        **extra,
    )


def offline_resolver(organization, status_list):
    return Resolver([did_document(organization), status_list.document], offline=True)


def test_a_published_credential_carries_a_proof_that_verifies(owner, yearly_group, resolve_did):
    credential = publish(actor=owner, credential_id=draft_for(owner, yearly_group).id)
    stored = Credential.objects.get(pk=credential.pk)
    check = verify_proof(stored.document, resolve=resolve_did(owner.organization))
    assert check.ok, check.reason
    assert check.verification_method.startswith(owner.organization.did + "#key-")


def test_the_signed_document_says_who_what_and_until_when(owner, yearly_group):
    credential = publish(
        actor=owner,
        credential_id=draft_for(owner, yearly_group, evidence_url="https://example.org/work").id,
    )
    stored = Credential.objects.get(pk=credential.pk)
    document = stored.document
    assert document["id"] == f"{stored.url}"
    assert document["issuer"]["id"] == owner.organization.did
    assert document["issuer"]["name"] == "Acme Academy"
    assert document["credentialSubject"]["achievement"]["name"] == "First Aid"
    assert "ada@example.org" not in str(document)  # the email is hashed, never bare
    assert stored.valid_until - stored.issued_on in (timedelta(days=365), timedelta(days=366))
    status = document["credentialStatus"]
    status = status[0] if isinstance(status, list) else status
    assert status["statusListCredential"] == stored.status_list.url
    assert status["statusListIndex"] == str(stored.status_list_index)


def test_the_whole_credential_verifies_offline_with_the_did_document_and_status_list(
    owner, never_group
):
    credential = publish(actor=owner, credential_id=draft_for(owner, never_group).id)
    stored = Credential.objects.get(pk=credential.pk)
    report = verify_credential(
        stored.document, resolver=offline_resolver(owner.organization, stored.status_list)
    )
    assert report.valid, report.to_text()


def test_publishing_sets_issued_on_to_now_and_the_policy_expiry(owner, yearly_group):
    draft = draft_for(owner, yearly_group)
    later = timezone.now() + timedelta(days=3)
    publish(actor=owner, credential_id=draft.id, now=later)
    stored = Credential.objects.get(pk=draft.pk)
    assert stored.issued_on == later
    assert stored.valid_until.date() == later.date().replace(year=later.year + 1)


def test_publishing_keeps_custom_dates(owner, yearly_group):
    start = timezone.now() - timedelta(days=10)
    draft = draft_for(owner, yearly_group, issued_on=start)
    publish(actor=owner, credential_id=draft.id)
    stored = Credential.objects.get(pk=draft.pk)
    assert stored.issued_on == start


def test_publishing_queues_the_issuance_email(owner, never_group):
    credential = publish(actor=owner, credential_id=draft_for(owner, never_group).id)
    deliveries = EmailDelivery.objects.filter(credential_id=credential.id)
    assert [(d.kind, d.to_email) for d in deliveries] == [("issuance", "ada@example.org")]


def test_no_email_is_queued_when_the_organization_switched_emails_off(org_factory, group_factory):
    from laurel.organizations.permissions import Actor

    quiet = org_factory("Quiet School", emails_enabled=False)
    group = group_factory(quiet)
    credential = issue(
        actor=Actor.system(quiet),
        group_key=group.key,
        recipient_name="A",
        recipient_email="a@example.org",
    )
    assert Credential.objects.get(pk=credential.pk).status == "published"
    assert not EmailDelivery.objects.filter(credential_id=credential.id).exists()


def test_each_published_credential_takes_its_own_slot_in_one_status_list(owner, never_group):
    for n in range(3):
        issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name="R",
            recipient_email=f"r{n}@example.org",
        )
    slots = list(
        Credential.objects.filter(group=never_group).values_list(
            "status_list_id", "status_list_index"
        )
    )
    assert len({list_id for list_id, _ in slots}) == 1
    status_list = StatusList.objects.get(organization=owner.organization)
    assert status_list.next_index == 3
    assert status_list.length >= 131072
    key = status_list.index_key.encode()
    assert len(key) == 32
    assert sorted(index for _, index in slots) == sorted(
        scattered_index(position, length=status_list.length, key=key) for position in range(3)
    )


def test_slots_are_scattered_over_the_list_not_handed_out_in_order(owner, never_group):
    for n in range(6):
        issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name="R",
            recipient_email=f"r{n}@example.org",
        )
    indexes = set(
        Credential.objects.filter(group=never_group).values_list("status_list_index", flat=True)
    )
    assert len(indexes) == 6
    assert indexes != set(range(6))  # what handing them out in order would give


def test_a_list_made_before_scattering_goes_on_taking_slots_in_order(owner, never_group):
    issue(
        actor=owner, group_key=never_group.key, recipient_name="R", recipient_email="r0@example.org"
    )
    old = StatusList.objects.get(organization=owner.organization)
    StatusList.objects.filter(pk=old.pk).update(index_key="")  # arranged: as migrated
    credential = issue(
        actor=owner, group_key=never_group.key, recipient_name="R", recipient_email="r1@example.org"
    )
    assert Credential.objects.get(pk=credential.pk).status_list_index == 1


def test_a_full_status_list_makes_way_for_a_new_one(owner, never_group):
    issue(
        actor=owner, group_key=never_group.key, recipient_name="R", recipient_email="r1@example.org"
    )
    first = StatusList.objects.get(organization=owner.organization)
    StatusList.objects.filter(pk=first.pk).update(next_index=first.length)  # arranged: full
    credential = issue(
        actor=owner, group_key=never_group.key, recipient_name="R", recipient_email="r2@example.org"
    )
    stored = Credential.objects.get(pk=credential.pk)
    assert stored.status_list_id != first.pk
    second = StatusList.objects.get(pk=stored.status_list_id)
    assert second.next_index == 1
    assert second.index_key != first.index_key
    assert stored.status_list_index == scattered_index(
        0, length=second.length, key=second.index_key.encode()
    )


@pytest.mark.parametrize("status", ["published", "revoked"])
def test_only_a_draft_can_be_published(owner, never_group, status):
    from laurel.credentials.services import revoke

    credential = issue(
        actor=owner, group_key=never_group.key, recipient_name="R", recipient_email="r@example.org"
    )
    if status == "revoked":
        revoke(actor=owner, credential_id=credential.id, reason="wrong person")
    document_before = Credential.objects.get(pk=credential.pk).document
    with pytest.raises(InvalidStatus) as caught:
        publish(actor=owner, credential_id=credential.id)
    assert caught.value.http_status == 400
    assert Credential.objects.get(pk=credential.pk).document == document_before


def test_publishing_a_renewal_draft_revokes_the_active_time_bound_one(owner, yearly_group):
    old = issue(
        actor=owner, group_key=yearly_group.key, recipient_name="R", recipient_email="r@example.org"
    )
    renewal = draft_for(owner, yearly_group, email="r@example.org")
    assert (
        Credential.objects.get(pk=old.pk).status == "published"
    )  # not yet: the draft may never go out
    publish(actor=owner, credential_id=renewal.id)
    old.refresh_from_db()
    assert (old.status, old.revocation_reason) == ("revoked", "superseded")
    assert Credential.objects.get(pk=renewal.pk).supersedes_id == old.id
