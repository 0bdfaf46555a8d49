"""`Idempotency-Key` on POST: a retry returns the first response and changes nothing.

The record and the work share one transaction. A retry that arrives while the first
request is still running waits on the record's unique index (PostgreSQL) or on the write
lock (SQLite) and then replays the committed answer; if the first request failed with a
server error, everything rolls back and the retry runs afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from laurel.api.errors import ApiError
from laurel.api.models import IdempotencyRecord
from laurel.organizations.models import ApiKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def request_fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(str(part).encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def idempotency_key(request: HttpRequest) -> str | None:
    if HEADER not in request.headers:
        return None
    key = request.headers[HEADER].strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ApiError(
            400,
            "invalid_idempotency_key",
            f"The Idempotency-Key header must be 1 to {MAX_KEY_LENGTH} characters long.",
        )
    return key


def _insert(api_key: ApiKey, key: str, fingerprint: str, request: HttpRequest):
    """Our new record, or the one a previous request with this key left."""
    fields = dict(
        fingerprint=fingerprint,
        method=request.method,
        path=request.path[:500],
        status_code=0,
        content_type="",
        body="",
    )
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(api_key=api_key, key=key, **fields), None
    except IntegrityError:
        existing = IdempotencyRecord.objects.get(api_key=api_key, key=key)
    if existing.created_at >= timezone.now() - timedelta(
        hours=settings.LAUREL_API_IDEMPOTENCY_TTL_HOURS
    ):
        return None, existing
    existing.delete()  # expired: the key may be used afresh
    return IdempotencyRecord.objects.create(api_key=api_key, key=key, **fields), None


def _replay(record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
    if record.fingerprint != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request; "
            "use a new key for a new request.",
        )
    response = HttpResponse(
        record.body, status=record.status_code, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def respond_idempotently(
    request: HttpRequest,
    api_key: ApiKey,
    key: str,
    get_response: Callable[[HttpRequest], HttpResponse],
) -> HttpResponse:
    fingerprint = request_fingerprint(request)
    with transaction.atomic():
        record, existing = _insert(api_key, key, fingerprint, request)
        if existing is not None:
            return _replay(existing, fingerprint)
        response = get_response(request)
        if response.status_code >= 500:
            transaction.set_rollback(True)  # nothing half-written; a retry runs afresh
            return response
        record.status_code = response.status_code
        record.content_type = response.get("Content-Type", "application/json")[:100]
        record.body = response.content.decode("utf-8", errors="replace")
        record.save(update_fields=["status_code", "content_type", "body"])
    return response
