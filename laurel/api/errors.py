"""Every API error as one envelope: {"success": false, "error": <sentence>, "error_code": <code>}.

Domain errors are mapped here, in one handler per API, never in endpoints. A bad or
missing key is the one exception: 401 {"detail": "Invalid token or organization not found"},
as the products Laurel replaces answer it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from laurel.organizations.errors import Cooldown, DomainError

UNAUTHORIZED_DETAIL = "Invalid token or organization not found"

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    402: "payment_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
    500: "internal_error",
}

STATUS_SENTENCES = {
    404: "There is nothing at this address.",
    405: "This method is not allowed at this address.",
    500: "Something went wrong on our side; nothing was changed. Please try again.",
}


class ApiError(Exception):
    """An error the API itself raises (input it cannot parse, limits), not a domain rule."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JsonResponse:
    response = JsonResponse({"success": False, "error": message, "error_code": code}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def status_error_response(status: int) -> JsonResponse:
    """The envelope for a bare HTTP status (unknown route, wrong method, server error)."""
    sentence = STATUS_SENTENCES.get(status, "The request could not be carried out.")
    return error_response(status, STATUS_CODES.get(status, "error"), sentence)


def unauthorized_response() -> JsonResponse:
    return JsonResponse({"detail": UNAUTHORIZED_DETAIL}, status=401)


def _field_name(loc: list) -> str:
    # ninja prefixes locations with where the value came from ("body", "query") and the
    # parameter name ("payload"); the caller knows the field by its own name.
    parts = [str(part) for part in loc if part not in {"body", "query", "path", "payload"}]
    return ".".join(parts)


def validation_sentence(errors: list[dict]) -> str:
    """One line naming the first bad field and what is wrong with it."""
    if not errors:
        return "The request is not valid."
    first = errors[0]
    field = _field_name(first.get("loc", []))
    if first.get("type") == "missing":
        return f"The field '{field}' is required." if field else "A request body is required."
    message = str(first.get("msg", "is not valid")).rstrip(".")
    if field:
        return f"The field '{field}' is not valid: {message}."
    return f"The request is not valid: {message}."


DomainTranslator = Callable[[DomainError], tuple[str, str] | None]


def install_error_handlers(api: NinjaAPI, *, translate: DomainTranslator | None = None) -> None:
    """Map every exception an operation can raise to the envelope.

    `translate(error)` may return (code, message) to answer a domain error in another
    dialect's words (the Hyperstack-compatible calls).
    """

    def on_domain_error(request, exc: DomainError):
        code, message = (translate(exc) if translate else None) or (exc.code, exc.message)
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Cooldown) else None
        return error_response(exc.http_status, code, message, headers)

    def on_validation_error(request, exc: NinjaValidationError):
        return error_response(400, "validation_error", validation_sentence(exc.errors))

    def on_http_error(request, exc: HttpError):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return error_response(400, "invalid_json", "The request body is not valid JSON.")
        return error_response(exc.status_code, STATUS_CODES.get(exc.status_code, "error"), str(exc))

    api.add_exception_handler(DomainError, on_domain_error)
    api.add_exception_handler(NinjaValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, lambda request, exc: unauthorized_response())
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(
        ApiError,
        lambda request, exc: error_response(exc.status, exc.code, exc.message, exc.headers),
    )
    api.add_exception_handler(Http404, lambda request, exc: status_error_response(404))
