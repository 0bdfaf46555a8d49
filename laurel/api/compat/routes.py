"""The Hyperstack-compatible operations; each parses, calls one domain service, renders."""

from __future__ import annotations

from datetime import UTC, datetime

from ninja import Router

from laurel.api.compat import schemas as s
from laurel.api.schemas import responses
from laurel.credentials import selectors, services
from laurel.organizations.errors import ValidationError
from laurel.webhooks import services as webhooks

router = Router(tags=["hyperstack"])


def timestamp(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def credential_item(credential) -> dict:
    group = credential.group
    return {
        "status": credential.status,
        "document_id": credential.id,
        "document_url": credential.url,
        "recipient": {"name": credential.recipient_name, "email": credential.recipient_email},
        "group": {"title": group.title, "key": group.key, "code": group.code},
        "issued_on": timestamp(credential.issued_on or credential.created_at),
        "valid_until": timestamp(credential.valid_until),
        "metadata": dict(credential.custom_attributes or {}),
        "privacy": credential.privacy,
    }


def credential_response(credential) -> dict:
    return {"success": True, **credential_item(credential)}


def group_item(group) -> dict:
    fields = s.GroupOut.model_fields
    return {field: getattr(group, field) for field in fields}


def _issue(request, payload: s.GenerateIn, *, draft: bool):
    recipient = payload.recipient or s.RecipientIn()
    credential = services.issue(
        actor=request.auth,
        group_key=payload.group_key,
        recipient_name=recipient.name,
        recipient_email=recipient.email,
        custom_attributes=payload.custom_attributes,
        draft=draft,
    )
    return credential_response(credential)


ISSUE_RESPONSES = responses({200: s.CredentialOut}, 402, 403, 404, 409)


@router.post("/credentials/generate", response=ISSUE_RESPONSES, summary="Generate (draft)")
def generate_credential(request, payload: s.GenerateIn):
    return _issue(request, payload, draft=True)


@router.post("/credentials/new", response=ISSUE_RESPONSES, summary="Issue and publish")
def new_credential(request, payload: s.GenerateIn):
    return _issue(request, payload, draft=False)


@router.post(
    "/credential/{document_id}/publish", response=responses({200: s.CredentialOut}, 402, 403, 404)
)
def publish_credential(request, document_id: str):
    return credential_response(services.publish(actor=request.auth, credential_id=document_id))


@router.get("/credential/{document_id}/view", response=responses({200: s.CredentialOut}, 404))
def view_credential(request, document_id: str):
    organization = request.auth.organization
    return credential_response(selectors.get_credential(organization, credential_id=document_id))


def _expiry(seconds: int | None) -> datetime | None:
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise ValidationError("expiry must be unix seconds or null.", field="expiry") from None


@router.post(
    "/credential/{document_id}/update", response=responses({200: s.CredentialOut}, 403, 404)
)
def update_credential(request, document_id: str, payload: s.UpdateIn):
    credential = services.update_credential(
        actor=request.auth, credential_id=document_id, valid_until=_expiry(payload.expiry)
    )
    return credential_response(credential)


def _credential_page(queryset, page: int, page_size: int) -> dict:
    start = (page - 1) * page_size
    return {
        "success": True,
        "page": page,
        "page_size": page_size,
        "total": queryset.count(),
        "credentials": [credential_item(c) for c in queryset[start : start + page_size]],
    }


@router.post("/credentials/all", response=responses({200: s.CredentialPage}))
def all_credentials(request, payload: s.PageIn | None = None):
    payload = payload or s.PageIn()
    queryset = selectors.credentials(request.auth.organization).select_related("group")
    return _credential_page(queryset, payload.page, payload.page_size)


@router.post("/credentials/search", response=responses({200: s.CredentialPage}, 404))
def search_credentials(request, payload: s.SearchIn):
    organization = request.auth.organization
    group = selectors.get_group(organization, key=payload.group_key) if payload.group_key else None
    queryset = selectors.credentials(
        organization,
        group=group,
        email=payload.email,
        status=payload.status,
        privacy=payload.privacy,
    ).select_related("group")
    return _credential_page(queryset, payload.page, payload.page_size)


def _group_fields(payload) -> dict:
    return payload.model_dump(exclude_unset=True)


@router.post("/groups/new", response=responses({200: s.GroupResponse}, 403))
def new_group(request, payload: s.GroupIn):
    group = services.create_group(actor=request.auth, **_group_fields(payload))
    return {"success": True, "group": group_item(group)}


@router.get("/group/view/{group_key}", response=responses({200: s.GroupResponse}, 404))
def view_group(request, group_key: str):
    group = selectors.get_group(request.auth.organization, key=group_key)
    return {"success": True, "group": group_item(group)}


@router.post("/group/update/{group_key}", response=responses({200: s.GroupResponse}, 403, 404))
def update_group(request, group_key: str, payload: s.GroupUpdateIn):
    group = services.update_group(actor=request.auth, group_key=group_key, **_group_fields(payload))
    return {"success": True, "group": group_item(group)}


@router.post("/groups/search", response=responses({200: s.GroupPage}))
def search_groups(request, payload: s.GroupSearchIn | None = None):
    payload = payload or s.GroupSearchIn()
    queryset = selectors.groups(request.auth.organization)
    if payload.query:
        queryset = queryset.filter(title__icontains=payload.query.strip())
    start = (payload.page - 1) * payload.page_size
    return {
        "success": True,
        "page": payload.page,
        "page_size": payload.page_size,
        "total": queryset.count(),
        "groups": [group_item(g) for g in queryset[start : start + payload.page_size]],
    }


@router.post("/webhook/subscribe", response=responses({200: s.WebhookOut}, 403))
def subscribe_webhook(request, payload: s.WebhookIn):
    subscription = webhooks.subscribe(actor=request.auth, url=payload.url, events=payload.events)
    return {
        "success": True,
        "id": subscription.id,
        "url": subscription.url,
        "events": subscription.events,
        "secret": subscription.secret,
    }
