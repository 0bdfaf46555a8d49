"""Email use cases: queue the issuance email, queue again what a dead worker left.

Emails are rendered when they are queued (the row holds exactly what the recipient gets,
which is also what the outbox shows) and sent by the `send_email` task, never in a
request; the sending itself is laurel.mail.delivery.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from laurel.mail.language import email_language
from laurel.mail.models import EmailDelivery
from laurel.mail.tasks import send_email
from laurel.tasks import enqueue_on_commit


def credential_page_url(credential) -> str:
    return f"{settings.LAUREL_BASE_URL}/credential/{credential.id}"


def one_line(subject: str) -> str:
    """A subject on one line, whatever the names hold: runs of spaces, tabs and line breaks
    become one space (a no-break space, as French puts before « : », stays)."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", subject).strip()


def render_issuance_email(*, credential) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the email that tells a recipient about a credential,
    in its organization's email language (laurel.mail.language)."""
    context = {
        "organization_name": credential.organization.name,
        "group_title": credential.group.title,
        "recipient_name": credential.recipient_name,
        "view_url": credential_page_url(credential),
    }
    with translation.override(email_language(credential.organization)):
        subject = render_to_string("mail/issuance_subject.txt", context)
        text = render_to_string("mail/issuance.txt", context)
        html = render_to_string("mail/issuance.html", context)
    subject = one_line(subject)
    return subject, text, html


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
