"""What may change in which status: one service (update_credential) decides, for every door."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials.models import Credential
from laurel.credentials.services import issue, revoke, update_credential
from laurel.organizations.errors import InvalidStatus, ValidationError

IN_A_YEAR = timezone.now() + timedelta(days=365)


@pytest.fixture
def credential_in(owner, never_group):
    """A credential of `never_group` in the status asked for ("draft", "published", "revoked")."""

    def make(status: str) -> Credential:
        credential = issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name="Ada",
            recipient_email=f"{status}@example.org",
            draft=status == "draft",
        )
        if status == "revoked":
            revoke(actor=owner, credential_id=credential.id, reason="issued in error")
        return credential

    return make


# status, changes → None (changed) or the start of InvalidStatus's message
RULES = [
    ("draft", {"recipient_name": "Ada King"}, None),
    ("draft", {"valid_until": IN_A_YEAR}, None),
    ("draft", {"privacy": "private", "valid_until": IN_A_YEAR}, None),
    ("published", {"valid_until": IN_A_YEAR}, None),
    ("published", {"valid_until": None}, None),
    ("published", {"recipient_name": "Ada King"}, "Only drafts can be edited"),
    ("published", {"valid_until": IN_A_YEAR, "privacy": "private"}, "Only drafts can be edited"),
    ("published", {}, "Only drafts can be edited"),
    ("revoked", {"valid_until": IN_A_YEAR}, "Only a published credential's expiry can change"),
    ("revoked", {"recipient_name": "Ada King"}, "Only drafts can be edited"),
]


@pytest.mark.parametrize("status, changes, refusal", RULES)
def test_what_may_change_depends_on_the_status(owner, credential_in, status, changes, refusal):
    credential = credential_in(status)
    before = Credential.objects.get(pk=credential.pk)
    if refusal is not None:
        with pytest.raises(InvalidStatus) as refused:
            update_credential(actor=owner, credential_id=credential.id, **changes)
        assert refused.value.message.startswith(refusal)
        after = Credential.objects.get(pk=credential.pk)
        assert (after.recipient_name, after.valid_until, after.document) == (
            before.recipient_name,
            before.valid_until,
            before.document,
        )
        return
    updated = update_credential(actor=owner, credential_id=credential.id, **changes)
    stored = Credential.objects.get(pk=credential.pk)
    assert stored.status == status
    for field, value in changes.items():
        assert getattr(stored, field) == value == getattr(updated, field)
    if status == "published":  # signed again, with the new expiry
        assert stored.document != before.document
        assert ("validUntil" in stored.document) == (changes["valid_until"] is not None)


def test_an_unknown_field_is_refused_whatever_the_status(owner, credential_in):
    for status in ("draft", "published"):
        credential = credential_in(status)
        with pytest.raises(ValidationError) as refused:
            update_credential(actor=owner, credential_id=credential.id, status="published")
        assert refused.value.field == "status"
