"""How a credential and a group read in Laurel's own API (and in webhook payloads)."""

from __future__ import annotations

from datetime import datetime

from laurel.credentials.validation import GROUP_FIELDS


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


# The writable fields (the service's list, one source) and the public key.
SHOWN_GROUP_FIELDS = ("key", *GROUP_FIELDS)


def group_representation(group) -> dict:
    values = {field: getattr(group, field) for field in SHOWN_GROUP_FIELDS}
    return {**values, "created_at": iso(group.created_at), "updated_at": iso(group.updated_at)}
