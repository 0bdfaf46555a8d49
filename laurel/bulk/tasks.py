"""Bulk job tasks (thin: the work is laurel.bulk.processing)."""

from __future__ import annotations

from django_tasks import task

from laurel.bulk import processing


@task(queue_name="bulk")
def run_bulk_job(job_id: str) -> str:
    """Claim and issue chunks of the job until none is left (safe to run many at once)."""
    return processing.run_job(job_id)
