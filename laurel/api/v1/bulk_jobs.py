"""/api/v1/bulk-jobs: validate a recipient file or list, submit it as a job, follow it.

Each operation parses its input (a multipart `file` + `group`, or JSON), calls one bulk
service or selector, and renders. Idempotency-Key is honoured by the API middleware for
every POST, this one too.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool
from pydantic import ValidationError as PydanticError

from laurel.api.errors import ApiError
from laurel.api.schemas import responses
from laurel.bulk import selectors, services
from laurel.bulk.representation import job_representation, row_representation
from laurel.bulk.services import MAX_RECIPIENTS
from laurel.collector import few_collections

router = Router(tags=["bulk jobs"])


class BulkRecipientIn(Schema):
    name: str = ""
    email: str = ""
    custom_attributes: dict[str, str] | None = None


class BulkValidateIn(Schema):
    group: str = Field(..., description="A group key.")
    recipients: list[BulkRecipientIn] = Field(..., max_length=MAX_RECIPIENTS)


class BulkJobIn(BulkValidateIn):
    draft: StrictBool = False
    issued_on: datetime | None = None
    valid_until: datetime | None = None
    privacy: Literal["public", "private"] | None = None


class BulkRowOut(Schema):
    row: int
    name: str
    email: str
    custom_attributes: dict[str, Any]
    status: str
    issuable: bool
    reason: str
    outcome: str | None
    error_code: str | None
    credential_id: str | None


class BulkValidateOut(Schema):
    summary: dict[str, Any]
    rows: list[BulkRowOut]


class BulkJobOut(Schema):
    id: str
    status: str
    group: str
    file_name: str
    draft: bool
    privacy: str | None
    issued_on: str | None
    valid_until: str | None
    summary: dict[str, Any]
    total: int
    succeeded: int
    failed: int
    skipped: int
    progress: int
    retry_of: str | None
    created_at: str | None
    submitted_at: str | None
    started_at: str | None
    finished_at: str | None
    cancel_requested_at: str | None


class BulkJobPage(Schema):
    data: list[BulkJobOut]
    total: int
    limit: int
    offset: int


class BulkRowPage(Schema):
    data: list[BulkRowOut]
    total: int
    limit: int
    offset: int


class RowFilters(Schema):
    status: str | None = Field(
        None, description="A validation state (new, invalid, ...) or an outcome (failed, ...)"
    )
    limit: int = Field(500, ge=1, le=10_000)
    offset: int = Field(0, ge=0, le=10_000_000)


class PageFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000_000)


_MULTIPART = {
    "type": "object",
    "required": ["file", "group"],
    "properties": {
        "file": {"type": "string", "format": "binary"},
        "group": {"type": "string"},
        "draft": {"type": "boolean"},
        "issued_on": {"type": "string", "format": "date-time"},
        "valid_until": {"type": "string", "format": "date-time"},
        "privacy": {"type": "string", "enum": ["public", "private"]},
    },
}


def _body(schema: type[Schema]) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schema.model_json_schema()},
                "multipart/form-data": {"schema": _MULTIPART},
            },
        }
    }


def _parse(request, schema: type[Schema]) -> tuple[Schema | None, Any, dict]:
    """(the JSON payload, or None; the uploaded file or None; the multipart options)."""
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        upload = request.FILES.get("file")
        group = request.POST.get("group", "")
        if upload is None or not group:
            raise ApiError(400, "validation_error", "Send the recipient `file` and the `group`.")
        options = {key: request.POST.get(key) for key in ("issued_on", "valid_until", "privacy")}
        options["draft"] = request.POST.get("draft", "").lower() in ("1", "true", "yes", "on")
        try:
            parsed = schema.model_validate(
                {"group": group, "recipients": [], **{k: v for k, v in options.items() if v}}
            )
        except PydanticError as error:
            raise ApiError(400, "validation_error", _first(error)) from None
        return parsed, upload, options
    try:
        data = json.loads(request.body or b"null")
        return schema.model_validate(data), None, {}
    except (ValueError, PydanticError) as error:
        message = _first(error) if isinstance(error, PydanticError) else "The body is not JSON."
        raise ApiError(400, "validation_error", message) from None


def _first(error: PydanticError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"{where}: {first.get('msg', 'invalid')}" if where else first.get("msg", "invalid")


def _recipients(payload) -> list[dict]:
    return [recipient.model_dump() for recipient in payload.recipients]


@router.post(
    "/validate",
    response=responses({200: BulkValidateOut}, 403, 404, 422),
    summary="Check a recipient file or list against the group (creates nothing)",
    openapi_extra=_body(BulkValidateIn),
)
def validate(request):
    payload, upload, _ = _parse(request, BulkValidateIn)
    with few_collections():  # the check and its thousands of rows' representations
        statuses, summary = services.check(
            actor=request.auth,
            group_key=payload.group,
            upload=upload,
            filename=getattr(upload, "name", None),
            recipients=None if upload else _recipients(payload),
        )
        return {"summary": summary, "rows": [row_representation(status) for status in statuses]}


@router.post(
    "",
    response=responses({202: BulkJobOut}, 402, 403, 404, 409),
    summary="Submit a bulk job (validated, then issued by background workers)",
    openapi_extra=_body(BulkJobIn),
)
def create_job(request):
    payload, upload, _ = _parse(request, BulkJobIn)
    job = services.validate_and_submit(
        actor=request.auth,
        group_key=payload.group,
        upload=upload,
        filename=getattr(upload, "name", None),
        recipients=None if upload else _recipients(payload),
        draft=payload.draft,
        issued_on=payload.issued_on,
        valid_until=payload.valid_until,
        privacy=payload.privacy,
    )
    return Status(202, job_representation(job))


@router.get("", response=responses({200: BulkJobPage}), summary="The organization's bulk jobs")
def list_jobs(request, filters: Query[PageFilters]):
    jobs = selectors.jobs(request.auth.organization)
    page = jobs[filters.offset : filters.offset + filters.limit]
    return {
        "data": [job_representation(job) for job in page],
        "total": jobs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


@router.get("/{job_id}", response=responses({200: BulkJobOut}, 404), summary="One bulk job")
def get_job(request, job_id: str):
    return job_representation(services.get_job(request.auth, job_id))


@router.get("/{job_id}/rows", response=responses({200: BulkRowPage}, 404), summary="A job's rows")
def job_rows(request, job_id: str, filters: Query[RowFilters]):
    job = services.get_job(request.auth, job_id)
    rows = selectors.rows(job, status=filters.status)
    page = rows[filters.offset : filters.offset + filters.limit]
    return {
        "data": [row_representation(row) for row in page],
        "total": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


@router.post(
    "/{job_id}/cancel",
    response=responses({200: BulkJobOut}, 403, 404),
    summary="Cancel a job (it stops between batches)",
)
def cancel_job(request, job_id: str):
    return job_representation(services.cancel(actor=request.auth, job_id=job_id))


@router.post(
    "/{job_id}/retry-failed",
    response=responses({202: BulkJobOut}, 402, 403, 404),
    summary="A new job of a finished job's failed rows",
)
def retry_failed(request, job_id: str):
    return Status(202, job_representation(services.retry_failed(actor=request.auth, job_id=job_id)))
