"""Correction requests: a recipient asks, the issuer re-issues (superseding) or declines."""

from __future__ import annotations

from datetime import date

import pytest

from laurel.credentials.models import Credential
from laurel.credentials.services import issue, revoke
from laurel.mail.models import EmailDelivery
from laurel.organizations.errors import Conflict, Forbidden, InvalidStatus, NotFound
from laurel.organizations.errors import ValidationError as DomainValidationError
from laurel.recipients.models import CorrectionRequest, ProfileListing
from laurel.recipients.services import (
    CORRECTION_REASON,
    decline_correction,
    request_correction,
    resolve_correction,
    set_listing,
)

pytestmark = pytest.mark.django_db


def correction_emails():
    return list(EmailDelivery.objects.filter(kind=EmailDelivery.Kind.CORRECTION))


def test_resolve_by_reissue_supersedes_a_non_expiring_credential(
    owner, never_group, issue_to, recipient
):
    old = issue_to(never_group, name="Ada Lovelcae")
    correction = request_correction(
        user=recipient, credential_id=old.pk, recipient_name="Ada Lovelace", message="Typo"
    )
    resolved = resolve_correction(
        actor=owner, correction_id=correction.pk, recipient_name="Ada Lovelace"
    )

    old.refresh_from_db()
    new = resolved.new_credential
    assert old.status == Credential.Status.REVOKED
    assert old.revocation_reason == CORRECTION_REASON
    assert new.supersedes_id == old.pk
    assert new.status == Credential.Status.PUBLISHED
    assert new.recipient_name == "Ada Lovelace"
    assert new.document["credentialSubject"]["name"] == "Ada Lovelace"
    assert new.issued_on == old.issued_on  # a name fix keeps the date it was earned
    assert resolved.status == CorrectionRequest.Status.RESOLVED
    [email] = correction_emails()
    assert email.to_email == "ada@example.org"
    assert email.credential_id == new.pk
    assert new.pk in email.body_text


def test_resolve_a_time_bound_credential_lets_issue_replace_it(
    owner, yearly_group, issue_to, recipient
):
    old = issue_to(yearly_group)
    correction = request_correction(
        user=recipient, credential_id=old.pk, issued_on=date(2026, 3, 14)
    )
    resolved = resolve_correction(
        actor=owner,
        correction_id=correction.pk,
        recipient_name=old.recipient_name,
        issued_on=date(2026, 3, 14),
    )
    old.refresh_from_db()
    new = resolved.new_credential
    assert old.status == Credential.Status.REVOKED
    assert old.revocation_reason == "superseded"  # the issue service's own renewal
    assert new.supersedes_id == old.pk
    assert new.issued_on.date() == date(2026, 3, 14)
    assert new.issued_on.time() == old.issued_on.time()
    assert new.valid_until.date() == date(2027, 3, 14)  # the group's policy, from the new date


def test_a_listed_credential_stays_listed_after_correction(owner, never_group, issue_to, recipient):
    old = issue_to(never_group)
    set_listing(user=recipient, credential_id=old.pk, visible=True)
    correction = request_correction(user=recipient, credential_id=old.pk, recipient_name="Ada L.")
    new = resolve_correction(
        actor=owner, correction_id=correction.pk, recipient_name="Ada L."
    ).new_credential
    assert ProfileListing.objects.get(user=recipient, credential=new).visible


def test_decline_emails_the_recipient_and_changes_nothing(owner, never_group, issue_to, recipient):
    old = issue_to(never_group)
    correction = request_correction(user=recipient, credential_id=old.pk, recipient_name="Ada X")
    declined = decline_correction(
        actor=owner, correction_id=correction.pk, message="The name matches your enrolment."
    )
    old.refresh_from_db()
    assert old.status == Credential.Status.PUBLISHED
    assert declined.status == CorrectionRequest.Status.DECLINED
    assert declined.resolved_by == owner.user
    [email] = correction_emails()
    assert email.to_email == "ada@example.org"
    assert "The name matches your enrolment." in email.body_text
    assert "declined" in email.body_text


def test_decline_needs_a_message(owner, never_group, issue_to, recipient):
    correction = request_correction(
        user=recipient, credential_id=issue_to(never_group).pk, recipient_name="Ada X"
    )
    with pytest.raises(DomainValidationError) as error:
        decline_correction(actor=owner, correction_id=correction.pk, message="  ")
    assert error.value.field == "message"


def test_an_answered_request_cannot_be_answered_again(owner, never_group, issue_to, recipient):
    correction = request_correction(
        user=recipient, credential_id=issue_to(never_group).pk, recipient_name="Ada X"
    )
    decline_correction(actor=owner, correction_id=correction.pk, message="No.")
    with pytest.raises(InvalidStatus):
        resolve_correction(actor=owner, correction_id=correction.pk, recipient_name="Ada X")


