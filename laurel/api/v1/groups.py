"""/api/v1/groups (and its alias /api/v1/badges): the credential groups (Achievements)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from laurel.api.representations import group_representation
from laurel.api.schemas import responses
from laurel.credentials import selectors, services


class GroupFields(Schema):
    code: str | None = None
    description: str | None = None
    criteria: str | None = None
    image: str | None = None
    achievement_type: str | None = None
    skills: list[dict[str, Any]] | None = None
    expiry_unit: str | None = Field(None, description="never, days, months or years")
    expiry_amount: int | None = None
    allow_duplicates: StrictBool | None = None  # true or false, not "yes"
    custom_fields: list[str] | None = Field(None, description='names starting "custom_"')
    default_privacy: str | None = None
    certificate_design: dict[str, Any] | None = None
    badge_design: dict[str, Any] | None = None


class GroupIn(GroupFields):
    title: str


class GroupPatch(GroupFields):
    title: str | None = None


class GroupOut(Schema):
    key: str
    title: str
    code: str
    description: str
    criteria: str
    image: str
    achievement_type: str
    skills: list[dict[str, Any]]
    expiry_unit: str
    expiry_amount: int | None
    allow_duplicates: bool
    custom_fields: list[str]
    default_privacy: str
    certificate_design: dict[str, Any]
    badge_design: dict[str, Any]
    created_at: str | None
    updated_at: str | None


class GroupPage(Schema):
    data: list[GroupOut]
    total: int
    limit: int
    offset: int


class Paging(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000_000)


def _given(payload: Schema) -> dict:
    """The fields the caller sent (a null clears nothing: the service sees only these)."""
    return {key: value for key, value in payload.model_dump(exclude_unset=True).items()}


def groups_router(name: str) -> Router:
    """The group operations, mounted as /groups and as /badges (operation ids differ)."""
    router = Router(tags=[name])

    @router.get(
        "", response=responses({200: GroupPage}), operation_id=f"list_{name}", summary="List"
    )
    def list_groups(request, paging: Query[Paging]):
        queryset = selectors.groups(request.auth.organization)
        page = queryset[paging.offset : paging.offset + paging.limit]
        return {
            "data": [group_representation(group) for group in page],
            "total": queryset.count(),
            "limit": paging.limit,
            "offset": paging.offset,
        }

    @router.post(
        "",
        response=responses({201: GroupOut}, 403),
        operation_id=f"create_{name}",
        summary="Create",
    )
    def create_group(request, payload: GroupIn):
        group = services.create_group(actor=request.auth, **_given(payload))
        return Status(201, group_representation(group))

    @router.get("/{key}", response=responses({200: GroupOut}, 404), operation_id=f"get_{name}")
    def get_group(request, key: str):
        return group_representation(selectors.get_group(request.auth.organization, key=key))

    @router.patch(
        "/{key}", response=responses({200: GroupOut}, 403, 404), operation_id=f"update_{name}"
    )
    def update_group(request, key: str, payload: GroupPatch):
        group = services.update_group(actor=request.auth, group_key=key, **_given(payload))
        return group_representation(group)

    return router
