"""Delivering one webhook: claim it, POST it signed, record the outcome (on the delivery,
and as one WebhookAttempt row per attempt: the delivery log) and, when another attempt is
due, say when (the `deliver_webhook` task enqueues it; nothing here enqueues)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from laurel.tasks import retry_at
from laurel.webhooks.models import WebhookAttempt, WebhookDelivery
from laurel.webhooks.signing import signature_header
from laurel.webhooks.targets import PrivateTarget, delivery_session, refuse_private_host

USER_AGENT = "Laurel-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    final: bool = False  # no point in another attempt

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def delivery_body(payload: dict) -> bytes:
    """The exact bytes sent (and signed): compact JSON, stable across retries."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the delivery for one attempt, or None if it is done or another worker has it.

    A conditional UPDATE is the lock: it also pushes next_attempt_at past the HTTP timeout,
    so a second copy of this task finds nothing to do while the first one is sending.
    """
    now = timezone.now()
    lease = timedelta(seconds=settings.LAUREL_WEBHOOK_TIMEOUT_SECONDS + 30)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lte=now,
        subscription__deleted_at__isnull=True,
    ).update(attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=now + lease)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)


def _post(delivery: WebhookDelivery) -> Outcome:
    body = delivery_body(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Laurel-Event": delivery.event,
        "X-Laurel-Delivery": delivery.event_id,
        "X-Laurel-Signature": signature_header(delivery.subscription.secret, body),
    }
    url = delivery.subscription.url
    try:
        parts = urlsplit(url)
        refuse_private_host(parts.hostname or "", parts.port)
        with delivery_session() as session:
            response = session.post(
                url,
                data=body,
                headers=headers,
                timeout=settings.LAUREL_WEBHOOK_TIMEOUT_SECONDS,
                allow_redirects=False,  # a redirect is an answer, never followed (SSRF)
            )
    except PrivateTarget as exc:  # never retried: the target is not allowed
        return Outcome(status_code=None, error=f"Refused: {exc}"[:500], final=True)
    except (requests.RequestException, ValueError) as exc:
        return Outcome(status_code=None, error=f"{type(exc).__name__}: {exc}"[:500])
    error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return Outcome(status_code=response.status_code, error=error)


def deliver(delivery_id: int) -> datetime | None:
    """One attempt at a pending delivery (nothing when it is done or another worker has it);
    returns when the next attempt may run, or None when there is none to make."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    started = time.monotonic()
    outcome = _post(delivery)
    duration = timedelta(seconds=time.monotonic() - started)
    return _record(delivery, outcome, duration=duration)


@transaction.atomic
def _record(delivery: WebhookDelivery, outcome: Outcome, *, duration: timedelta) -> datetime | None:
    WebhookAttempt.objects.create(
        delivery=delivery,
        organization_id=delivery.organization_id,
        number=delivery.attempts,  # counted by the claim
        status_code=outcome.status_code,
        error=outcome.error,
        duration_ms=round(duration.total_seconds() * 1000),
        attempted_at=delivery.last_attempt_at,
    )
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    if outcome.delivered:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
    elif outcome.final or delivery.attempts >= settings.LAUREL_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.next_attempt_at = retry_at(
            delivery.attempts, base_seconds=settings.LAUREL_WEBHOOK_RETRY_BASE_SECONDS
        )
    delivery.save(
        update_fields=[
            "status",
            "last_status_code",
            "last_error",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    if delivery.status == WebhookDelivery.Status.PENDING:
        return delivery.next_attempt_at
    return None
