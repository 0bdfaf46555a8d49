"""How a credential and a group read in Laurel's own API (and in webhook payloads)."""

from __future__ import annotations

from datetime import datetime


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def group_summary(group) -> dict:
    return {"key": group.key, "title": group.title, "code": group.code}


def credential_representation(credential) -> dict:
    return {
        "id": credential.id,
        "status": credential.status,
        "verificationUrl": credential.url,
        "issuanceDate": iso(credential.issued_on),
        "expirationDate": iso(credential.valid_until),
        "recipientName": credential.recipient_name,
        "recipientEmail": credential.recipient_email,
        "supersedesCredentialId": credential.supersedes_id,
        "privacy": credential.privacy,
        "group": group_summary(credential.group),
        "metadata": dict(credential.custom_attributes or {}),
        "evidenceUrl": credential.evidence_url or None,
        "revokedAt": iso(credential.revoked_at),
        "revocationReason": credential.revocation_reason or None,
        "createdAt": iso(credential.created_at),
    }


GROUP_FIELDS = (
    "key",
    "title",
    "code",
    "description",
    "criteria",
    "image",
    "achievement_type",
    "skills",
    "expiry_unit",
    "expiry_amount",
    "allow_duplicates",
    "custom_fields",
    "default_privacy",
    "certificate_design",
    "badge_design",
)


def group_representation(group) -> dict:
    values = {field: getattr(group, field) for field in GROUP_FIELDS}
    return {**values, "created_at": iso(group.created_at), "updated_at": iso(group.updated_at)}
