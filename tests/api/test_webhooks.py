"""Webhooks: subscribed through the API, delivered by the real worker to a real HTTP server
on loopback, signed, retried with backoff, and logged where the issuer can see them."""

import json
import time

import pytest
from django.db import transaction
from django.utils import timezone

from laurel.webhooks.models import WebhookDelivery, WebhookSubscription
from laurel.webhooks.services import emit
from laurel.webhooks.signing import signature_header, verify_signature_header
from tests.api.webhook_receiver import webhook_receiver
from tests.helpers.tasks import run_pending_tasks

EVENTS = ["credential.issued", "credential.revoked"]


@pytest.fixture(autouse=True)
def loopback_receivers_allowed(settings):
    # These tests deliver to a receiver on 127.0.0.1, which the default refuses (SSRF):
    # tests/api/test_webhook_targets.py proves the refusal.
    settings.LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS = True


def subscribe(api, org, url, events=EVENTS):
    response = api.post("/api/v1/webhooks", org.admin_key, {"url": url, "events": events})
    assert response.status_code == 201, response.content
    return response.json()


def announce(org, event="credential.issued", data=None):
    with transaction.atomic():
        return emit(
            event, organization_id=org.organization.pk, data=data or {"credential": {"id": "c1"}}
        )


# --- signing (what a receiver checks) ---------------------------------------------------


def test_signature_verifies_with_the_secret_and_the_exact_body():
    header = signature_header("whsec_x", b'{"a":1}', timestamp=int(time.time()))
    assert verify_signature_header("whsec_x", b'{"a":1}', header)
    assert not verify_signature_header("whsec_y", b'{"a":1}', header)
    assert not verify_signature_header("whsec_x", b'{"a":2}', header)


def test_signature_from_long_ago_is_refused_as_a_replay():
    old = int(time.time()) - 3600
    header = signature_header("whsec_x", b"{}", timestamp=old)
    assert not verify_signature_header("whsec_x", b"{}", header)
    assert verify_signature_header("whsec_x", b"{}", header, now=old + 10)


def test_signature_header_without_timestamp_is_refused():
    assert not verify_signature_header("whsec_x", b"{}", "v1=abc")


# --- delivery --------------------------------------------------------------------------

pytestmark_transactional = pytest.mark.django_db(transaction=True)


@pytestmark_transactional
def test_event_is_delivered_signed_to_the_subscribed_url(api, acme_keys):
    with webhook_receiver() as receiver:
        subscription = subscribe(api, acme_keys, receiver.url)
        assert announce(acme_keys, data={"credential": {"id": "abc"}}) == 1
        assert receiver.received == []  # never in the request: a task delivers it
        run_pending_tasks()

    assert len(receiver.received) == 1
    received = receiver.received[0]
    assert received.path == "/hooks/laurel"
    assert verify_signature_header(
        subscription["secret"], received.body, received.headers["X-Laurel-Signature"]
    )
    payload = json.loads(received.body)
    assert payload["type"] == "credential.issued"
    assert payload["data"] == {"credential": {"id": "abc"}}
    assert received.headers["X-Laurel-Event"] == "credential.issued"
    assert received.headers["X-Laurel-Delivery"] == payload["id"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered"
    assert delivery.attempts == 1 and delivery.last_status_code == 200
    assert delivery.delivered_at is not None


@pytestmark_transactional
def test_failed_delivery_is_retried_until_it_succeeds(api, acme_keys, settings):
    settings.LAUREL_WEBHOOK_RETRY_BASE_SECONDS = 0
    with webhook_receiver(statuses=[500, 503, 200]) as receiver:
        subscription = subscribe(api, acme_keys, receiver.url)
        announce(acme_keys)
        run_pending_tasks()

    assert len(receiver.received) == 3
    assert len({r.body for r in receiver.received}) == 1  # the same event each time
    for received in receiver.received:
        assert verify_signature_header(
            subscription["secret"], received.body, received.headers["X-Laurel-Signature"]
        )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)


@pytestmark_transactional
def test_delivery_gives_up_after_the_last_attempt_and_logs_why(api, acme_keys, settings):
    settings.LAUREL_WEBHOOK_RETRY_BASE_SECONDS = 0
    settings.LAUREL_WEBHOOK_MAX_ATTEMPTS = 3
    with webhook_receiver(statuses=[503]) as receiver:
        subscribe(api, acme_keys, receiver.url)
        announce(acme_keys)
        run_pending_tasks()

    assert len(receiver.received) == 3
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 3, 503)
    assert delivery.last_error == "HTTP 503"


