"""A bulk job from file to credentials, run by the real task worker."""

from __future__ import annotations

import pytest
from django.core import mail  # noqa: F401

from laurel.bulk import services
from laurel.bulk.models import BulkChunk, BulkJob, BulkRow
from laurel.credentials.models import Credential
from laurel.mail.models import EmailDelivery
from laurel.organizations.errors import InvalidStatus, PlanRequired
from tests.bulk.jobs import recipient_csv, submitted_job
from tests.helpers.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db(transaction=True)

BAD_ROWS = "Nobody,\n,nameless@example.org\nBroken,not-an-email\n"


def test_a_job_issues_every_valid_row_once_and_reports_the_others(owner, never_group):
    data = recipient_csv(40, extra=BAD_ROWS)
    job = services.validate(actor=owner, group_key=never_group.key, upload=data, filename="p.csv")
    assert job.status == BulkJob.Status.VALIDATED
    assert job.summary["valid"] == 40 and job.summary["invalid"] == 3
    assert not Credential.objects.exists()
    job = services.submit(actor=owner, job_id=job.pk)
    assert job.status == BulkJob.Status.PENDING and job.total == 43 and job.skipped == 3
    run_pending_tasks()
    job.refresh_from_db()
    assert job.status == BulkJob.Status.COMPLETED
    assert (job.succeeded, job.failed, job.skipped) == (40, 0, 3)
    assert Credential.objects.filter(group=never_group, status="published").count() == 40
    issued = BulkRow.objects.filter(job=job, outcome="issued")
    assert issued.filter(credential__isnull=False).count() == 40
    assert set(BulkChunk.objects.filter(job=job).values_list("status", flat=True)) == {"done"}
    # the recipients' emails, and one to the submitter
    kinds = list(EmailDelivery.objects.values_list("kind", flat=True))
    assert kinds.count("issuance") == 40 and kinds.count("bulk_job") == 1


def test_submitting_twice_does_nothing_the_second_time(owner, never_group):
    job = submitted_job(owner, never_group, recipient_csv(3))
    with pytest.raises(InvalidStatus):
        services.submit(actor=owner, job_id=job.pk)


def test_a_free_plan_validates_but_cannot_submit(org_factory, group_factory):
    from laurel.organizations.models import Membership
    from laurel.organizations.permissions import Actor

    free = org_factory("Free School", plan="free")
    group = group_factory(free)
    owner = Actor(
        organization=free, role="owner", user=Membership.objects.get(organization=free).user
    )
    job = services.validate(
        actor=owner, group_key=group.key, upload=recipient_csv(3), filename="a.csv"
    )
    assert job.summary["valid"] == 3
    with pytest.raises(PlanRequired):
        services.submit(actor=owner, job_id=job.pk)


def test_renewals_and_skips_follow_the_recipient_check(owner, never_group, yearly_group):
    from laurel.credentials.services import issue

    issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ann",
        recipient_email="ann@example.org",
    )
    data = b"name,email\nAnn,ANN@example.org\nBob,bob@example.org\n"
    job = submitted_job(owner, never_group, data)
    run_pending_tasks()
    rows = {row.email: row for row in BulkRow.objects.filter(job=job)}
    assert rows["ANN@example.org"].state == "active_non_expiring"
    assert rows["ANN@example.org"].outcome == "skipped"
    assert rows["bob@example.org"].outcome == "issued"


def test_cancel_stops_the_job_and_retry_reruns_only_the_failed_rows(owner, never_group, acme):
    job = submitted_job(owner, never_group, recipient_csv(5))
    services.cancel(actor=owner, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == BulkJob.Status.CANCELLED
    assert not Credential.objects.exists()
    assert BulkRow.objects.filter(job=job, outcome="cancelled").count() == 5


def test_rows_that_fail_at_issue_are_reported_and_retried(owner, never_group, acme):
    from laurel.organizations.models import Organization

    job = submitted_job(owner, never_group, recipient_csv(4))
    Organization.objects.filter(pk=acme.pk).update(monthly_quota_override=2)
    run_pending_tasks()
    job.refresh_from_db()
    assert (job.status, job.succeeded, job.failed) == ("completed", 2, 2)
    failed = BulkRow.objects.filter(job=job, outcome="failed")
    assert {row.error_code for row in failed} == {"quota_exceeded"}
    Organization.objects.filter(pk=acme.pk).update(monthly_quota_override=10)
    retry = services.retry_failed(actor=owner, job_id=job.pk)
    run_pending_tasks()
    retry.refresh_from_db()
    assert (retry.status, retry.succeeded, retry.total) == ("completed", 2, 2)
    assert sorted(retry.rows.values_list("row_number", flat=True)) == sorted(
        failed.values_list("row_number", flat=True)
    )
    assert Credential.objects.count() == 4


def test_validate_and_submit_in_one_call_leaves_the_rows_two_calls_leave(owner, never_group):
    def outcome(job):
        rows = BulkRow.objects.filter(job=job).order_by("row_number")
        return (
            (job.status, job.total, job.skipped),
            list(rows.values_list("row_number", "state", "issuable", "outcome")),
        )

    data = recipient_csv(6, extra=BAD_ROWS)
    two = services.validate(actor=owner, group_key=never_group.key, upload=data, filename="a.csv")
    two = services.submit(actor=owner, job_id=two.pk)
    data = recipient_csv(6, extra=BAD_ROWS)
    one = services.validate_and_submit(
        actor=owner, group_key=never_group.key, upload=data, filename="b.csv"
    )
    assert outcome(one) == outcome(two)
    assert {row[3] for row in outcome(one)[1]} == {"pending", "skipped"}
