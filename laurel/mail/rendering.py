"""What an email says: the issuance email rendered in its organization's language, and
the bodies of a bulk batch's issuance emails, rendered when they are sent.

Kept apart from laurel.mail.services so that the sending (laurel.mail.delivery, which the
services' tasks import) can render too.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from laurel.mail.language import email_language
from laurel.mail.models import EmailDelivery


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


def issuance_subjects(credentials) -> list[str]:
    """The issuance email's subject of each of `credentials` (one organization and group):
    rendered once for them all when it does not depend on the recipient (rendered with
    markers for the recipient's name and link, it holds neither), else one by one."""
    name, url = "\ue000laurel-recipient-name\ue000", "\ue000laurel-view-url\ue000"
    sample = credentials[0]
    context = {
        "organization_name": sample.organization.name,
        "group_title": sample.group.title,
        "recipient_name": name,
        "view_url": url,
    }
    with translation.override(email_language(sample.organization)):
        subject = one_line(render_to_string("mail/issuance_subject.txt", context))
    if name not in subject and url not in subject:
        return [subject] * len(credentials)
    return [render_issuance_email(credential=credential)[0] for credential in credentials]


def rendered_when_sent(delivery: EmailDelivery) -> bool:
    """Whether `delivery` is an issuance email queued without its bodies (in bulk): they
    are rendered from its credential when it is sent. Every rendered email has a plain
    text body."""
    return (
        not delivery.body_text
        and delivery.credential_id is not None
        and delivery.kind in (EmailDelivery.Kind.ISSUANCE, EmailDelivery.Kind.RESEND)
    )


def email_contents(delivery: EmailDelivery) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of `delivery`: as stored, or, for one rendered when
    sent and not sent yet, as it would be sent now (the outbox shows it so)."""
    if not rendered_when_sent(delivery):
        return delivery.subject, delivery.body_text, delivery.body_html
    from laurel.credentials.models import Credential

    credential = Credential.objects.select_related("organization", "group").get(
        pk=delivery.credential_id
    )
    # Plain strings, as a stored row gives them: render_to_string's are marked safe, which
    # would let them into HTML unescaped (the outbox shows them in a page and an attribute).
    return tuple(str.__str__(part) for part in render_issuance_email(credential=credential))


def render_when_sent(delivery: EmailDelivery) -> None:
    """Store the contents of a delivery rendered when sent, before it is sent (from then
    on, the row holds what the recipient got); nothing for one stored rendered."""
    if rendered_when_sent(delivery):
        delivery.subject, delivery.body_text, delivery.body_html = email_contents(delivery)
        delivery.save(update_fields=["subject", "body_text", "body_html", "updated_at"])
