"""Rate limits count every request, even concurrent ones from several threads (processes
behave the same: each thread has its own database connection)."""

import threading
import uuid

import pytest
from django.db import connection

from laurel.api import ratelimit
from laurel.api.models import RateLimitCounter

THREADS, HITS = 4, 25
NOW = 1_800_000_030.0


def hit_concurrently(client: str) -> None:
    def hammer():
        try:
            for _ in range(HITS):
                ratelimit.hit("ip", client, limit=1000, period=60, now=NOW)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_database_store_counts_every_concurrent_request(settings):
    settings.LAUREL_API_RATE_LIMIT_STORE = "database"
    client = f"203.0.113.{uuid.uuid4().int % 250}"
    hit_concurrently(client)
    window = ratelimit.hit("ip", client, limit=1000, period=60, now=NOW)
    assert window.count == THREADS * HITS + 1
    assert window.reset_at == 1_800_000_060


@pytest.mark.django_db(transaction=True)
def test_redis_store_counts_every_concurrent_request(settings):
    settings.LAUREL_API_RATE_LIMIT_STORE = "cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    client = f"client-{uuid.uuid4().hex}"  # its own keys: other test runs share this Redis
    hit_concurrently(client)
    assert ratelimit.hit("ip", client, limit=1000, period=60, now=NOW).count == THREADS * HITS + 1


@pytest.mark.django_db
def test_windows_are_counted_apart_and_old_ones_purged(settings, monkeypatch):
    settings.LAUREL_API_RATE_LIMIT_STORE = "database"
    monkeypatch.setattr(ratelimit, "PURGE_CHANCE", 1.0)  # purge at every window's start
    ratelimit.hit("key", "7", limit=5, period=60, now=NOW - 3600)
    assert ratelimit.hit("key", "7", limit=5, period=60, now=NOW).count == 1
    assert RateLimitCounter.objects.count() == 1  # the hour-old window is gone


@pytest.mark.django_db
@pytest.mark.parametrize("store", ["database", "cache"])
def test_long_forwarded_for_is_counted_without_error(api, settings, store):
    settings.LAUREL_API_RATE_LIMIT_STORE = store
    settings.LAUREL_API_TRUST_X_FORWARDED_FOR = True
    headers = {"X-Forwarded-For": "a" * 1000}
    first = api.get("/api/v1/organization", headers=headers)
    second = api.get("/api/v1/organization", headers=headers)
    assert first.status_code == second.status_code == 401
    remaining = int(first["X-RateLimit-Remaining"]) - int(second["X-RateLimit-Remaining"])
    assert remaining == 1
