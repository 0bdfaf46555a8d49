"""A bulk job as the API, the webhook and the job page's polling show it."""

from __future__ import annotations

from laurel.bulk.models import BulkJob


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def job_representation(job: BulkJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "group": job.group.key,
        "file_name": job.file_name,
        "draft": job.draft,
        "privacy": job.privacy or None,
        "issued_on": _iso(job.issued_on),
        "valid_until": _iso(job.valid_until),
        "summary": job.summary,
        "total": job.total,
        "succeeded": job.succeeded,
        "failed": job.failed,
        "skipped": job.skipped,
        "progress": job.percent,
        "retry_of": job.retry_of_id,
        "created_at": _iso(job.created_at),
        "submitted_at": _iso(job.submitted_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "cancel_requested_at": _iso(job.cancel_requested_at),
    }
