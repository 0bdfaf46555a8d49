"""Bulk jobs: the rows of one recipient file, validated, then issued in chunks by workers.

See README.md ("Plan: how a bulk job runs"). The exactly-once guarantee lives in the
database: a row's credential is a unique link, and a batch commits its credentials, the
rows' outcomes and the chunk's progress in one transaction guarded by the chunk's claim.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from laurel.credentials.models import Credential, CredentialGroup, Privacy
from laurel.organizations.models import ApiKey, Organization
from laurel.organizations.tenancy import TenantManager


def new_job_id() -> str:
    return "job_" + secrets.token_urlsafe(12)


class BulkJob(models.Model):
    class Status(models.TextChoices):
        VALIDATED = "validated", "Validated"
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    id = models.CharField(primary_key=True, max_length=24, default=new_job_id, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="bulk_jobs"
    )
    group = models.ForeignKey(CredentialGroup, on_delete=models.PROTECT, related_name="bulk_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL)
    door = models.CharField(max_length=16, default="web")
    file_name = models.CharField(max_length=255, blank=True, default="")
    # Options of the whole batch.
    draft = models.BooleanField(default=False)
    issued_on = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    privacy = models.CharField(max_length=8, choices=Privacy.choices, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VALIDATED)
    # Validation figures (what the review screen shows).
    summary = models.JSONField(default=dict, blank=True)
    # Run figures.
    total = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True, default="")
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)  # the submitter saw it done

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="bulkjob_org_time")]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @property
    def done(self) -> int:
        return self.succeeded + self.failed + self.skipped

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))

    @property
    def running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.PROCESSING)


class BulkRow(models.Model):
    class Outcome(models.TextChoices):
        NONE = "", "Not submitted"
        PENDING = "pending", "Pending"
        ISSUED = "issued", "Issued"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"
        CANCELLED = "cancelled", "Cancelled"

    # Leads bulkrow_job_row_unique.
    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="rows", db_index=False)
    row_number = models.PositiveIntegerField()
    name = models.CharField(max_length=1000, blank=True, default="")
    email = models.CharField(max_length=1000, blank=True, default="")
    custom_attributes = models.JSONField(default=dict, blank=True)
    # The validation state: a recipient-check state, "over_quota" or "invalid".
    state = models.CharField(max_length=24)
    reason = models.TextField(blank=True, default="")
    issuable = models.BooleanField(default=False)
    outcome = models.CharField(
        max_length=12, choices=Outcome.choices, blank=True, default=Outcome.NONE
    )
    error_code = models.CharField(max_length=40, blank=True, default="")
    credential = models.OneToOneField(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="bulk_row"
    )

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="bulkrow_job_row_unique")
        ]
        indexes = [models.Index(fields=["job", "state", "row_number"], name="bulkrow_state")]


class BulkChunk(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Claimed"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    # Leads bulkchunk_job_first_unique.
    job = models.ForeignKey(
        BulkJob, on_delete=models.CASCADE, related_name="chunks", db_index=False
    )
    first_row = models.PositiveIntegerField()
    last_row = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    claim_token = models.CharField(max_length=32, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_row_done = models.PositiveIntegerField(default=0)
    # Status-list slots reserved for the chunk's rows when it is first claimed, in a
    # transaction of their own ([[status list id, first position, how many], ...]), and how
    # many its committed batches used: a batch then signs before it takes the
    # organization's lock (credentials/batch.py), and one resumed after a crash uses the
    # slots the lost batch would have.
    slots = models.JSONField(default=list, blank=True)
    slots_used = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["job", "first_row"]
        constraints = [
            models.UniqueConstraint(fields=["job", "first_row"], name="bulkchunk_job_first_unique")
        ]
        indexes = [models.Index(fields=["job", "status"], name="bulkchunk_job_status")]
