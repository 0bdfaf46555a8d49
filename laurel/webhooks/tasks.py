"""Background tasks for webhooks. They take ids (or nothing), are safe to run twice, and
call the work in laurel.webhooks.delivery and laurel.webhooks.expiry."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from laurel.tasks import enqueue_on_commit
from laurel.webhooks import delivery, expiry


@task(queue_name="webhooks")
def deliver_webhook(delivery_id: int) -> None:
    """One attempt at a delivery; when another is due, enqueue it (the backend has no
    retries of its own)."""
    retry_at = delivery.deliver(delivery_id)
    if retry_at is not None:
        enqueue_on_commit(deliver_webhook, delivery_id, run_after=retry_at)


def _enqueue_delivery(delivery_id: int) -> None:
    enqueue_on_commit(deliver_webhook, delivery_id)


@task(queue_name="webhooks")
def announce_expired_credentials_task() -> int:
    """The `credential.expired` sweep, then the next one enqueued (even if this one failed)."""
    try:
        return expiry.announce_expired_credentials(enqueue_delivery=_enqueue_delivery)
    finally:
        schedule_expiry_sweep()


def schedule_expiry_sweep(now: datetime | None = None) -> bool:
    """Enqueue the sweep for the next slot, unless someone already did.

    Called by every `laurel worker` when it starts and by the sweep itself when it ends, so
    a chain of sweeps runs every LAUREL_EXPIRY_SWEEP_SECONDS for as long as any worker
    lives (one per slot however many workers: expiry.claim_sweep_slot). Returns whether
    this call enqueued it.
    """
    slot = expiry.claim_sweep_slot(now)
    if slot is None:
        return False
    announce_expired_credentials_task.using(run_after=slot).enqueue()
    return True