@pytestmark_transactional
def test_retry_waits_for_its_backoff(api, acme_keys, settings):
    settings.LAUREL_WEBHOOK_RETRY_BASE_SECONDS = 3600
    with webhook_receiver(statuses=[500]) as receiver:
        subscribe(api, acme_keys, receiver.url)
        announce(acme_keys)
        run_pending_tasks()

    assert len(receiver.received) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 3500 < wait <= 3600


@pytestmark_transactional
def test_unreachable_url_is_logged_without_a_status_code(api, acme_keys, settings):
    settings.LAUREL_WEBHOOK_MAX_ATTEMPTS = 1
    with webhook_receiver() as receiver:
        url = receiver.url
    subscribe(api, acme_keys, url)  # the server is gone: connection refused
    announce(acme_keys)
    run_pending_tasks()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.last_status_code is None
    assert "ConnectionError" in delivery.last_error


@pytestmark_transactional
def test_event_of_a_rolled_back_change_is_never_delivered(api, acme_keys):
    with webhook_receiver() as receiver:
        subscribe(api, acme_keys, receiver.url)
        with pytest.raises(RuntimeError), transaction.atomic():
            emit("credential.issued", organization_id=acme_keys.organization.pk, data={})
            raise RuntimeError("the change failed")
        run_pending_tasks()

    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


@pytestmark_transactional
def test_only_subscribers_of_the_event_and_of_the_organization_receive_it(
    api, acme_keys, globex_keys
):
    with webhook_receiver() as acme_receiver, webhook_receiver() as globex_receiver:
        subscribe(api, acme_keys, acme_receiver.url, events=["credential.revoked"])
        subscribe(api, globex_keys, globex_receiver.url, events=["credential.issued"])
        assert announce(acme_keys, "credential.issued") == 0
        run_pending_tasks()

    assert acme_receiver.received == [] and globex_receiver.received == []


@pytestmark_transactional
def test_unsubscribed_url_receives_nothing_more(api, acme_keys):
    with webhook_receiver() as receiver:
        subscription = subscribe(api, acme_keys, receiver.url)
        announce(acme_keys)
        response = api.delete(f"/api/v1/webhooks/{subscription['id']}", acme_keys.admin_key)
        assert response.status_code == 204
        run_pending_tasks()
        assert announce(acme_keys) == 0

    assert receiver.received == []
    assert WebhookSubscription.objects.get().deleted_at is not None


# --- the API ---------------------------------------------------------------------------


def test_subscription_secret_is_shown_once(api, acme_keys):
    created = subscribe(api, acme_keys, "https://example.com/hook")
    assert created["secret"].startswith("whsec_")
    assert created["events"] == EVENTS
    listed = api.get("/api/v1/webhooks", acme_keys.issuer_key).json()["data"]
    assert [s["id"] for s in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert WebhookSubscription.objects.get().secret == created["secret"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "ftp://example.com/x", "events": EVENTS}, "URL"),
        ({"url": "not a url", "events": EVENTS}, "URL"),
        ({"url": "https://example.com/x", "events": ["credential.eaten"]}, "credential.eaten"),
        ({"url": "https://example.com/x", "events": []}, "at least one event"),
    ],
)
def test_bad_subscription_is_a_400_that_says_why(api, acme_keys, body, field):
    response = api.post("/api/v1/webhooks", acme_keys.admin_key, body)
    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_error"
    assert field in response.json()["error"]
    assert not WebhookSubscription.objects.exists()


def test_issuer_key_may_not_subscribe_or_unsubscribe(api, acme_keys):
    response = api.post(
        "/api/v1/webhooks", acme_keys.issuer_key, {"url": "https://example.com/x", "events": EVENTS}
    )
    assert response.status_code == 403
    assert response.json()["error_code"] == "forbidden"
    assert not WebhookSubscription.objects.exists()
    subscription = subscribe(api, acme_keys, "https://example.com/x")
    response = api.delete(f"/api/v1/webhooks/{subscription['id']}", acme_keys.issuer_key)
    assert response.status_code == 403
    assert WebhookSubscription.objects.get().deleted_at is None


