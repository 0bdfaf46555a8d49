"""Subscribe, unsubscribe, and announce events (the outbox side of webhooks)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from laurel.organizations.errors import ValidationError
from laurel.organizations.permissions import Actor, require
from laurel.organizations.tenancy import get_scoped
from laurel.tasks import enqueue_on_commit
from laurel.webhooks.models import Event, WebhookDelivery, WebhookSubscription
from laurel.webhooks.signing import new_secret
from laurel.webhooks.targets import PrivateTarget, refuse_private_host

EVENTS = [choice.value for choice in Event]


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" and the like
        parts = urlsplit("")
    spaced = any(char.isspace() or ord(char) < 32 for char in url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(url) > 500 or spaced:
        raise ValidationError(
            "The webhook URL must be an absolute http:// or https:// URL.", field="url"
        )
    try:
        port = parts.port
    except ValueError:  # "http://host:99999/"
        raise ValidationError("The webhook URL has an invalid port.", field="url") from None
    try:
        refuse_private_host(parts.hostname, port)
    except PrivateTarget as exc:
        raise ValidationError(str(exc), field="url") from None
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    events = list(dict.fromkeys(events or []))
    unknown = [event for event in events if event not in EVENTS]
    if unknown:
        raise ValidationError(
            f"Unknown webhook event {unknown[0]!r}; the events are {', '.join(EVENTS)}.",
            field="events",
        )
    if not events:
        raise ValidationError("Subscribe to at least one event.", field="events")
    return events


def subscribe(
    *, actor: Actor, url: str, events: Iterable[str], description: str = ""
) -> WebhookSubscription:
    """A new subscription; its `secret` is shown to the caller once, now."""
    require(actor, "manage_settings")
    # Checked before any transaction: resolving the host may take a while, and an open
    # write transaction holds SQLite's lock for everybody.
    url, events = _clean_url(url), _clean_events(events)
    with transaction.atomic():
        return WebhookSubscription.objects.create(
            organization=actor.organization,
            url=url,
            events=events,
            description=(description or "")[:200],
            secret=new_secret(),
        )


@transaction.atomic
def unsubscribe(*, actor: Actor, subscription_id: str) -> WebhookSubscription:
    require(actor, "manage_settings")
    subscription = get_scoped(
        WebhookSubscription.objects.filter(deleted_at__isnull=True),
        actor.organization,
        pk=subscription_id,
    )
    subscription.deleted_at = timezone.now()
    subscription.save(update_fields=["deleted_at"])
    return subscription


def _subscribers(organization_id: int, event: str) -> list[WebhookSubscription]:
    # Filtered in Python: a JSON list "contains" is not portable to SQLite, and an
    # organization has a handful of subscriptions.
    subscriptions = WebhookSubscription.objects.filter(
        organization_id=organization_id, deleted_at__isnull=True
    )
    return [subscription for subscription in subscriptions if event in subscription.events]


def _payload(event_id: str, event: str, data: dict) -> dict:
    return {"id": event_id, "type": event, "created": timezone.now().isoformat(), "data": data}


def emit(
    event: str,
    *,
    organization_id: int,
    data: dict | Callable[[], dict],
    credential_id: str = "",
) -> int:
    """Record `event` for every subscriber of the organization and deliver it after commit.

    Call it inside the transaction that makes the change: the deliveries commit (or roll
    back) with it. `data` may be a callable, built only when someone subscribed. Returns
    how many deliveries were recorded.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    subscriptions = _subscribers(organization_id, event)
    if not subscriptions:
        return 0
    event_id = "evt_" + secrets.token_urlsafe(16)
    payload = _payload(event_id, event, data() if callable(data) else data)
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription=subscription,
            organization_id=organization_id,
            event_id=event_id,
            event=event,
            credential_id=credential_id,
            payload=payload,
        )
        for subscription in subscriptions
    )
    for delivery in deliveries:
        _enqueue_delivery(delivery.pk)
    return len(deliveries)


def emit_credential_event(event: str, credential) -> int:
    """`emit` for a credential: the payload's data is the credential as the API shows it."""
    from laurel.api.representations import credential_representation

    return emit(
        event,
        organization_id=credential.organization_id,
        data=lambda: {"credential": credential_representation(credential)},
        credential_id=credential.pk,
    )


def _enqueue_delivery(delivery_id: int, run_after=None) -> None:
    from laurel.webhooks.tasks import deliver_webhook

    enqueue_on_commit(deliver_webhook, delivery_id, run_after=run_after)


def announce_expired_credentials(now=None) -> int:
    """Emit `credential.expired` for credentials that expired since each subscription began.

    Safe to run as often as wanted: a credential's expiry is announced once per subscription.
    """
    from laurel.credentials.models import Credential

    now = now or timezone.now()
    announced = 0
    for subscription in WebhookSubscription.objects.filter(deleted_at__isnull=True):
        if Event.CREDENTIAL_EXPIRED not in subscription.events:
            continue
        already = WebhookDelivery.objects.filter(
            subscription=subscription, event=Event.CREDENTIAL_EXPIRED
        ).values("credential_id")
        expired = (
            Credential.objects.filter(
                organization_id=subscription.organization_id,
                status=Credential.Status.PUBLISHED,
                valid_until__lte=now,
                valid_until__gt=subscription.created_at,
            )
            .exclude(pk__in=already)
            .select_related("group", "organization", "supersedes")
        )
        for credential in expired.iterator():
            announced += _announce_expiry(subscription, credential)
    return announced


def _announce_expiry(subscription: WebhookSubscription, credential) -> int:
    from laurel.api.representations import credential_representation

    event_id = "evt_" + secrets.token_urlsafe(16)
    data = {"credential": credential_representation(credential)}
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                subscription=subscription,
                organization_id=subscription.organization_id,
                event_id=event_id,
                event=Event.CREDENTIAL_EXPIRED,
                credential_id=credential.pk,
                payload=_payload(event_id, Event.CREDENTIAL_EXPIRED, data),
            )
            _enqueue_delivery(delivery.pk)
    except IntegrityError:  # a concurrent sweep announced it first
        return 0
    return 1