def test_a_failed_reissue_leaves_nothing_behind(owner, never_group, issue_to, recipient):
    old = issue_to(never_group)
    correction = request_correction(user=recipient, credential_id=old.pk, recipient_name="Ada X")
    with pytest.raises(DomainValidationError):  # the issue service refuses an empty name
        resolve_correction(actor=owner, correction_id=correction.pk, recipient_name="  ")
    old.refresh_from_db()
    correction.refresh_from_db()
    assert old.status == Credential.Status.PUBLISHED  # the revoke before it was undone
    assert correction.status == CorrectionRequest.Status.OPEN
    assert Credential.objects.count() == 1
    assert correction_emails() == []


def test_a_newer_credential_blocks_reissuing_the_old_one(
    owner, acme, group_factory, issue_to, recipient
):
    group = group_factory(acme, allow_duplicates=True)
    old = issue_to(group)
    correction = request_correction(user=recipient, credential_id=old.pk, recipient_name="Ada X")
    issue_to(group)  # a duplicate issued since
    with pytest.raises(Conflict):
        resolve_correction(actor=owner, correction_id=correction.pk, recipient_name="Ada X")
    old.refresh_from_db()
    assert old.status == Credential.Status.PUBLISHED


@pytest.mark.parametrize("role, allowed", [("owner", True), ("admin", True), ("issuer", False)])
def test_only_owners_and_admins_answer(actors, role, allowed, never_group, issue_to, recipient):
    correction = request_correction(
        user=recipient, credential_id=issue_to(never_group).pk, recipient_name="Ada X"
    )
    if allowed:
        decline_correction(actor=actors[role], correction_id=correction.pk, message="No.")
    else:
        with pytest.raises(Forbidden):
            decline_correction(actor=actors[role], correction_id=correction.pk, message="No.")
        with pytest.raises(Forbidden):
            resolve_correction(actor=actors[role], correction_id=correction.pk, recipient_name="X")


def test_an_issuer_of_another_organization_gets_not_found(
    outsider, never_group, issue_to, recipient
):
    correction = request_correction(
        user=recipient, credential_id=issue_to(never_group).pk, recipient_name="Ada X"
    )
    with pytest.raises(NotFound):
        resolve_correction(actor=outsider, correction_id=correction.pk, recipient_name="Ada X")
    with pytest.raises(NotFound):
        decline_correction(actor=outsider, correction_id=correction.pk, message="No.")


def test_a_recipient_cannot_ask_about_someone_elses_credential(never_group, issue_to, user_factory):
    credential = issue_to(never_group, email="grace@example.org")
    stranger = user_factory("mallory@example.org", password="x")
    with pytest.raises(NotFound):
        request_correction(user=stranger, credential_id=credential.pk, recipient_name="Mallory")
    assert not CorrectionRequest.objects.exists()


def test_an_unverified_address_does_not_make_a_credential_yours(
    never_group, issue_to, user_factory, add_email
):
    credential = issue_to(never_group, email="grace@example.org")
    user = user_factory("mallory@example.org", password="x")
    add_email(user, "grace@example.org", verified=False)
    with pytest.raises(NotFound):
        request_correction(user=user, credential_id=credential.pk, recipient_name="Grace")


def test_a_request_must_change_something(never_group, issue_to, recipient):
    credential = issue_to(never_group)
    with pytest.raises(DomainValidationError):
        request_correction(
            user=recipient, credential_id=credential.pk, recipient_name=credential.recipient_name
        )


def test_one_open_request_per_credential(never_group, issue_to, recipient):
    credential = issue_to(never_group)
    request_correction(user=recipient, credential_id=credential.pk, recipient_name="Ada X")
    with pytest.raises(Conflict):
        request_correction(user=recipient, credential_id=credential.pk, recipient_name="Ada Y")


def test_a_revoked_credential_cannot_be_corrected(owner, never_group, issue_to, recipient):
    credential = issue_to(never_group)
    revoke(actor=owner, credential_id=credential.pk, reason="Cheated")
    with pytest.raises(InvalidStatus):
        request_correction(user=recipient, credential_id=credential.pk, recipient_name="Ada X")


def test_no_email_when_the_organization_switched_emails_off(
    org_factory, group_factory, user_factory
):
    from laurel.organizations.permissions import Actor

    organization = org_factory(emails_enabled=False)
    group = group_factory(organization)
    actor = Actor.system(organization)
    credential = issue(
        actor=actor, group_key=group.key, recipient_name="Ada", recipient_email="ada@example.org"
    )
    user = user_factory("ada@example.org", password="x")
    correction = request_correction(user=user, credential_id=credential.pk, recipient_name="Ad")
    decline_correction(actor=actor, correction_id=correction.pk, message="No.")
    assert correction_emails() == []
