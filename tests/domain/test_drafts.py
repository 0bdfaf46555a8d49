"""Editing and deleting drafts before they are published."""

from __future__ import annotations

import pytest

from laurel.credentials.models import Credential
from laurel.credentials.services import delete_draft, issue, update_credential
from laurel.organizations.errors import CredentialExists, InvalidStatus, ValidationError
from laurel.organizations.models import QuotaUsage


@pytest.fixture
def draft(owner, custom_group):
    return issue(
        actor=owner,
        group_key=custom_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
        draft=True,
    )


def test_a_draft_can_be_edited(owner, draft):
    update_credential(
        actor=owner,
        credential_id=draft.id,
        recipient_name="Ada King",
        evidence_url="https://example.org/thesis",
        custom_attributes={"custom_grade": "B"},
        privacy="private",
    )
    stored = Credential.objects.get(pk=draft.pk)
    assert (
        stored.recipient_name,
        stored.evidence_url,
        stored.custom_attributes,
        stored.privacy,
    ) == (
        "Ada King",
        "https://example.org/thesis",
        {"custom_grade": "B"},
        "private",
    )


def test_a_new_email_is_checked_and_counted(owner, custom_group, draft):
    issue(
        actor=owner,
        group_key=custom_group.key,
        recipient_name="Bo",
        recipient_email="bo@example.org",
    )
    with pytest.raises(CredentialExists):
        update_credential(actor=owner, credential_id=draft.id, recipient_email="BO@example.org")
    update_credential(actor=owner, credential_id=draft.id, recipient_email="cy@example.org")
    stored = Credential.objects.get(pk=draft.pk)
    assert stored.recipient_email_normalized == "cy@example.org"
    assert QuotaUsage.objects.filter(email_normalized="cy@example.org").exists()


def test_an_unknown_field_or_attribute_is_refused(owner, draft):
    with pytest.raises(ValidationError):
        update_credential(actor=owner, credential_id=draft.id, status="published")
    with pytest.raises(ValidationError) as caught:
        update_credential(
            actor=owner, credential_id=draft.id, custom_attributes={"custom_nope": "x"}
        )
    assert "custom_nope" in caught.value.message
    assert Credential.objects.get(pk=draft.pk).status == "draft"


def test_a_published_credential_is_no_draft(owner, never_group):
    published = issue(
        actor=owner, group_key=never_group.key, recipient_name="A", recipient_email="a@example.org"
    )
    with pytest.raises(InvalidStatus):
        update_credential(actor=owner, credential_id=published.id, recipient_name="B")
    with pytest.raises(InvalidStatus):
        delete_draft(actor=owner, credential_id=published.id)
    assert Credential.objects.get(pk=published.pk).recipient_name == "A"


def test_deleting_a_draft_frees_the_recipient_check(owner, custom_group, draft):
    delete_draft(actor=owner, credential_id=draft.id)
    assert not Credential.objects.filter(pk=draft.pk).exists()
    again = issue(
        actor=owner,
        group_key=custom_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
    )
    assert Credential.objects.get(pk=again.pk).status == "published"