@pytest.mark.parametrize("role", ["admin", "issuer"])
def test_another_organizations_subscription_looks_missing(api, acme_keys, globex_keys, role):
    theirs = subscribe(api, globex_keys, "https://globex.example/hook")
    for method, path in [
        ("GET", "/api/v1/webhooks/{id}/deliveries"),
        ("DELETE", "/api/v1/webhooks/{id}"),
    ]:
        response = api.call(method, path.format(id=theirs["id"]), acme_keys.key(role))
        missing = api.call(method, path.format(id="wh_doesnotexist"), acme_keys.key(role))
        # Exactly the answer for an id that does not exist: nothing leaks.
        assert (response.status_code, response.json()) == (missing.status_code, missing.json())
        expected = 403 if (role, method) == ("issuer", "DELETE") else 404
        assert response.status_code == expected, (method, path)
    assert api.get("/api/v1/webhooks", acme_keys.key(role)).json()["data"] == []
    assert WebhookSubscription.objects.get().deleted_at is None


@pytestmark_transactional
def test_deliveries_show_status_code_and_attempts_to_the_issuer(api, acme_keys, settings):
    settings.LAUREL_WEBHOOK_MAX_ATTEMPTS = 1
    with webhook_receiver(statuses=[410]) as receiver:
        subscription = subscribe(api, acme_keys, receiver.url)
        announce(acme_keys)
        run_pending_tasks()
    response = api.get(f"/api/v1/webhooks/{subscription['id']}/deliveries", acme_keys.issuer_key)
    assert response.status_code == 200
    [delivery] = response.json()["data"]
    assert delivery["event"] == "credential.issued"
    assert delivery["status"] == "failed"
    assert delivery["attempts"] == 1 and delivery["last_status_code"] == 410


# --- events from the domain, end to end -------------------------------------------------


@pytestmark_transactional
def test_issuing_renewing_and_revoking_through_the_api_are_announced(api, acme_keys, yearly_group):
    events = [
        "credential.issued",
        "credential.published",
        "credential.renewed",
        "credential.revoked",
    ]
    body = {"group_key": yearly_group.key, "recipient": {"name": "Ada", "email": "ada@x.org"}}
    with webhook_receiver() as receiver:
        subscription = subscribe(api, acme_keys, receiver.url, events=events)
        first = api.post("/api/v1/credentials", acme_keys.issuer_key, body).json()
        second = api.post("/api/v1/credentials", acme_keys.issuer_key, body).json()
        run_pending_tasks()

    announced = [json.loads(r.body) for r in receiver.received]
    for received in receiver.received:
        assert verify_signature_header(
            subscription["secret"], received.body, received.headers["X-Laurel-Signature"]
        )
    pairs = sorted((p["type"], p["data"]["credential"]["id"]) for p in announced)
    assert pairs == sorted(
        [
            ("credential.issued", first["id"]),
            ("credential.published", first["id"]),
            ("credential.issued", second["id"]),
            ("credential.revoked", first["id"]),  # the renewal replaced it
            ("credential.published", second["id"]),
            ("credential.renewed", second["id"]),
        ]
    )
    renewed = next(p for p in announced if p["type"] == "credential.renewed")
    assert renewed["data"]["credential"]["supersedesCredentialId"] == first["id"]
    assert WebhookDelivery.objects.filter(status="delivered").count() == 6


@pytestmark_transactional
def test_expired_credentials_are_announced_once(api, acme_keys, yearly_group):
    from datetime import timedelta

    from laurel.credentials.models import Credential
    from laurel.webhooks.services import announce_expired_credentials

    with webhook_receiver() as receiver:
        subscribe(api, acme_keys, receiver.url, events=["credential.expired"])
        body = {"group_key": yearly_group.key, "recipient": {"name": "Ada", "email": "ada@x.org"}}
        created = api.post("/api/v1/credentials", acme_keys.issuer_key, body).json()
        Credential.objects.filter(pk=created["id"]).update(valid_until=timezone.now())
        later = timezone.now() + timedelta(seconds=1)
        assert announce_expired_credentials(now=later) == 1
        assert announce_expired_credentials(now=later) == 0
        run_pending_tasks()

    [received] = receiver.received
    payload = json.loads(received.body)
    assert payload["type"] == "credential.expired"
    assert payload["data"]["credential"]["id"] == created["id"]
