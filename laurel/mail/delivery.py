"""Delivering one queued email: claim it, send it (SMTP or the outbox), record the outcome.

Called by the `send_email` task (laurel.mail.tasks), which enqueues the next attempt when
this one says when to try again; nothing here enqueues anything.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from laurel.mail.models import EmailDelivery
from laurel.mail.rendering import render_when_sent
from laurel.tasks import retry_at

logger = logging.getLogger(__name__)

SWITCHED_OFF = "Emails were switched off for this organization before this one was sent."


@dataclass(frozen=True)
class Attempt:
    """What one delivery attempt did: `outcome` is "sent", "outbox", "retry", "failed" or
    "skipped" (not queued: another worker has it, or it is already done); `retry_at` is
    when the next attempt may run (outcome "retry" only)."""

    outcome: str
    retry_at: datetime | None = None


def deliver(*, delivery_id: int) -> Attempt:
    """Send one queued email; safe to run twice or from two workers at once."""
    if settings.LAUREL_EMAIL_OUTBOX:
        with transaction.atomic():  # recorded together with its contents, or not at all
            if _record_in_outbox(delivery_id):
                render_when_sent(EmailDelivery.objects.get(id=delivery_id))
                return Attempt("outbox")
    if not _claim(delivery_id):
        return Attempt("skipped")
    delivery = EmailDelivery.objects.select_related("organization").get(id=delivery_id)
    if not delivery.organization.emails_enabled:
        _mark_failed(delivery, SWITCHED_OFF)
        return Attempt("failed")
    render_when_sent(delivery)
    if settings.LAUREL_EMAIL_OUTBOX:
        _mark_sent(delivery, EmailDelivery.Backend.OUTBOX)
        return Attempt("outbox")
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
        return Attempt("failed")
    _mark_sent(delivery, EmailDelivery.Backend.SMTP)
    return Attempt("sent")


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


def _record_failure(delivery: EmailDelivery, error: str) -> Attempt:
    delivery.attempts += 1
    delivery.backend = EmailDelivery.Backend.SMTP
    if delivery.attempts >= settings.LAUREL_EMAIL_MAX_ATTEMPTS:
        delivery.save(update_fields=["attempts", "backend"])
        _mark_failed(delivery, error)
        return Attempt("failed")
    delivery.status = EmailDelivery.Status.QUEUED
    delivery.error = error
    delivery.next_attempt_at = retry_at(
        delivery.attempts, base_seconds=settings.LAUREL_EMAIL_RETRY_SECONDS
    )
    delivery.save(
        update_fields=["status", "error", "attempts", "backend", "next_attempt_at", "updated_at"]
    )
    return Attempt("retry", retry_at=delivery.next_attempt_at)
