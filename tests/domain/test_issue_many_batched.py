"""issue_many as a batch: what sequential issues would do (an email twice in one batch,
the quota's last places, renewals that revoke), in a handful of statements, in reserved
status-list slots, with the webhooks and emails of every credential."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laurel.credentials.batch import IssueRow, issue_many
from laurel.credentials.models import Credential, StatusList
from laurel.credentials.services import issue
from laurel.credentials.status_lists import reserve_slots, reserved_slots
from laurel.mail.delivery import deliver
from laurel.mail.models import EmailDelivery
from laurel.mail.rendering import email_contents, render_issuance_email
from laurel.organizations.errors import CredentialExists, DomainError, QuotaExceeded
from laurel.organizations.models import Organization, QuotaUsage
from laurel.vc.proof import verify_proof
from laurel.vc.status_list import Bitstring
from laurel.webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


def rows(count, prefix="r"):
    return [IssueRow(f"Person {n}", f"{prefix}{n}@example.org") for n in range(count)]


def test_an_email_twice_in_one_batch_is_decided_as_two_issues_in_a_row(
    owner, never_group, yearly_group
):
    twice = [IssueRow("A", "same@example.org"), IssueRow("A again", " SAME@example.org ")]
    first, second = issue_many(actor=owner, group_key=never_group.key, rows=twice)
    assert isinstance(first, Credential)
    assert isinstance(second, CredentialExists) and second.details["state"] == "active_non_expiring"

    first, second = issue_many(actor=owner, group_key=yearly_group.key, rows=twice)
    assert isinstance(first, Credential) and isinstance(second, Credential)
    assert second.supersedes_id == first.id
    assert Credential.objects.get(pk=first.pk).status == "revoked"
    assert Credential.objects.get(pk=first.pk).revocation_reason == "superseded"


def test_the_quota_counts_the_batch_in_order_and_already_counted_recipients_are_free(
    owner, never_group, yearly_group, acme
):
    issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="K",
        recipient_email="r3@example.org",
    )
    Organization.objects.filter(pk=acme.pk).update(monthly_quota_override=3)
    owner.organization.refresh_from_db()
    outcomes = issue_many(actor=owner, group_key=never_group.key, rows=rows(5))
    kinds = [type(outcome) for outcome in outcomes]
    # r3 was counted this month already: free; r0 and r1 take the two places left
    assert kinds == [Credential, Credential, QuotaExceeded, Credential, QuotaExceeded]
    assert QuotaUsage.objects.filter(organization=acme).count() == 3


def test_renewals_revoke_what_they_replace_and_each_list_is_signed_once(
    owner, yearly_group, resolve_did
):
    old = [
        issue(
            actor=owner,
            group_key=yearly_group.key,
            recipient_name="Old",
            recipient_email=f"r{n}@example.org",
        )
        for n in range(3)
    ]
    expired = issue(
        actor=owner,
        group_key=yearly_group.key,
        recipient_name="Expired",
        recipient_email="r3@example.org",
        issued_on=timezone.now() - timedelta(days=400),
        valid_until=timezone.now() - timedelta(days=35),
    )
    with CaptureQueriesContext(connection) as captured:
        outcomes = issue_many(actor=owner, group_key=yearly_group.key, rows=rows(4))
    assert [outcome.supersedes_id for outcome in outcomes] == [*(c.id for c in old), expired.id]
    status_list = StatusList.objects.get(organization=owner.organization)
    bits = Bitstring.decode(status_list.encoded_list)
    for credential in old:
        credential.refresh_from_db()
        assert credential.status == "revoked" and bits.get(credential.status_list_index)
    expired.refresh_from_db()
    assert expired.status == "published" and not bits.get(expired.status_list_index)
    for outcome in outcomes:
        assert not bits.get(outcome.status_list_index)
    assert verify_proof(status_list.document, resolve=resolve_did(owner.organization)).ok
    signed_lists = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    signed_lists = [sql for sql in signed_lists if '"document"' in sql and "statuslist" in sql]
    assert len(signed_lists) == 1  # three revocations, one list signed once


def test_a_batch_costs_a_handful_of_statements_whatever_its_size(owner, never_group):
    issue_many(actor=owner, group_key=never_group.key, rows=rows(1, "warm"))  # makes the list
    with CaptureQueriesContext(connection) as few:
        issue_many(actor=owner, group_key=never_group.key, rows=rows(2, "a"))
    with CaptureQueriesContext(connection) as many:
        issue_many(actor=owner, group_key=never_group.key, rows=rows(200, "b"))
    assert len(many.captured_queries) == len(few.captured_queries) <= 16


def test_reserved_slots_are_used_in_order_and_the_credentials_verify(
    owner, never_group, resolve_did
):
    organization = owner.organization
    ranges = reserve_slots(organization, 5)
    slots = reserved_slots(organization, ranges, skip=1, take=3)
    outcomes = issue_many(actor=owner, group_key=never_group.key, rows=rows(3), slots=slots)
    assert [(o.status_list_id, o.status_list_index) for o in outcomes] == [
        (status_list.pk, index) for status_list, index in slots
    ]
    for outcome in outcomes:
        stored = Credential.objects.get(pk=outcome.pk)
        assert stored.status == "published"
        assert verify_proof(stored.document, resolve=resolve_did(organization)).ok
        entry = stored.document["credentialStatus"]
        assert entry["statusListIndex"] == str(stored.status_list_index)
    # The slots were taken once, at reserve_slots: issuing took none of its own.
    assert StatusList.objects.get(organization=organization).next_index == 5
    assert reserved_slots(organization, ranges, skip=3, take=3) is None


def test_with_reserved_slots_the_outcomes_are_those_without(owner, never_group, yearly_group):
    issue(
        actor=owner, group_key=never_group.key, recipient_name="K", recipient_email="r1@example.org"
    )
    batch = [*rows(3), IssueRow("", "nameless@example.org"), IssueRow("B", "not-an-email")]
    slots = reserved_slots(
        owner.organization, reserve_slots(owner.organization, len(batch)), skip=0, take=len(batch)
    )
    outcomes = issue_many(actor=owner, group_key=never_group.key, rows=batch, slots=slots)
    codes = [o.code if isinstance(o, DomainError) else "issued" for o in outcomes]
    assert codes == [
        "issued",
        "credential_exists",
        "issued",
        "missing_recipient",
        "validation_error",
    ]


def test_every_credential_of_a_batch_is_emailed_and_announced(owner, never_group, acme):
    WebhookSubscription.objects.create(
        organization=acme,
        url="https://hooks.example.org/laurel",
        events=["credential.issued", "credential.published"],
        secret="s" * 32,
    )
    names = ['<script>alert("x")</script>', "Zoë & Ünal", "Ada"]
    batch = [IssueRow(name, f"r{n}@example.org") for n, name in enumerate(names)]
    before = DBTaskResult.objects.count()
    outcomes = issue_many(actor=owner, group_key=never_group.key, rows=batch)
    deliveries = WebhookDelivery.objects.filter(organization=acme)
    assert sorted(deliveries.values_list("event", flat=True)) == sorted(
        ["credential.issued", "credential.published"] * 3
    )
    assert {d.credential_id for d in deliveries} == {o.pk for o in outcomes}
    emails = sent_emails()
    for outcome in outcomes:
        email = emails[outcome.pk]
        # rendered when sent, exactly as the one-by-one path renders when queued
        assert (email.subject, email.body_text, email.body_html) == render_issuance_email(
            credential=Credential.objects.select_related("group", "organization").get(pk=outcome.pk)
        )
    assert "&lt;script&gt;" in emails[outcomes[0].pk].body_html
    # a task for each email and each webhook delivery
    assert DBTaskResult.objects.count() - before == 3 + 6
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert {"laurel.mail.tasks.send_email", "laurel.webhooks.tasks.deliver_webhook"} <= paths


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_batch_emails_in_the_organizations_language_from_one_rendering(
    owner, never_group, acme, language
):
    acme.email_language = language
    acme.save(update_fields=["email_language"])
    outcomes = issue_many(actor=owner, group_key=never_group.key, rows=rows(3))
    credentials = list(
        Credential.objects.select_related("group", "organization").filter(
            pk__in=[o.pk for o in outcomes]
        )
    )
    queued = {e.credential_id: e for e in EmailDelivery.objects.filter(kind="issuance")}
    emails = sent_emails()
    for credential in credentials:
        subject, text, html = render_issuance_email(credential=credential)
        # the subject, rendered once for the batch, is each one's in that language
        assert queued[credential.pk].subject == subject
        email = emails[credential.pk]
        assert (email.subject, email.body_text, email.body_html) == (subject, text, html)
    assert f'lang="{language}"' in emails[credentials[0].pk].body_html


def test_a_batchs_emails_are_queued_without_bodies_and_hold_them_once_sent(owner, never_group):
    outcomes = issue_many(actor=owner, group_key=never_group.key, rows=rows(2))
    queued = list(EmailDelivery.objects.filter(kind="issuance"))
    assert {(e.status, e.body_text, e.body_html) for e in queued} == {("queued", "", "")}
    # the outbox shows one not sent yet as it would be sent now
    credential = Credential.objects.select_related("group", "organization").get(pk=outcomes[0].pk)
    first = next(e for e in queued if e.credential_id == outcomes[0].pk)
    assert email_contents(first) == render_issuance_email(credential=credential)
    assert EmailDelivery.objects.get(pk=first.pk).body_text == ""  # shown, not stored
    emails = sent_emails()
    assert {e.status for e in emails.values()} == {"sent"}
    assert all("Person" in e.body_text and "<html" in e.body_html for e in emails.values())


def sent_emails() -> dict:
    """Every queued issuance email sent (to the outbox), by credential id."""
    with override_settings(LAUREL_EMAIL_OUTBOX=True):
        for delivery_id in EmailDelivery.objects.filter(status="queued").values_list(
            "id", flat=True
        ):
            assert deliver(delivery_id=delivery_id).outcome == "outbox"
    return {e.credential_id: e for e in EmailDelivery.objects.filter(kind="issuance")}
