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


def row_representation(row) -> dict:
    """A stored BulkRow, or a checking.RowStatus (the validate answer, nothing stored)."""
    from laurel.bulk.checking import RowStatus

    if isinstance(row, RowStatus):
        return {
            "row": row.row.number,
            "name": row.row.name,
            "email": row.row.email,
            "custom_attributes": row.row.custom,
            "status": row.state,
            "issuable": row.issuable,
            "reason": row.reason,
            "outcome": None,
            "error_code": None,
            "credential_id": None,
        }
    return {
        "row": row.row_number,
        "name": row.name,
        "email": row.email,
        "custom_attributes": row.custom_attributes,
        "status": row.state,
        "issuable": row.issuable,
        "reason": row.reason,
        "outcome": row.outcome or None,
        "error_code": row.error_code or None,
        "credential_id": row.credential_id,
    }
