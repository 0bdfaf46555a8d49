"""Email use cases: queue the issuance email, queue again what a dead worker left.

Emails are rendered when they are queued (the row holds exactly what the recipient gets,
which is also what the outbox shows), except a bulk batch's issuance emails, whose bodies
are rendered when sent and stored then; they are sent by the `send_email` task, never in
a request; the sending itself is laurel.mail.delivery.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from laurel import rows
from laurel.mail.models import EmailDelivery
from laurel.mail.rendering import issuance_subjects, render_issuance_email
from laurel.mail.tasks import send_email
from laurel.tasks import enqueue_many_on_commit, enqueue_on_commit


@transaction.atomic(savepoint=False)  # inside a service's transaction: one with it
def queue_issuance_email(
    *, credential, kind: str = EmailDelivery.Kind.ISSUANCE
) -> EmailDelivery | None:
    """Record the issuance email for `credential` and send it after commit.

    Returns None (and records nothing) when the organization has switched emails off.
    """
    organization = credential.organization
    if not organization.emails_enabled:
        return None
    subject, text, html = render_issuance_email(credential=credential)
    delivery = EmailDelivery.objects.create(
        organization=organization,
        credential=credential,
        kind=kind,
        to_email=credential.recipient_email,
        subject=subject,
        body_text=text,
        body_html=html,
    )
    _enqueue_send(delivery.id)
    return delivery


@transaction.atomic(savepoint=False)
def queue_issuance_emails(credentials, *, organization) -> list[int]:
    """`queue_issuance_email` for many credentials of `organization` and one group (a bulk
    batch): the deliveries in one INSERT, their send tasks in another. Returns the
    deliveries' ids.

    Their bodies are rendered when they are sent (`render_when_sent`), not here: a bulk
    batch then writes a subject a recipient, not 4 KB of HTML and text that the send
    would only read back (about a tenth of a bulk worker's time, bench/bulk.py)."""
    if not organization.emails_enabled or not credentials:
        return []
    now = timezone.now()
    deliveries = []
    for credential, subject in zip(credentials, issuance_subjects(credentials), strict=True):
        if credential.group_id != credentials[0].group_id:
            raise ValueError("queue_issuance_emails takes the credentials of one group")
        deliveries.append(
            {
                "organization": organization.pk,
                "credential": credential.pk,
                "kind": EmailDelivery.Kind.ISSUANCE,
                "to_email": credential.recipient_email,
                "subject": subject,
                "body_text": "",
                "body_html": "",
                "created_at": now,
                "updated_at": now,
            }
        )
    ids = rows.insert_values(EmailDelivery, deliveries, returning=True)
    enqueue_many_on_commit(send_email, [(delivery_id,) for delivery_id in ids])
    return ids


def requeue_stalled_deliveries(*, older_than: timedelta | None = None) -> int:
    """Queue again the deliveries a dead worker left "sending"; returns how many.

    A send takes at most EMAIL_TIMEOUT; a row still "sending" long after that belongs to a
    worker that was killed mid-send. Workers call this when they start.
    """
    older_than = older_than or timedelta(seconds=settings.LAUREL_EMAIL_STALLED_SECONDS)
    stalled = list(
        EmailDelivery.objects.filter(
            status=EmailDelivery.Status.SENDING, updated_at__lt=timezone.now() - older_than
        ).values_list("id", flat=True)
    )
    requeued = 0
    for delivery_id in stalled:
        with transaction.atomic():
            # Conditional, like the claim: a worker that is alive after all keeps its row.
            if EmailDelivery.objects.filter(
                id=delivery_id, status=EmailDelivery.Status.SENDING
            ).update(
                status=EmailDelivery.Status.QUEUED, next_attempt_at=None, updated_at=timezone.now()
            ):
                _enqueue_send(delivery_id)
                requeued += 1
    return requeued


def _enqueue_send(delivery_id: int) -> None:
    enqueue_on_commit(send_email, delivery_id)
