"""Background tasks for email. They take ids, are safe to run twice, and call the work in
laurel.mail.delivery."""

from __future__ import annotations

from django_tasks import task

from laurel.mail.delivery import deliver
from laurel.tasks import enqueue_on_commit


@task(queue_name="email")
def send_email(delivery_id: int) -> str:
    """Send one queued EmailDelivery; after an SMTP error, enqueue the next attempt (the
    backend has no retries of its own)."""
    attempt = deliver(delivery_id=delivery_id)
    if attempt.retry_at is not None:
        enqueue_on_commit(send_email, delivery_id, run_after=attempt.retry_at)
    return attempt.outcome
