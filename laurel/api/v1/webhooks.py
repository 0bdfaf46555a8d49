"""/api/v1/webhooks: subscribe a URL to events, list subscriptions and their deliveries."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from laurel.api.schemas import responses
from laurel.organizations.tenancy import get_scoped, scoped
from laurel.webhooks import services
from laurel.webhooks.models import WebhookDelivery, WebhookSubscription

router = Router(tags=["webhooks"])


class SubscriptionIn(Schema):
    url: str = Field(
        ..., max_length=services.URL_MAX_LENGTH, examples=["https://example.com/hooks/laurel"]
    )
    events: list[str] = Field(..., examples=[["credential.issued", "credential.revoked"]])
    description: str = Field("", max_length=services.DESCRIPTION_MAX_LENGTH)


class SubscriptionOut(Schema):
    id: str
    url: str
    events: list[str]
    description: str
    created_at: datetime


class NewSubscriptionOut(SubscriptionOut):
    secret: str = Field(..., description="Signs every delivery; shown only now.")


class SubscriptionList(Schema):
    data: list[SubscriptionOut]


class DeliveryOut(Schema):
    id: int
    event: str
    event_id: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: datetime
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    next_attempt_at: datetime | None


class DeliveryList(Schema):
    data: list[DeliveryOut]


def _active_subscriptions(organization):
    return scoped(WebhookSubscription, organization).filter(deleted_at__isnull=True)


@router.post("", response=responses({201: NewSubscriptionOut}, 403), summary="Subscribe a URL")
def subscribe(request, payload: SubscriptionIn):
    subscription = services.subscribe(
        actor=request.auth,
        url=payload.url,
        events=payload.events,
        description=payload.description,
    )
    return Status(201, subscription)


@router.get("", response=responses({200: SubscriptionList}), summary="List subscriptions")
def list_subscriptions(request):
    return {"data": list(_active_subscriptions(request.auth.organization))}


@router.get(
    "/{subscription_id}/deliveries",
    response=responses({200: DeliveryList}, 404),
    summary="Recent deliveries of a subscription (status code, attempts)",
)
def list_deliveries(request, subscription_id: str):
    organization = request.auth.organization
    subscription = get_scoped(_active_subscriptions(organization), organization, pk=subscription_id)
    deliveries = scoped(WebhookDelivery, organization).filter(subscription=subscription)
    return {"data": list(deliveries[:100])}


@router.delete(
    "/{subscription_id}", response=responses({204: None}, 403, 404), summary="Unsubscribe"
)
def unsubscribe(request, subscription_id: str):
    services.unsubscribe(actor=request.auth, subscription_id=subscription_id)
    return Status(204, None)
