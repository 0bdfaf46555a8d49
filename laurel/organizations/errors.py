"""Domain errors: one base class, a snake_case code, a sentence a person understands.

Front doors (web, API, bulk, CLI) map them in one place: `code` becomes `error_code`,
`message` becomes `error`, `http_status` is the status to answer with.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"
    http_status = 400
    default_message = "The request could not be carried out."

    def __init__(self, message: str | None = None, **details: object) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        return {"success": False, "error": self.message, "error_code": self.code}


class ValidationError(DomainError):
    code = "validation_error"
    http_status = 400
    default_message = "Some of the values given are not valid."

    def __init__(self, message: str | None = None, *, field: str | None = None, **details) -> None:
        self.field = field
        super().__init__(message, field=field, **details)


class MissingRecipient(ValidationError):
    code = "missing_recipient"
    default_message = "Recipient Name and Email are required"


class InvalidStatus(DomainError):
    code = "invalid_status"
    http_status = 400
    default_message = "The credential is not in a state that allows this."


class OrganizationNotApproved(DomainError):
    code = "organization_not_approved"
    http_status = 403
    default_message = (
        "Your organization has not been approved yet, so it cannot issue credentials. "
        "Platform staff will review it shortly."
    )


class NoSigningKey(DomainError):
    code = "no_signing_key"
    http_status = 403
    default_message = (
        "Your organization has no active signing key, so credentials cannot be signed. "
        "An owner or admin can generate one in the organization settings."
    )


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403
    default_message = "Your role in this organization does not allow this."


class PlanRequired(DomainError):
    code = "plan_required"
    http_status = 402
    default_message = (
        "Your plan does not include this feature. Upgrade to Professional or Enterprise."
    )


class QuotaExceeded(DomainError):
    code = "quota_exceeded"
    http_status = 402
    default_message = (
        "Your organization has reached its monthly limit of recipients. "
        "It can issue to new recipients again next month, or after upgrading its plan."
    )


class CredentialExists(DomainError):
    code = "credential_exists"
    http_status = 409
    default_message = (
        "Credential already exists for this recipient, to overwrite, "
        "set duplication to true in group settings."
    )


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    default_message = "This conflicts with the current state."


class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    default_message = "Not found."


class GroupNotFound(NotFound):
    code = "group_not_found"
    default_message = "Group Not Found"


class Cooldown(DomainError):
    code = "cooldown"
    http_status = 429
    default_message = "This was done recently; try again later."

    def __init__(self, message: str | None = None, *, retry_after: int, **details) -> None:
        self.retry_after = retry_after  # seconds, for a Retry-After header
        super().__init__(message, retry_after=retry_after, **details)


class EmailsDisabled(Conflict):
    code = "emails_disabled"
    default_message = "Emails are switched off for your organization, so nothing was sent."
