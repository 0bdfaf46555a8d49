"""Resending the issuance email: Owner/Admin, once a week unless the last send failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials.services import issue, resend_email, revoke
from laurel.mail.models import EmailDelivery
from laurel.organizations.errors import Cooldown, EmailsDisabled, InvalidStatus
from laurel.organizations.services import update_organization_settings


@pytest.fixture
def published(owner, never_group):
    return issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
    )


def deliveries(credential):
    return list(EmailDelivery.objects.filter(credential_id=credential.id).order_by("id"))


@pytest.mark.parametrize(
    "last_status, days_ago, allowed",
    [
        ("queued", 0, False),
        ("sent", 0, False),
        ("sent", 6, False),
        ("sent", 7.01, True),
        ("failed", 0, True),
        ("failed", 3, True),
    ],
)
def test_the_cooldown_holds_unless_the_last_send_failed(
    owner, published, last_status, days_ago, allowed
):
    moment = timezone.now() - timedelta(days=days_ago)
    EmailDelivery.objects.filter(credential_id=published.id).update(
        status=last_status, sent_at=moment if last_status == "sent" else None, created_at=moment
    )
    if allowed:
        delivery = resend_email(actor=owner, credential_id=published.id)
        assert [d.kind for d in deliveries(published)] == ["issuance", "resend"]
        assert delivery.to_email == "ada@example.org"
    else:
        with pytest.raises(Cooldown) as caught:
            resend_email(actor=owner, credential_id=published.id)
        assert caught.value.http_status == 429
        assert 0 < caught.value.retry_after <= 7 * 24 * 3600 + 1
        assert len(deliveries(published)) == 1


def test_a_credential_never_emailed_can_be_sent(owner, published):
    EmailDelivery.objects.filter(credential_id=published.id).delete()
    resend_email(actor=owner, credential_id=published.id)
    assert [d.kind for d in deliveries(published)] == ["resend"]


def test_a_revoked_credential_is_not_resent(owner, published):
    revoke(actor=owner, credential_id=published.id, reason="r")
    EmailDelivery.objects.filter(credential_id=published.id).update(status="failed")
    with pytest.raises(InvalidStatus):
        resend_email(actor=owner, credential_id=published.id)


def test_nothing_is_sent_when_emails_are_switched_off(owner, published):
    EmailDelivery.objects.filter(credential_id=published.id).update(status="failed")
    update_organization_settings(actor=owner, emails_enabled=False)
    with pytest.raises(EmailsDisabled):
        resend_email(actor=owner, credential_id=published.id)
    assert len(deliveries(published)) == 1
