"""Django's email backend in embedded mode: account emails land in the outbox.

Emails Laurel writes itself (issuance, invitations) are EmailDelivery rows from the start.
Those django-allauth sends (sign-up confirmation, password reset) go through Django's
EMAIL_BACKEND; without SMTP settings this backend records each as an outbox row, marked
sent with backend "outbox", so staff can read them in the admin and nothing is lost.
"""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        from laurel.mail.models import EmailDelivery

        now = timezone.now()
        rows = []
        for message in email_messages:
            html = next(
                (
                    body
                    for body, mimetype in getattr(message, "alternatives", [])
                    if mimetype == "text/html"
                ),
                "",
            )
            for recipient in message.recipients():
                rows.append(
                    EmailDelivery(
                        organization=None,
                        kind=EmailDelivery.Kind.ACCOUNT,
                        to_email=recipient[:254],
                        subject=" ".join(str(message.subject).split())[:300],
                        body_text=str(message.body),
                        body_html=str(html),
                        status=EmailDelivery.Status.SENT,
                        backend=EmailDelivery.Backend.OUTBOX,
                        attempts=1,
                        sent_at=now,
                    )
                )
        EmailDelivery.objects.bulk_create(rows)
        return len(email_messages)
