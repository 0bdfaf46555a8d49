"""The invitation email: queued in the EmailDelivery outbox like every other email.

Rendered when queued (the row holds exactly what the invitee gets) and sent by the same
task as the issuance emails (laurel.mail.tasks.send_email), after the invitation commits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from laurel.mail.language import email_language
from laurel.mail.models import EmailDelivery
from laurel.mail.rendering import one_line
from laurel.mail.tasks import send_email
from laurel.tasks import enqueue_on_commit

KIND = "invitation"


def invitation_url(token: str) -> str:
    return f"{settings.LAUREL_BASE_URL}/invitations/{token}"


def render_invitation_email(*, invitation, token: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the email that invites someone to an organization."""
    inviter = invitation.invited_by
    context = {
        "organization_name": invitation.organization.name,
        "inviter": getattr(inviter, "email", "") if inviter else "",
        "accept_url": invitation_url(token),
        "expires_at": invitation.expires_at,
    }
    with translation.override(email_language(invitation.organization)):
        context["role"] = invitation.get_role_display()  # in the email's language
        subject = render_to_string("mail/invitation_subject.txt", context)
        text = render_to_string("mail/invitation.txt", context)
        html = render_to_string("mail/invitation.html", context)
    subject = one_line(subject)
    return subject, text, html


@transaction.atomic(savepoint=False)  # inside the invite service's transaction
def queue_invitation_email(*, invitation, token: str) -> EmailDelivery | None:
    """Record the invitation email and send it after commit; None (nothing recorded) when
    the organization has switched emails off (the inviter then shares the link)."""
    organization = invitation.organization
    if not organization.emails_enabled:
        return None
    subject, text, html = render_invitation_email(invitation=invitation, token=token)
    delivery = EmailDelivery.objects.create(
        organization=organization,
        kind=KIND,
        to_email=invitation.email,
        subject=subject[:300],
        body_text=text,
        body_html=html,
    )
    enqueue_on_commit(send_email, delivery.id)
    return delivery
