"""The Hyperstack shapes, field for field (its API reference: "Generate Credential (Draft)")."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool


class RecipientIn(Schema):
    name: str = ""
    email: str = ""


class GenerateIn(Schema):
    recipient: RecipientIn | None = None
    group_key: str = ""
    custom_attributes: dict[str, Any] | None = None


class RecipientOut(Schema):
    name: str
    email: str


class GroupSummaryOut(Schema):
    title: str
    key: str
    code: str


class CredentialOut(Schema):
    success: Literal[True] = True
    status: str
    document_id: str
    document_url: str
    recipient: RecipientOut
    group: GroupSummaryOut
    issued_on: str | None
    valid_until: str | None
    metadata: dict[str, Any]
    privacy: str


# CredentialOut without "success": declared again rather than inherited, because a subclass
# would put "success" last and Hyperstack documents it first.
class CredentialItem(Schema):
    status: str
    document_id: str
    document_url: str
    recipient: RecipientOut
    group: GroupSummaryOut
    issued_on: str | None
    valid_until: str | None
    metadata: dict[str, Any]
    privacy: str


class PageIn(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


class SearchIn(PageIn):
    email: str | None = None
    group_key: str | None = None
    status: Literal["draft", "published", "revoked"] | None = None
    privacy: Literal["public", "private"] | None = None


class CredentialPage(Schema):
    success: Literal[True] = True
    page: int
    page_size: int
    total: int
    credentials: list[CredentialItem]


class UpdateIn(Schema):
    expiry: int | None = Field(..., description="unix seconds, or null: never expires")


class GroupIn(Schema):
    title: str
    code: str | None = None
    description: str | None = None
    criteria: str | None = None
    image: str | None = None
    custom_fields: list[str] | None = None
    expiry_unit: str | None = None
    expiry_amount: int | None = None
    allow_duplicates: StrictBool | None = Field(None, description="the 'duplication' setting")
    default_privacy: str | None = None


class GroupUpdateIn(GroupIn):
    title: str | None = None


class GroupOut(Schema):
    title: str
    key: str
    code: str
    description: str
    criteria: str
    image: str
    custom_fields: list[str]
    expiry_unit: str
    expiry_amount: int | None
    allow_duplicates: bool
    default_privacy: str


class GroupResponse(Schema):
    success: Literal[True] = True
    group: GroupOut


class GroupSearchIn(PageIn):
    query: str | None = Field(None, description="words of the title")


class GroupPage(Schema):
    success: Literal[True] = True
    page: int
    page_size: int
    total: int
    groups: list[GroupOut]


class WebhookIn(Schema):
    url: str
    events: list[str]


class WebhookOut(Schema):
    success: Literal[True] = True
    id: str
    url: str
    events: list[str]
    secret: str
