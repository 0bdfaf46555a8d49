"""The `credential.expired` sweep: which expiries to announce, and when the next sweep runs.

Workers run it every LAUREL_EXPIRY_SWEEP_SECONDS (the sweep task in laurel.webhooks.tasks
re-enqueues itself for the next slot); `laurel announce_expired` runs it by hand. Nothing
here imports a task: whoever calls `announce_expired_credentials` says how a recorded
delivery is handed to the workers (`enqueue_delivery`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from laurel.api.representations import credential_representation
from laurel.credentials.models import Credential
from laurel.webhooks.models import Event, WebhookDelivery, WebhookSubscription, event_payload


def announce_expired_credentials(
    *, now: datetime | None = None, enqueue_delivery: Callable[[int], None]
) -> int:
    """Record `credential.expired` for credentials that expired since each subscription
    began, handing each new delivery's id to `enqueue_delivery` in the transaction that
    records it; returns how many were recorded.

    Safe to run as often as wanted: a credential's expiry is announced once per subscription.
    """
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
            announced += _announce_expiry(subscription, credential, enqueue_delivery)
    return announced


def _announce_expiry(
    subscription: WebhookSubscription, credential, enqueue_delivery: Callable[[int], None]
) -> int:
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
                payload=event_payload(event_id, Event.CREDENTIAL_EXPIRED, data),
            )
            enqueue_delivery(delivery.pk)
    except IntegrityError:  # a concurrent sweep announced it first
        return 0
    return 1


def next_sweep_at(now: datetime, period: int) -> datetime:
    """The next multiple of `period` seconds (UTC) after `now`: every worker agrees on it."""
    seconds = (int(now.timestamp()) // period + 1) * period
    return datetime.fromtimestamp(seconds, tz=UTC)


def claim_sweep_slot(now: datetime | None = None) -> datetime | None:
    """The next sweep's slot, if this caller is the first to claim it; None when another
    caller did, or sweeps are off (LAUREL_EXPIRY_SWEEP_SECONDS = 0).

    Claimed with an atomic cache add (the shared cache: database or Redis), so many workers
    enqueue one sweep per slot; a duplicate (a cleared cache) does no harm, the sweep
    announces each expiry once.
    """
    period = settings.LAUREL_EXPIRY_SWEEP_SECONDS
    if period <= 0:
        return None
    slot = next_sweep_at(now or timezone.now(), period)
    if not cache.add(f"laurel:expiry-sweep:{int(slot.timestamp())}", 1, timeout=2 * period):
        return None
    return slot
