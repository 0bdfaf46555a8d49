"""In embedded mode the emails allauth sends (confirmation, password reset) land in the
outbox staff read, like every other email: none is lost for want of SMTP settings."""

from __future__ import annotations

import re

from django.test import override_settings

from laurel.mail.models import EmailDelivery
from tests.web.conftest import PASSWORD

OUTBOX = "laurel.mail.backends.OutboxBackend"


@override_settings(EMAIL_BACKEND=OUTBOX)
def test_a_password_reset_email_is_recorded_in_the_outbox(client, user_factory):
    user_factory("ada@example.org", password=PASSWORD)
    response = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert response.status_code == 302
    row = EmailDelivery.objects.get(kind=EmailDelivery.Kind.ACCOUNT)
    assert row.organization is None
    assert (row.to_email, row.status, row.backend) == ("ada@example.org", "sent", "outbox")
    assert re.search(r"/accounts/password/reset/key/\S+", row.body_text)


@override_settings(EMAIL_BACKEND=OUTBOX)
def test_the_sign_up_confirmation_is_recorded_in_the_outbox(client, db):
    client.post(
        "/accounts/signup/",
        {
            "organization": "New Co",
            "email": "grace@newco.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    row = EmailDelivery.objects.get(kind=EmailDelivery.Kind.ACCOUNT, to_email="grace@newco.example")
    assert "/accounts/confirm-email/" in row.body_text
    assert row.subject.startswith("[Laurel]")


def test_staff_read_account_emails_in_the_outbox_admin(admin_client, db):
    EmailDelivery.objects.create(
        organization=None,
        kind="account",
        to_email="x@example.org",
        subject="Confirm",
        body_text="b",
    )
    response = admin_client.get("/admin/mail/emaildelivery/")
    assert response.status_code == 200
    assert "x@example.org" in response.content.decode()
