"""/api/v1/credentials and /api/v1/recipient-check: issue, publish, edit, revoke, look up.

Each operation parses its input, calls one domain service or selector, and renders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from laurel.api.errors import ApiError
from laurel.api.representations import credential_representation
from laurel.api.schemas import responses
from laurel.credentials import selectors, services, validation
from laurel.organizations.errors import InvalidStatus

router = Router(tags=["credentials"])


class RecipientIn(Schema):
    name: str = ""
    email: str = ""


class CredentialIn(Schema):
    badgeId: str | None = Field(None, description="The group's key (alias of group_key).")
    group_key: str | None = None
    recipient: RecipientIn
    evidenceUrl: str | None = None
    privacy: str | None = Field(None, description='"public" or "private"')
    custom_attributes: dict[str, Any] | None = None
    issued_on: datetime | None = None
    valid_until: datetime | None = None
    draft: StrictBool = False


class GroupSummary(Schema):
    key: str
    title: str
    code: str


class CredentialOut(Schema):
    id: str
    status: str
    verificationUrl: str
    issuanceDate: str | None
    expirationDate: str | None
    recipientName: str
    recipientEmail: str
    supersedesCredentialId: str | None
    privacy: str
    group: GroupSummary
    metadata: dict[str, Any]
    evidenceUrl: str | None
    revokedAt: str | None
    revocationReason: str | None
    createdAt: str | None


class CredentialPage(Schema):
    data: list[CredentialOut]
    total: int
    limit: int
    offset: int


class CredentialFilters(Schema):
    group: str | None = Field(None, description="A group key.")
    email: str | None = None
    status: Literal["draft", "published", "revoked"] | None = None
    privacy: Literal["public", "private"] | None = None
    issued_after: datetime | None = None
    issued_before: datetime | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000_000)


class CredentialPatch(Schema):
    recipient: RecipientIn | None = None
    evidenceUrl: str | None = None
    privacy: str | None = None
    custom_attributes: dict[str, Any] | None = None
    issued_on: datetime | None = None
    valid_until: datetime | None = Field(None, description="null: never expires")


class RevokeIn(Schema):
    reason: str = ""


class ResendOut(Schema):
    id: str
    email_delivery_id: int
    email_status: str


class RecipientCheckIn(Schema):
    group: str = Field(..., description="A group key.")
    email: str


class RecipientCheckOut(Schema):
    state: str
    action: str
    blocked: bool
    supersedes_id: str | None
    revokes_id: str | None
    existing_id: str | None


def _group_key(payload: CredentialIn) -> str:
    keys = {key for key in (payload.badgeId, payload.group_key) if key}
    if len(keys) != 1:
        raise ApiError(
            400,
            "validation_error",
            "Give the credential's group as badgeId or group_key (one key)."
            if not keys
            else "badgeId and group_key name different groups; give one.",
        )
    return keys.pop()


@router.post(
    "/credentials",
    response=responses({201: CredentialOut}, 402, 403, 404, 409),
    summary="Issue a credential (published at once unless draft)",
)
def issue_credential(request, payload: CredentialIn):
    credential = services.issue(
        actor=request.auth,
        group_key=_group_key(payload),
        recipient_name=payload.recipient.name,
        recipient_email=payload.recipient.email,
        evidence_url=payload.evidenceUrl or "",
        privacy=payload.privacy,
        custom_attributes=payload.custom_attributes,
        issued_on=payload.issued_on,
        valid_until=payload.valid_until,
        draft=payload.draft,
    )
    return Status(201, credential_representation(credential))


@router.get(
    "/credentials", response=responses({200: CredentialPage}, 404), summary="List credentials"
)
def list_credentials(request, filters: Query[CredentialFilters]):
    organization = request.auth.organization
    group = selectors.get_group(organization, key=filters.group) if filters.group else None
    queryset = selectors.credentials(
        organization,
        group=group,
        email=filters.email,
        status=filters.status,
        privacy=filters.privacy,
        issued_after=filters.issued_after,
        issued_before=filters.issued_before,
    ).select_related("group")
    page = queryset[filters.offset : filters.offset + filters.limit]
    return {
        "data": [credential_representation(credential) for credential in page],
        "total": queryset.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


def _credential(request, credential_id: str):
    return selectors.get_credential(request.auth.organization, credential_id=credential_id)


@router.get(
    "/credentials/{credential_id}",
    response=responses({200: CredentialOut}, 404),
    summary="One credential",
)
def get_credential(request, credential_id: str):
    return credential_representation(_credential(request, credential_id))


@router.get(
    "/credentials/{credential_id}/document",
    response=responses({200: dict[str, Any]}, 404),
    summary="The signed Open Badges 3.0 credential",
)
def credential_document(request, credential_id: str):
    credential = _credential(request, credential_id)
    if credential.document is None:
        raise InvalidStatus("A draft has no signed document yet; publish it first.")
    return credential.document


@router.post(
    "/credentials/{credential_id}/publish",
    response=responses({200: CredentialOut}, 402, 403, 404),
    summary="Publish a draft",
)
def publish_credential(request, credential_id: str):
    credential = services.publish(actor=request.auth, credential_id=credential_id)
    return credential_representation(credential)


def _service_changes(changes: dict) -> dict:
    recipient = changes.pop("recipient", None) or {}
    renamed = {"evidenceUrl": "evidence_url"}
    draft = {renamed.get(field, field): value for field, value in changes.items()}
    if "name" in recipient:
        draft["recipient_name"] = recipient["name"]
    if "email" in recipient:
        draft["recipient_email"] = recipient["email"]
    return draft


@router.patch(
    "/credentials/{credential_id}",
    response=responses({200: CredentialOut}, 403, 404, 409),
    summary="Edit a draft, or change a published credential's expiry",
)
def update_credential(request, credential_id: str, payload: CredentialPatch):
    changes = _service_changes(payload.model_dump(exclude_unset=True))
    credential = services.update_credential(
        actor=request.auth, credential_id=credential_id, **changes
    )
    return credential_representation(credential)


@router.post(
    "/credentials/{credential_id}/revoke",
    response=responses({200: CredentialOut}, 403, 404),
    summary="Revoke a published credential (Admin keys)",
)
def revoke_credential(request, credential_id: str, payload: RevokeIn | None = None):
    credential = services.revoke(
        actor=request.auth,
        credential_id=credential_id,
        reason=payload.reason if payload else "",
    )
    return credential_representation(credential)


@router.post(
    "/credentials/{credential_id}/resend",
    response=responses({202: ResendOut}, 403, 404, 409),
    summary="Send the issuance email again (Admin keys)",
)
def resend_credential_email(request, credential_id: str):
    delivery = services.resend_email(actor=request.auth, credential_id=credential_id)
    return Status(
        202,
        {"id": credential_id, "email_delivery_id": delivery.pk, "email_status": delivery.status},
    )


@router.post(
    "/recipient-check",
    response=responses({200: RecipientCheckOut}, 404),
    summary="What issuing to (group, email) would do",
)
def recipient_check(request, payload: RecipientCheckIn):
    group = selectors.get_group(request.auth.organization, key=payload.group)
    email = validation.email_address(payload.email, field="email")
    return selectors.recipient_check_for(group, email).as_dict()
