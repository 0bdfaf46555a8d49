"""Reads of bulk jobs and their rows; scoped to an organization."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from laurel.bulk.models import BulkJob, BulkRow
from laurel.organizations.tenancy import scoped

SUBMITTED = (
    BulkJob.Status.PENDING,
    BulkJob.Status.PROCESSING,
    BulkJob.Status.COMPLETED,
    BulkJob.Status.FAILED,
    BulkJob.Status.CANCELLED,
)


def jobs(organization) -> QuerySet[BulkJob]:
    """Submitted jobs, newest first (a file validated and never submitted is not a job)."""
    return (
        scoped(BulkJob, organization)
        .filter(status__in=SUBMITTED)
        .select_related("group", "created_by", "api_key")
        .order_by("-created_at", "id")
    )


def running_count(organization) -> int:
    return (
        scoped(BulkJob, organization)
        .filter(status__in=(BulkJob.Status.PENDING, BulkJob.Status.PROCESSING))
        .count()
    )


def rows(job: BulkJob, *, status: str | None = None) -> QuerySet[BulkRow]:
    """A job's rows in file order; `status` a validation state or a run outcome."""
    queryset = BulkRow.objects.filter(job=job).select_related("credential")
    if status:
        queryset = queryset.filter(Q(state=status) | Q(outcome=status))
    return queryset.order_by("row_number")
