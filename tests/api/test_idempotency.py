"""Idempotency-Key on POST: a retry returns the first response and creates nothing."""

import threading

import pytest
from django.db import connection

from laurel.api.models import IdempotencyRecord
from laurel.webhooks.models import WebhookSubscription

BODY = {"url": "https://example.com/hook", "events": ["credential.issued"]}


def post(api, org, key, body=BODY):
    return api.post("/api/v1/webhooks", org.admin_key, body, headers={"Idempotency-Key": key})


def test_retry_with_the_same_key_returns_the_first_response_and_creates_nothing(api, acme_keys):
    first = post(api, acme_keys, "retry-1")
    second = post(api, acme_keys, "retry-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert WebhookSubscription.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.key, record.status_code, record.method) == ("retry-1", 201, "POST")


def test_same_key_with_another_body_is_refused_clearly(api, acme_keys):
    post(api, acme_keys, "retry-2")
    response = post(api, acme_keys, "retry-2", {**BODY, "url": "https://example.com/other"})
    assert response.status_code == 422
    assert response.json()["error_code"] == "idempotency_key_reused"
    assert "different request" in response.json()["error"]
    assert list(WebhookSubscription.objects.values_list("url", flat=True)) == [BODY["url"]]


def test_requests_without_a_key_or_with_new_keys_each_create(api, acme_keys):
    post(api, acme_keys, "a")
    post(api, acme_keys, "b")
    api.post("/api/v1/webhooks", acme_keys.admin_key, BODY)
    assert WebhookSubscription.objects.count() == 3


def test_keys_are_scoped_to_the_api_key(api, acme_keys, globex_keys):
    post(api, acme_keys, "shared-key")
    response = post(api, globex_keys, "shared-key")
    assert response.status_code == 201
    assert WebhookSubscription.objects.filter(organization=globex_keys.organization).count() == 1


def test_an_error_response_is_replayed_too(api, acme_keys):
    bad = {"url": "ftp://nope", "events": ["credential.issued"]}
    first = post(api, acme_keys, "bad-1", bad)
    second = post(api, acme_keys, "bad-1", bad)
    assert first.status_code == second.status_code == 400
    assert first.json() == second.json()
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("key", ["", "   ", "k" * 256])
def test_empty_or_overlong_key_is_a_400(api, acme_keys, key):
    response = post(api, acme_keys, key)
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_idempotency_key"
    assert not WebhookSubscription.objects.exists()


def test_a_bad_api_key_is_401_and_stores_nothing(api, acme_keys):
    response = api.post("/api/v1/webhooks", "crd_live_nope", BODY, headers={"Idempotency-Key": "k"})
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_subscription_and_answer_alike(api, acme_keys):
    responses = []
    barrier = threading.Barrier(4)

    def retry():
        try:
            barrier.wait()
            responses.append(post(api.__class__(), acme_keys, "concurrent"))
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in responses] == [201] * 4
    assert len({r.json()["id"] for r in responses}) == 1
    assert WebhookSubscription.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
