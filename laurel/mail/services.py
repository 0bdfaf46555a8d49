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

from laurel import rows
from laurel.mail.language import email_language
from laurel.mail.models import EmailDelivery
from laurel.mail.tasks import send_email
from laurel.tasks import enqueue_many_on_commit, enqueue_on_commit


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


class _IssuanceEmails:
    """`render_issuance_email` for the many credentials of one group and organization:
    the three templates rendered once with markers where the recipient's name and link go,
    then each email by replacing the markers with that recipient's values, escaped as the
    template would have (the HTML escapes, the plain parts do not). The first credential is
    also rendered the slow way and compared: if the templates do anything else with those
    values, every email is rendered in full instead."""

    NAME, URL = "\ue000laurel-recipient-name\ue000", "\ue000laurel-view-url\ue000"

    def __init__(self, sample) -> None:
        from types import SimpleNamespace

        marked = SimpleNamespace(
            id="", organization=sample.organization, group=sample.group, recipient_name=self.NAME
        )
        self.frames = self._render_raw(marked)
        self.exact = self._fill(sample) == render_issuance_email(credential=sample)

    @classmethod
    def _render_raw(cls, credential) -> tuple[str, str, str]:
        context = {
            "organization_name": credential.organization.name,
            "group_title": credential.group.title,
            "recipient_name": credential.recipient_name,
            "view_url": cls.URL,
        }
        with translation.override(email_language(credential.organization)):
            return (
                render_to_string("mail/issuance_subject.txt", context),
                render_to_string("mail/issuance.txt", context),
                render_to_string("mail/issuance.html", context),
            )

    def _fill(self, credential) -> tuple[str, str, str]:
        from django.utils.html import escape

        name, url = credential.recipient_name, credential_page_url(credential)
        subject, text, html = self.frames
        subject = one_line(subject.replace(self.NAME, name).replace(self.URL, url))
        text = text.replace(self.NAME, name).replace(self.URL, url)
        html = html.replace(self.NAME, escape(name)).replace(self.URL, escape(url))
        return subject, text, html

    def render(self, credential) -> tuple[str, str, str]:
        name = credential.recipient_name
        if not self.exact or self.NAME in name or self.URL in name:
            return render_issuance_email(credential=credential)
        return self._fill(credential)


@transaction.atomic(savepoint=False)
def queue_issuance_emails(credentials, *, organization) -> list[int]:
    """`queue_issuance_email` for many credentials of `organization` and one group (a bulk
    batch): rendered from one rendering of the templates, the deliveries in one INSERT,
    their send tasks in another. Returns the deliveries' ids."""
    if not organization.emails_enabled or not credentials:
        return []
    emails = _IssuanceEmails(credentials[0])
    now = timezone.now()
    deliveries = []
    for credential in credentials:
        if credential.group_id != credentials[0].group_id:
            raise ValueError("queue_issuance_emails takes the credentials of one group")
        subject, text, html = emails.render(credential)
        deliveries.append(
            {
                "organization": organization.pk,
                "credential": credential.pk,
                "kind": EmailDelivery.Kind.ISSUANCE,
                "to_email": credential.recipient_email,
                "subject": subject,
                "body_text": text,
                "body_html": html,
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
