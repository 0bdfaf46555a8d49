"""Email use cases: queue the issuance email, deliver one queued email.

Emails are rendered when they are queued (the row holds exactly what the recipient gets,
which is also what the outbox shows) and sent by a task, never in a request.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from laurel.mail.models import EmailDelivery
from laurel.tasks import enqueue_on_commit, retry_at

logger = logging.getLogger(__name__)

SWITCHED_OFF = "Emails were switched off for this organization before this one was sent."


def credential_page_url(credential) -> str:
    return f"{settings.LAUREL_BASE_URL}/credential/{credential.id}"


def render_issuance_email(*, credential) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the email that tells a recipient about a credential."""
    context = {
        "organization_name": credential.organization.name,
        "group_title": credential.group.title,
        "recipient_name": credential.recipient_name,
        "view_url": credential_page_url(credential),
    }
    subject = render_to_string("mail/issuance_subject.txt", context)
    subject = " ".join(subject.split())  # one line, whatever the names hold
    text = render_to_string("mail/issuance.txt", context)
    html = render_to_string("mail/issuance.html", context)
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


def deliver(*, delivery_id: int) -> str:
    """Send one queued email; safe to run twice or from two workers at once.

    Returns what happened: "sent", "outbox", "retry", "failed" or "skipped" (not queued:
    another worker has it, or it is already done).
    """
    if settings.LAUREL_EMAIL_OUTBOX and _record_in_outbox(delivery_id):
        return "outbox"
    if not _claim(delivery_id):
        return "skipped"
    delivery = EmailDelivery.objects.select_related("organization").get(id=delivery_id)
    if not delivery.organization.emails_enabled:
        _mark_failed(delivery, SWITCHED_OFF)
        return "failed"
    if settings.LAUREL_EMAIL_OUTBOX:
        _mark_sent(delivery, EmailDelivery.Backend.OUTBOX)
        return "outbox"
    # Outside any transaction: the network is slow and a write lock must not wait on it.
    try:
        _send_smtp(delivery)
    except (smtplib.SMTPException, OSError) as exc:
        return _record_failure(delivery, describe_smtp_error(exc))
    except Exception as exc:
        # Not the network: trying again would fail the same way. Record it, never leave
        # the row claimed ("sending") forever.
        logger.exception("Email delivery %s could not be sent", delivery.id)
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
        _mark_failed(delivery, f"{type(exc).__name__}: {exc}")
        return "failed"
    _mark_sent(delivery, EmailDelivery.Backend.SMTP)
    return "sent"


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


def describe_smtp_error(exc: BaseException) -> str:
    """One line a person can read: the SMTP code and message when the server gave one."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {_smtp_reply(code, message)}"
            for address, (code, message) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return _smtp_reply(exc.smtp_code, exc.smtp_error)
    return f"{type(exc).__name__}: {exc}".strip()


def _smtp_reply(code: int, message: bytes | str) -> str:
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return f"{code} {message}".strip()


def _enqueue_send(delivery_id: int, *, run_after=None) -> None:
    from laurel.mail.tasks import send_email

    enqueue_on_commit(send_email, delivery_id, run_after=run_after)


def _record_in_outbox(delivery_id: int) -> bool:
    """Queued → sent to the outbox in one conditional UPDATE (no network to wait for, so no
    "sending" in between); False when it is not queued or its organization switched
    emails off (deliver then says which)."""
    now = timezone.now()
    recorded = EmailDelivery.objects.filter(
        id=delivery_id, status=EmailDelivery.Status.QUEUED, organization__emails_enabled=True
    ).update(
        status=EmailDelivery.Status.SENT,
        backend=EmailDelivery.Backend.OUTBOX,
        attempts=F("attempts") + 1,
        sent_at=now,
        next_attempt_at=None,
        error="",
        updated_at=now,
    )
    return recorded == 1


def _claim(delivery_id: int) -> bool:
    # A conditional UPDATE is the lock: only one worker turns queued into sending.
    claimed = EmailDelivery.objects.filter(
        id=delivery_id, status=EmailDelivery.Status.QUEUED
    ).update(status=EmailDelivery.Status.SENDING, updated_at=timezone.now())
    return claimed == 1


def _send_smtp(delivery: EmailDelivery) -> None:
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_email],
        connection=get_connection(fail_silently=False),  # settings.EMAIL_BACKEND
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    message.send(fail_silently=False)


def _mark_sent(delivery: EmailDelivery, backend: str) -> None:
    delivery.status = EmailDelivery.Status.SENT
    delivery.backend = backend
    delivery.attempts += 1
    delivery.sent_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.error = ""
    delivery.save(
        update_fields=[
            "status",
            "backend",
            "attempts",
            "sent_at",
            "next_attempt_at",
            "error",
            "updated_at",
        ]
    )


def _mark_failed(delivery: EmailDelivery, error: str) -> None:
    delivery.status = EmailDelivery.Status.FAILED
    delivery.error = error
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "error", "next_attempt_at", "updated_at"])


def _record_failure(delivery: EmailDelivery, error: str) -> str:
    delivery.attempts += 1
    delivery.backend = EmailDelivery.Backend.SMTP
    if delivery.attempts >= settings.LAUREL_EMAIL_MAX_ATTEMPTS:
        delivery.save(update_fields=["attempts", "backend"])
        _mark_failed(delivery, error)
        return "failed"
    delivery.status = EmailDelivery.Status.QUEUED
    delivery.error = error
    delivery.next_attempt_at = retry_at(
        delivery.attempts, base_seconds=settings.LAUREL_EMAIL_RETRY_SECONDS
    )
    delivery.save(
        update_fields=["status", "error", "attempts", "backend", "next_attempt_at", "updated_at"]
    )
    _enqueue_send(delivery.id, run_after=delivery.next_attempt_at)
    return "retry"
