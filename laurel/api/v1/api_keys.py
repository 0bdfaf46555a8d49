"""/api/v1/api-keys: list, create (the key is shown once) and revoke the organization's
API keys. Managing keys is for Owners and Admins: an Admin key may, an Issuer key may not."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema, Status

from laurel.api.schemas import responses
from laurel.organizations import api_keys, selectors
from laurel.organizations.models import ApiKey
from laurel.organizations.permissions import require

router = Router(tags=["api keys"])


class ApiKeyIn(Schema):
    name: str = Field(..., max_length=api_keys.NAME_MAX_LENGTH, examples=["Moodle integration"])
    role: Literal["admin", "issuer"] = Field(
        "issuer", description="Admin keys may also revoke, resend and manage keys and webhooks."
    )


class ApiKeyOut(Schema):
    id: int
    name: str
    role: str
    prefix: str = Field(..., description="The key's first characters, to tell keys apart.")
    active: bool
    created_at: datetime
    last_used_at: datetime | None = Field(..., description="To the minute.")
    revoked_at: datetime | None


class NewApiKeyOut(ApiKeyOut):
    key: str = Field(..., description="The key itself: shown only now, never stored.")


class ApiKeyList(Schema):
    data: list[ApiKeyOut]


def _out(api_key: ApiKey) -> dict:
    return {
        "id": api_key.pk,
        "name": api_key.name,
        "role": api_key.role,
        "prefix": api_key.display_prefix,
        "active": api_key.is_active,
        "created_at": api_key.created_at,
        "last_used_at": api_key.last_used_at,
        "revoked_at": api_key.revoked_at,
    }


@router.get("", response=responses({200: ApiKeyList}, 403), summary="List API keys")
def list_api_keys(request):
    require(request.auth, "manage_api_keys")
    return {"data": [_out(key) for key in selectors.api_keys(request.auth.organization)]}


@router.post("", response=responses({201: NewApiKeyOut}, 403), summary="Create an API key")
def create_api_key(request, payload: ApiKeyIn):
    api_key, raw_key = api_keys.create_api_key(
        actor=request.auth, name=payload.name, role=payload.role
    )
    return Status(201, {**_out(api_key), "key": raw_key})


@router.delete(
    "/{api_key_id}", response=responses({204: None}, 403, 404), summary="Revoke an API key"
)
def revoke_api_key(request, api_key_id: int):
    api_keys.revoke_api_key(actor=request.auth, api_key_id=api_key_id)
    return Status(204, None)
