"""Issuing one credential: every recipient-check state × duplication × expiry policy,
then the prerequisites and the input checks, each with its own error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials.models import Credential
from laurel.credentials.rules import valid_until_for
from laurel.credentials.services import issue, revoke, update_credential
from laurel.organizations.errors import (
    CredentialExists,
    GroupNotFound,
    MissingRecipient,
    NoSigningKey,
    OrganizationNotApproved,
    QuotaExceeded,
    ValidationError,
)
from laurel.organizations.models import AuditEvent, Organization, SigningKey

EMAIL = "grace@example.org"
POLICIES = {
    "never": {"expiry_unit": "never"},
    "30 days": {"expiry_unit": "days", "expiry_amount": 30},
    "6 months": {"expiry_unit": "months", "expiry_amount": 6},
    "1 year": {"expiry_unit": "years", "expiry_amount": 1},
}


def give(owner, group, **extra):
    return issue(
        actor=owner,
        group_key=group.key,
        recipient_name="Grace Hopper",
        recipient_email=EMAIL,
        **extra,
    )


def arrange(state: str, owner, group) -> Credential | None:
    """Leave (group, EMAIL) in `state`; return the credential that made it so."""
    now = timezone.now()
    if state == "new":
        return None
    if state == "expired":
        return give(
            owner, group, issued_on=now - timedelta(days=400), valid_until=now - timedelta(days=35)
        )
    if state == "active_time_bound":
        return give(
            owner, group, issued_on=now - timedelta(days=1), valid_until=now + timedelta(days=9)
        )
    if state == "active_non_expiring":
        credential = give(owner, group)
        return update_credential(actor=owner, credential_id=credential.id, valid_until=None)
    if state == "revoked":
        credential = give(owner, group)
        return revoke(actor=owner, credential_id=credential.id, reason="issued in error")
    if state == "draft_pending":
        return give(owner, group, draft=True)
    raise AssertionError(state)


# state, duplicates allowed → ("blocked" | "issue" | "supersede" | "replace")
OUTCOMES = {
    ("new", False): "issue",
    ("new", True): "issue",
    ("expired", False): "supersede",
    ("expired", True): "supersede",
    ("active_time_bound", False): "replace",
    ("active_time_bound", True): "replace",
    ("active_non_expiring", False): "blocked",
    ("active_non_expiring", True): "issue",
    ("revoked", False): "supersede",
    ("revoked", True): "supersede",
    ("draft_pending", False): "blocked",
    ("draft_pending", True): "issue",
}


@pytest.mark.parametrize("policy", list(POLICIES))
@pytest.mark.parametrize("state, duplicates", list(OUTCOMES))
def test_issuing_follows_the_recipient_check(owner, group_factory, state, duplicates, policy):
    group = group_factory(owner.organization, allow_duplicates=duplicates, **POLICIES[policy])
    before = arrange(state, owner, group)
    expected = OUTCOMES[(state, duplicates)]

    if expected == "blocked":
        with pytest.raises(CredentialExists) as caught:
            give(owner, group)
        assert caught.value.details["state"] == state
        assert caught.value.http_status == 409
        assert Credential.objects.filter(group=group).count() == 1
        return

    credential = give(owner, group)
    stored = Credential.objects.get(pk=credential.pk)
    assert stored.status == Credential.Status.PUBLISHED
    assert len(stored.id) == 32
    assert stored.supersedes_id == (before.id if expected in ("supersede", "replace") else None)
    assert stored.valid_until == valid_until_for(
        unit=group.expiry_unit, amount=group.expiry_amount, issued_on=stored.issued_on
    )
    if before is not None:
        before.refresh_from_db()
        if expected == "replace":
            assert before.status == Credential.Status.REVOKED
            assert before.revocation_reason == "superseded"
        elif state == "revoked":
            assert before.revocation_reason == "issued in error"
        else:
            assert before.status == {"draft_pending": "draft"}.get(state, "published")
    assert Credential.objects.filter(group=group, status="published").count() == (
        2
        if (state, expected) in {("active_non_expiring", "issue"), ("expired", "supersede")}
        else 1
    )


def test_the_email_matches_whatever_its_case_and_spaces(owner, never_group):
    give(owner, never_group)
    with pytest.raises(CredentialExists):
        issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name="Grace",
            recipient_email="  GRACE@Example.ORG ",
        )


def test_a_draft_keeps_its_place_and_publishes_later_with_the_policy_dates(owner, yearly_group):
    draft = give(owner, yearly_group, draft=True)
    stored = Credential.objects.get(pk=draft.pk)
    assert stored.status == Credential.Status.DRAFT
    assert stored.document is None
    assert stored.status_list_id is None


def test_custom_dates_override_the_policy(owner, yearly_group):
    start = timezone.now() - timedelta(days=3)
    end = start + timedelta(days=10)
    credential = give(owner, yearly_group, issued_on=start, valid_until=end)
    stored = Credential.objects.get(pk=credential.pk)
    assert (stored.issued_on, stored.valid_until, stored.custom_dates) == (start, end, True)
    assert stored.document["validUntil"].startswith(end.strftime("%Y-%m-%dT%H:%M:%S"))


def test_privacy_defaults_to_the_groups_and_can_be_chosen(owner, group_factory):
    group = group_factory(owner.organization, default_privacy="private")
    defaulted = issue(
        actor=owner, group_key=group.key, recipient_name="A", recipient_email="a@example.org"
    )
    chosen = issue(
        actor=owner,
        group_key=group.key,
        recipient_name="B",
        recipient_email="b@example.org",
        privacy="public",
    )
    assert Credential.objects.get(pk=defaulted.pk).privacy == "private"
    assert Credential.objects.get(pk=chosen.pk).privacy == "public"


def test_custom_attributes_of_the_group_are_kept_and_signed(owner, custom_group):
    credential = issue(
        actor=owner,
        group_key=custom_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
        custom_attributes={"custom_grade": "A+", "custom_hours": 40},
    )
    stored = Credential.objects.get(pk=credential.pk)
    assert stored.custom_attributes == {"custom_grade": "A+", "custom_hours": "40"}
    assert "A+" in str(stored.document)


def test_an_unknown_custom_attribute_is_refused_by_name(owner, custom_group):
    with pytest.raises(ValidationError) as caught:
        issue(
            actor=owner,
            group_key=custom_group.key,
            recipient_name="Ada",
            recipient_email="ada@example.org",
            custom_attributes={"custom_grade": "A", "custom_colour": "blue"},
        )
    assert "custom_colour" in caught.value.message
    assert caught.value.field == "custom_attributes.custom_colour"
    assert not Credential.objects.filter(group=custom_group).exists()


BAD_INPUT = [
    (
        {"recipient_name": "", "recipient_email": "a@example.org"},
        MissingRecipient,
        "missing_recipient",
    ),
    ({"recipient_name": "Ada", "recipient_email": "  "}, MissingRecipient, "missing_recipient"),
    ({"recipient_name": None, "recipient_email": None}, MissingRecipient, "missing_recipient"),
    ({"recipient_email": "not-an-email"}, ValidationError, "validation_error"),
    ({"evidence_url": "javascript:alert(1)"}, ValidationError, "validation_error"),
    ({"privacy": "secret"}, ValidationError, "validation_error"),
    ({"valid_until": "2030-01-01"}, ValidationError, "validation_error"),
]


@pytest.mark.parametrize("override, error, code", BAD_INPUT)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_stored(
    owner, never_group, override, error, code
):
    values = {"recipient_name": "Ada", "recipient_email": "ada@example.org", **override}
    with pytest.raises(error) as caught:
        issue(actor=owner, group_key=never_group.key, **values)
    assert caught.value.code == code
    assert caught.value.http_status == 400
    assert "\n" not in caught.value.message
    assert not Credential.objects.filter(group=never_group).exists()


def test_valid_until_before_issued_on_is_refused(owner, never_group):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        give(owner, never_group, issued_on=now, valid_until=now - timedelta(days=1))
    assert caught.value.field == "valid_until"


def test_an_unknown_group_is_group_not_found(owner):
    with pytest.raises(GroupNotFound) as caught:
        issue(
            actor=owner,
            group_key="nosuchgroup1",
            recipient_name="A",
            recipient_email="a@example.org",
        )
    assert (caught.value.code, caught.value.http_status, caught.value.message) == (
        "group_not_found",
        404,
        "Group Not Found",
    )


# --- prerequisites, in order -------------------------------------------------------------


def test_a_pending_organization_cannot_issue(org_factory, group_factory):
    from laurel.organizations.permissions import Actor

    pending = org_factory("Pending College", approved=False)
    group = group_factory(pending)
    with pytest.raises(OrganizationNotApproved) as caught:
        issue(
            actor=Actor.system(pending),
            group_key=group.key,
            recipient_name="A",
            recipient_email="a@example.org",
        )
    assert caught.value.http_status == 403
    assert "approved" in caught.value.message


def test_a_suspended_organization_cannot_issue(owner, never_group):
    from laurel.organizations.services import suspend_organization

    suspend_organization(organization=owner.organization)
    with pytest.raises(OrganizationNotApproved):
        give(owner, never_group)


def test_an_organization_without_an_active_key_cannot_issue(owner, never_group):
    # Arranged directly: no service leaves an approved organization keyless.
    SigningKey.objects.filter(organization=owner.organization).update(
        status="retired", retired_at=timezone.now()
    )
    with pytest.raises(NoSigningKey) as caught:
        give(owner, never_group)
    assert caught.value.code == "no_signing_key"
    assert not Credential.objects.filter(group=never_group).exists()


def test_approval_is_checked_before_the_signing_key(org_factory, group_factory):
    from laurel.organizations.permissions import Actor

    pending = org_factory("Keyless Pending", approved=False)
    group = group_factory(pending)
    assert not SigningKey.objects.filter(organization=pending).exists()
    with pytest.raises(OrganizationNotApproved):
        issue(
            actor=Actor.system(pending),
            group_key=group.key,
            recipient_name="A",
            recipient_email="a@example.org",
        )


def test_a_full_quota_refuses_a_new_recipient_with_quota_exceeded(org_factory, group_factory):
    from laurel.organizations.permissions import Actor

    organization = org_factory("One Seat", monthly_quota=1)
    group = group_factory(organization)
    actor = Actor.system(organization)
    issue(actor=actor, group_key=group.key, recipient_name="A", recipient_email="a@example.org")
    with pytest.raises(QuotaExceeded) as caught:
        issue(actor=actor, group_key=group.key, recipient_name="B", recipient_email="b@example.org")
    assert (caught.value.code, caught.value.http_status) == ("quota_exceeded", 402)
    assert Credential.objects.filter(organization=organization).count() == 1


def test_issuing_records_who_did_it_and_by_which_door(issuer, never_group):
    from dataclasses import replace

    credential = give(replace(issuer, door="api"), never_group)
    events = AuditEvent.objects.filter(object_id=credential.id).order_by("id")
    assert [e.action for e in events] == ["credential.issued", "credential.published"]
    assert {e.door for e in events} == {"api"}
    assert events[0].actor_user == issuer.user
    assert events[0].organization == issuer.organization
    assert Organization.objects.get(pk=issuer.organization.pk).status == "approved"
