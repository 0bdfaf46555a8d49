"""Managing webhooks from the settings pages: what is subscribed, what was delivered, and
sending one delivery again. (Subscribing and the delivery itself live in services/tasks.)"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from laurel.organizations import audit
from laurel.organizations.errors import Conflict
from laurel.organizations.permissions import Actor, require
from laurel.organizations.tenancy import get_scoped, scoped
from laurel.tasks import enqueue_on_commit
from laurel.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from laurel.webhooks.tasks import deliver_webhook


def active_subscriptions(organization) -> list[WebhookSubscription]:
    return list(
        scoped(WebhookSubscription, organization)
        .filter(deleted_at__isnull=True)
        .order_by("-created_at", "id")
    )


def subscription(organization, subscription_id: str) -> WebhookSubscription:
    """One live subscription of the organization (NotFound for another's or a removed one)."""
    return get_scoped(
        WebhookSubscription.objects.filter(deleted_at__isnull=True),
        organization,
        pk=subscription_id,
    )


def deliveries(subscription: WebhookSubscription, *, limit: int = 50) -> list[WebhookDelivery]:
    """The newest deliveries to a subscription, each with its last outcome and every
    attempt (`delivery.attempt_log.all()`, oldest first; read for the page in one query)."""
    attempts = scoped(WebhookAttempt, subscription.organization).order_by("number", "id")
    return list(
        scoped(WebhookDelivery, subscription.organization)
        .filter(subscription=subscription)
        .defer("payload")
        .prefetch_related(Prefetch("attempt_log", queryset=attempts))
        .order_by("-created_at", "-id")[:limit]
    )


@transaction.atomic
def resend_delivery(*, actor: Actor, delivery_id: int) -> WebhookDelivery:
    """Send a delivered or failed delivery once more (same event id, so receivers can tell
    it is the same event). A delivery still being attempted is left to its retries."""
    require(actor, "manage_settings")
    delivery = get_scoped(
        WebhookDelivery.objects.select_for_update().select_related("subscription"),
        actor.organization,
        pk=delivery_id,
    )
    if delivery.subscription.deleted_at is not None:
        raise Conflict("This webhook was removed, so its deliveries cannot be sent again.")
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise Conflict("This delivery is still being attempted; wait for its retries.")
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at"])
    audit.record(
        actor,
        "webhook.delivery_resent",
        delivery,
        data={"event": delivery.event, "event_id": delivery.event_id},
    )
    enqueue_on_commit(deliver_webhook, delivery.pk)
    return delivery
