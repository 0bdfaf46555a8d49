"""Subscribe, unsubscribe, and announce events (the outbox side of webhooks)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from laurel.api.representations import credential_representation
from laurel.credentials.validation import max_length
from laurel.organizations.errors import ValidationError
from laurel.organizations.permissions import Actor, require
from laurel.organizations.tenancy import get_scoped
from laurel.tasks import enqueue_many_on_commit, enqueue_on_commit
from laurel.webhooks import expiry, tasks
from laurel.webhooks.models import Event, WebhookDelivery, WebhookSubscription, event_payload
from laurel.webhooks.signing import new_secret
from laurel.webhooks.targets import PrivateTarget, refuse_private_host

EVENTS = [choice.value for choice in Event]
URL_MAX_LENGTH = max_length(WebhookSubscription, "url")
DESCRIPTION_MAX_LENGTH = max_length(WebhookSubscription, "description")


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" and the like
        parts = urlsplit("")
    spaced = any(char.isspace() or ord(char) < 32 for char in url)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or len(url) > URL_MAX_LENGTH
        or spaced
    ):
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
            description=(description or "")[:DESCRIPTION_MAX_LENGTH],
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


@dataclass(frozen=True)
class Announcement:
    """One event to announce: what `emit` takes, for `emit_many`."""

    event: str
    organization_id: int
    data: dict | Callable[[], dict]
    credential_id: str = ""


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
    return emit_many([Announcement(event, organization_id, data, credential_id)])


def emit_many(announcements: Sequence[Announcement]) -> int:
    """`emit` for many events (a bulk batch's credentials): the subscribers read once per
    organization, every delivery in one INSERT, their tasks in another; in order."""
    for announcement in announcements:
        if announcement.event not in EVENTS:
            raise ValueError(f"unknown webhook event {announcement.event!r}")
    subscribers: dict[int, list[WebhookSubscription]] = {}
    deliveries = []
    for announcement in announcements:
        organization_id = announcement.organization_id
        if organization_id not in subscribers:
            subscribers[organization_id] = list(
                WebhookSubscription.objects.filter(
                    organization_id=organization_id, deleted_at__isnull=True
                )
            )
        # Filtered in Python: a JSON list "contains" is not portable to SQLite, and an
        # organization has a handful of subscriptions.
        listening = [
            subscription
            for subscription in subscribers[organization_id]
            if announcement.event in subscription.events
        ]
        if not listening:
            continue
        event_id = "evt_" + secrets.token_urlsafe(16)
        data = announcement.data
        payload = event_payload(event_id, announcement.event, data() if callable(data) else data)
        deliveries += [
            WebhookDelivery(
                subscription=subscription,
                organization_id=organization_id,
                event_id=event_id,
                event=announcement.event,
                credential_id=announcement.credential_id,
                payload=payload,
            )
            for subscription in listening
        ]
    if not deliveries:
        return 0
    deliveries = WebhookDelivery.objects.bulk_create(deliveries)
    enqueue_many_on_commit(tasks.deliver_webhook, [(delivery.pk,) for delivery in deliveries])
    return len(deliveries)


def credential_announcement(event: str, credential) -> Announcement:
    """The announcement of a credential event: its data is the credential as the API shows it."""
    return Announcement(
        event,
        credential.organization_id,
        lambda: {"credential": credential_representation(credential)},
        credential.pk,
    )


def emit_credential_event(event: str, credential) -> int:
    """`emit` for a credential: the payload's data is the credential as the API shows it."""
    return emit_many([credential_announcement(event, credential)])


def _enqueue_delivery(delivery_id: int) -> None:
    enqueue_on_commit(tasks.deliver_webhook, delivery_id)


def announce_expired_credentials(now: datetime | None = None) -> int:
    """Emit `credential.expired` for credentials that expired since each subscription began
    (what workers run every LAUREL_EXPIRY_SWEEP_SECONDS; `laurel announce_expired` by hand).

    Safe to run as often as wanted: a credential's expiry is announced once per subscription.
    """
    return expiry.announce_expired_credentials(now=now, enqueue_delivery=_enqueue_delivery)
