"""Background tasks for email. They take ids and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from laurel.mail import services


@task(queue_name="email")
def send_email(delivery_id: int) -> str:
    """Send one queued EmailDelivery (retries re-enqueue this task with a delay)."""
    return services.deliver(delivery_id=delivery_id)
