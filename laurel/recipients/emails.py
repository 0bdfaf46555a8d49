"""The email that answers a correction request: queued in the EmailDelivery outbox like
every other email Laurel writes, and sent after the answer commits."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from laurel.mail.language import email_language
from laurel.mail.models import EmailDelivery
from laurel.mail.rendering import one_line
from laurel.tasks import enqueue_on_commit


def render_correction_email(*, correction) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the issuer's answer to a correction request."""
    credential = correction.credential
    new = correction.new_credential
    context = {
        "organization_name": credential.organization.name,
        "group_title": credential.group.title,
        "recipient_name": (new or credential).recipient_name,
        "resolved": correction.status == correction.Status.RESOLVED,
        "response": correction.response,
        "view_url": f"{settings.LAUREL_BASE_URL}/credential/{(new or credential).pk}",
        "wallet_url": f"{settings.LAUREL_BASE_URL}/wallet",
    }
    with translation.override(email_language(credential.organization)):
        subject = one_line(render_to_string("mail/correction_subject.txt", context))
        text = render_to_string("mail/correction.txt", context)
        html = render_to_string("mail/correction.html", context)
    return subject, text, html


@transaction.atomic(savepoint=False)  # inside the resolving service's transaction
def queue_correction_email(*, correction) -> EmailDelivery | None:
    """Record the answer's email to the recipient and send it after commit; None (nothing
    recorded) when the organization has switched emails off (the wallet still shows it)."""
    credential = correction.credential
    organization = credential.organization
    if not organization.emails_enabled:
        return None
    subject, text, html = render_correction_email(correction=correction)
    delivery = EmailDelivery.objects.create(
        organization=organization,
        credential=correction.new_credential or credential,
        kind=EmailDelivery.Kind.CORRECTION,
        to_email=credential.recipient_email,
        subject=subject[:300],
        body_text=text,
        body_html=html,
    )
    from laurel.mail.tasks import send_email

    enqueue_on_commit(send_email, delivery.id)
    return delivery
