"""Settings → Webhooks: subscribe (the secret shown once), the delivery log, resend,
unsubscribe."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from laurel.organizations.models import AuditEvent
from laurel.webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

HOOK = "https://93.184.215.14/laurel"  # a public address: no DNS needed


def url(organization, page):
    return f"/organizations/{organization.slug}/settings/{page}"


def test_subscribe_shows_the_secret_once(member_login, admin):
    client = member_login(admin.user)
    response = client.post(
        url(admin.organization, "webhooks"),
        {"url": HOOK, "events": ["credential.issued", "credential.revoked"], "description": "CRM"},
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["credential.issued", "credential.revoked"]
    assert subscription.secret in response.content.decode()
    listing = client.get(url(admin.organization, "webhooks")).content.decode()
    assert HOOK in listing and subscription.secret not in listing


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"url": "ftp://example.org/x", "events": ["credential.issued"]}, "url", "http"),
        ({"url": "http://127.0.0.1:9/x", "events": ["credential.issued"]}, "url", ""),
        ({"url": HOOK, "events": []}, "events", "at least one event"),
        ({"url": HOOK, "events": ["credential.stolen"]}, "events", "valid choice"),
    ],
)
def test_a_bad_subscription_keeps_what_was_typed(member_login, owner, data, field, message):
    response = member_login(owner.user).post(url(owner.organization, "webhooks"), data)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    body = response.content.decode()
    assert f'value="{data["url"]}"' in body
    assert not WebhookSubscription.objects.exists()


@pytest.fixture
def logged(acme):
    subscription = WebhookSubscription.objects.create(
        organization=acme, url=HOOK, events=["credential.issued"], secret="s"
    )
    failed = WebhookDelivery.objects.create(
        subscription=subscription,
        organization=acme,
        event_id="evt_failed",
        event="credential.issued",
        payload={"id": "evt_failed"},
        status="failed",
        attempts=8,
        last_status_code=503,
        last_error="HTTP 503",
    )
    pending = WebhookDelivery.objects.create(
        subscription=subscription,
        organization=acme,
        event_id="evt_pending",
        event="credential.issued",
        payload={},
        attempts=1,
        last_error="ConnectionError: refused <b>",
    )
    return subscription, failed, pending


def test_the_delivery_log_shows_each_delivery_with_its_attempts(member_login, issuer, logged):
    subscription, failed, pending = logged
    body = (
        member_login(issuer.user)
        .get(url(issuer.organization, f"webhooks/{subscription.pk}"))
        .content.decode()
    )
    assert "evt_failed" in body and "HTTP 503" in body and "Failed" in body
    assert "ConnectionError: refused &lt;b&gt;" in body and "Pending" in body


def test_resend_queues_the_delivery_again(member_login, owner, logged):
    subscription, failed, _ = logged
    tasks = DBTaskResult.objects.count()
    response = member_login(owner.user).post(
        url(owner.organization, f"webhook-deliveries/{failed.pk}/resend")
    )
    assert response.status_code == 302
    assert response["Location"] == url(owner.organization, f"webhooks/{subscription.pk}")
    failed.refresh_from_db()
    assert failed.status == "pending"
    assert DBTaskResult.objects.count() == tasks + 1
    assert AuditEvent.objects.filter(action="webhook.delivery_resent").count() == 1


def test_resending_a_pending_delivery_is_refused_with_a_message(member_login, owner, logged):
    _, _, pending = logged
    client = member_login(owner.user)
    response = client.post(url(owner.organization, f"webhook-deliveries/{pending.pk}/resend"))
    assert response.status_code == 302
    assert "still being attempted" in client.get(response["Location"]).content.decode()


def test_unsubscribe_removes_it_from_the_list(member_login, admin, logged):
    subscription, _, _ = logged
    client = member_login(admin.user)
    response = client.post(url(admin.organization, f"webhooks/{subscription.pk}/delete"))
    assert response.status_code == 302
    page = client.get(url(admin.organization, "webhooks"))
    assert "removed." in page.content.decode()  # the toast
    assert page.context["subscriptions"] == []
    assert "No webhooks yet" in page.content.decode()
    assert client.get(url(admin.organization, f"webhooks/{subscription.pk}")).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_log_shows_every_attempt_of_a_real_delivery_and_a_resend_adds_one(
    member_login, owner, settings
):
    """A real receiver on loopback answers 500, 503, then 200: the worker's three attempts
    are three rows (number, answer, duration, time), listed under their delivery; sending
    it again makes a fourth."""
    from django.db import transaction

    from laurel.webhooks.models import WebhookAttempt
    from laurel.webhooks.services import emit
    from tests.api.webhook_receiver import webhook_receiver
    from tests.helpers.tasks import run_pending_tasks

    settings.LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.LAUREL_WEBHOOK_RETRY_BASE_SECONDS = 0
    organization = owner.organization
    with webhook_receiver(statuses=[500, 503, 200, 204]) as receiver:
        subscription = WebhookSubscription.objects.create(
            organization=organization, url=receiver.url, events=["credential.issued"], secret="s"
        )
        with transaction.atomic():
            emit("credential.issued", organization_id=organization.pk, data={"x": 1})
        run_pending_tasks()
        delivery = WebhookDelivery.objects.get()
        attempts = list(WebhookAttempt.objects.filter(delivery=delivery))
        assert [(a.number, a.status_code, a.error) for a in attempts] == [
            (1, 500, "HTTP 500"),
            (2, 503, "HTTP 503"),
            (3, 200, ""),
        ]
        assert all(a.duration_ms >= 0 and a.organization_id == organization.pk for a in attempts)
        assert attempts[0].attempted_at <= attempts[1].attempted_at <= attempts[2].attempted_at

        client = member_login(owner.user)
        page = client.get(url(organization, f"webhooks/{subscription.pk}")).content.decode()
        assert "3 attempts" in page
        for number, answer in [(1, "HTTP 500"), (2, "HTTP 503"), (3, "HTTP 200")]:
            assert f"#{number}" in page and answer in page
        assert page.count('class="attempt attempt-failed"') == 2
        assert page.count('class="attempt attempt-ok"') == 1

        response = client.post(url(organization, f"webhook-deliveries/{delivery.pk}/resend"))
        assert response.status_code == 302
        run_pending_tasks()
    assert len(receiver.received) == 4
    fourth = WebhookAttempt.objects.filter(delivery=delivery).order_by("number").last()
    assert (fourth.number, fourth.status_code) == (4, 204)
    page = client.get(url(organization, f"webhooks/{subscription.pk}")).content.decode()
    assert "4 attempts" in page and "HTTP 204" in page


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_receiver_is_logged_per_attempt_with_the_error(owner, settings):
    from django.db import transaction

    from laurel.webhooks.models import WebhookAttempt
    from laurel.webhooks.services import emit
    from tests.api.webhook_receiver import webhook_receiver
    from tests.helpers.tasks import run_pending_tasks

    settings.LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.LAUREL_WEBHOOK_RETRY_BASE_SECONDS = 0
    settings.LAUREL_WEBHOOK_MAX_ATTEMPTS = 2
    with webhook_receiver() as receiver:
        gone = receiver.url  # the server stops: connection refused
    WebhookSubscription.objects.create(
        organization=owner.organization, url=gone, events=["credential.issued"], secret="s"
    )
    with transaction.atomic():
        emit("credential.issued", organization_id=owner.organization.pk, data={})
    run_pending_tasks()
    attempts = list(WebhookAttempt.objects.order_by("number"))
    assert [a.number for a in attempts] == [1, 2]
    assert all(a.status_code is None and "ConnectionError" in a.error for a in attempts)
    assert WebhookDelivery.objects.get().status == "failed"
