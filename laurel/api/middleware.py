"""What every API request goes through before and after its operation.

Body size, the key, rate limits and idempotency are settled here, ahead of ninja, so they
hold for every route (including unknown ones); and whatever the answer, it leaves as the
JSON envelope with the X-RateLimit-* headers.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from laurel.api import idempotency, ratelimit
from laurel.api.auth import resolve_actor
from laurel.api.errors import ApiError, error_response, status_error_response

logger = logging.getLogger(__name__)

API_PREFIXES = ("/api/", "/v1/")


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES) or request.path in {"/api", "/v1"}


def client_ip(request: HttpRequest) -> str:
    if settings.LAUREL_API_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413, "request_too_large", f"The request body is larger than {limit // 1024} KiB."
    )


# The bulk endpoints, whose body is a whole recipient list (the /v1/ alias included).
_BULK_BODY = re.compile(r"^/(?:api/)?v1/bulk-jobs(?:/validate)?/?$")


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may send: LAUREL_API_BULK_MAX_BODY_BYTES for a POST
    to the bulk endpoints, LAUREL_API_MAX_BODY_BYTES for everything else."""
    if request.method == "POST" and _BULK_BODY.match(request.path):
        return settings.LAUREL_API_BULK_MAX_BODY_BYTES
    return settings.LAUREL_API_MAX_BODY_BYTES


def check_body_size(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(400, "bad_request", "The Content-Length header is not a number.") from None
    limit = body_limit(request)
    if length > limit:
        raise _too_large(limit)
    if (
        length > (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        and settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    ):
        # Allowed here but past Django's own limit for a body read into memory, which
        # `request.body` would refuse: read it as `request.body` does (the stream is
        # bounded by the Content-Length just checked), and keep it where it keeps it.
        body = request.read()
        request._body = body
        request._stream = io.BytesIO(body)
        return
    try:
        request.body  # noqa: B018 - read now, so Django's own limit answers in our words
    except RequestDataTooBig:
        raise _too_large(limit) from None


def _any_text(value, bad: Callable[[str], bool]) -> bool:
    """Whether any string in decoded JSON (keys included) is `bad`."""
    if isinstance(value, str):
        return bad(value)
    if isinstance(value, dict):
        return any(bad(k) or _any_text(v, bad) for k, v in value.items())
    if isinstance(value, list):
        return any(_any_text(item, bad) for item in value)
    return False


def _has_nul(value) -> bool:
    return _any_text(value, lambda text: "\x00" in text)


def reject_nul_characters(request: HttpRequest) -> None:
    """NUL cannot be stored (PostgreSQL refuses it in text): refuse it at the door, anywhere."""
    in_query = any(_has_nul(k) or _has_nul(v) for k, v in request.GET.lists())
    in_body = False
    if b"\\u0000" in request.body or b"\x00" in request.body:
        try:
            in_body = _has_nul(json.loads(request.body))
        except ValueError:
            in_body = False  # not JSON: the operation answers invalid_json
    if "\x00" in request.path or in_query or in_body:
        raise ApiError(
            400, "invalid_characters", "Text cannot contain the NUL character (\\u0000)."
        )


# A JSON escape of a UTF-16 surrogate (\ud800-\udfff). A pair decodes to one character; a
# lone one becomes a Python string no database (nor UTF-8) can store.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _not_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def reject_lone_surrogates(request: HttpRequest) -> None:
    """Text that is not valid Unicode cannot be stored either: refused like NUL."""
    if not _SURROGATE_ESCAPE.search(request.body):
        return
    try:
        invalid = _any_text(json.loads(request.body), _not_unicode)
    except ValueError:
        return  # not JSON: the operation answers invalid_json
    if invalid:
        raise ApiError(
            400,
            "invalid_characters",
            "Text cannot contain a lone UTF-16 surrogate (\\ud800-\\udfff): it is not valid Unicode.",
        )


def enforce_rate_limits(request: HttpRequest) -> None:
    """Count the request per IP and per key; 429 with Retry-After past either limit."""
    hits = [ratelimit.Hit("ip", client_ip(request), settings.LAUREL_API_RATE_LIMIT_PER_IP)]
    if request.actor is not None:
        hits.append(
            ratelimit.Hit(
                "key", str(request.actor.api_key.pk), settings.LAUREL_API_RATE_LIMIT_PER_KEY
            )
        )
    windows = ratelimit.hit_all(hits, period=settings.LAUREL_API_RATE_LIMIT_PERIOD_SECONDS)
    window = ratelimit.tightest(windows)
    request.ratelimit_headers = ratelimit.headers(window)
    if window.exceeded:
        retry_after = window.retry_after(ratelimit.time.time())
        raise ApiError(
            429,
            "rate_limited",
            f"Too many requests: the limit is {window.limit} a minute; "
            f"try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )


def as_envelope(response: HttpResponse) -> HttpResponse:
    """Django's own error pages (unknown route, wrong method, server error) as JSON."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    envelope = status_error_response(response.status_code)
    if response.has_header("Allow"):
        envelope["Allow"] = response["Allow"]
    return envelope


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_request(request):
            return self.get_response(request)
        request.actor = None
        request.ratelimit_headers = {}
        try:
            response = self._answer(request)
        except ApiError as exc:
            response = error_response(exc.status, exc.code, exc.message, exc.headers)
        for name, value in request.ratelimit_headers.items():
            response[name] = value
        return response

    def _answer(self, request: HttpRequest) -> HttpResponse:
        request.actor = resolve_actor(request)
        enforce_rate_limits(request)  # first, so that every answer carries its headers
        check_body_size(request)
        reject_nul_characters(request)
        reject_lone_surrogates(request)
        key = idempotency.idempotency_key(request) if request.method == "POST" else None
        if key is not None and request.actor is not None:
            return idempotency.respond_idempotently(
                request, request.actor.api_key, key, self._operation
            )
        return self._operation(request)

    def _operation(self, request: HttpRequest) -> HttpResponse:
        return as_envelope(self.get_response(request))

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not is_api_request(request):
            return None
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return error_response(
            500, "internal_error", "Something went wrong on our side; please try again."
        )
