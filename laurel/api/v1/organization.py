"""/api/v1/organization: the key's organization, its plan, quota and signing key."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from laurel.api.schemas import responses
from laurel.organizations.selectors import active_signing_key, quota_status

router = Router(tags=["organization"])


class QuotaOut(Schema):
    month: date
    limit: int
    used: int
    left: int


class SigningKeyOut(Schema):
    status: str  # "active" or "missing"
    key_id: str | None
    verification_method: str | None


class OrganizationOut(Schema):
    name: str
    slug: str
    status: str
    plan: str
    did: str
    emails_enabled: bool
    quota: QuotaOut
    signing_key: SigningKeyOut


def _signing_key(organization) -> dict:
    key = active_signing_key(organization)
    if key is None:
        return {"status": "missing", "key_id": None, "verification_method": None}
    return {
        "status": "active",
        "key_id": key.key_id,
        "verification_method": f"{organization.did}#{key.key_id}",
    }


@router.get("", response=responses({200: OrganizationOut}), summary="The key's organization")
def organization(request):
    organization = request.auth.organization
    quota = quota_status(organization)
    return {
        "name": organization.name,
        "slug": organization.slug,
        "status": organization.status,
        "plan": organization.plan,
        "did": organization.did,
        "emails_enabled": organization.emails_enabled,
        "quota": {
            "month": quota.month,
            "limit": quota.limit,
            "used": quota.used,
            "left": quota.left,
        },
        "signing_key": _signing_key(organization),
    }
