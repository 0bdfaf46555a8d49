"""A request's rate-limit hits share one transaction on PostgreSQL (its commit does not wait
for the disk); they still count every concurrent request, and nothing else loses durability."""

import threading
import uuid

import pytest
from django.db import connection

from laurel.api import ratelimit

THREADS, HITS = 4, 20
NOW = 1_800_000_030.0


def synchronous_commit() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_hits_counted_together_count_every_concurrent_request(settings):
    settings.LAUREL_API_RATE_LIMIT_STORE = "database"
    client = f"together-{uuid.uuid4().hex[:12]}"

    def hammer():
        try:
            for _ in range(HITS):
                with ratelimit.counting_together():
                    ratelimit.hit("ip", client, limit=1000, period=60, now=NOW)
                    ratelimit.hit("key", client, limit=1000, period=60, now=NOW)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ratelimit.hit("ip", client, limit=1000, period=60, now=NOW).count == THREADS * HITS + 1
    assert ratelimit.hit("key", client, limit=1000, period=60, now=NOW).count == THREADS * HITS + 1


@pytest.mark.django_db(transaction=True)
def test_only_postgresql_counts_in_a_transaction_and_the_setting_stays_inside_it(settings):
    settings.LAUREL_API_RATE_LIMIT_STORE = "database"
    before = synchronous_commit()
    with ratelimit.counting_together():
        in_transaction = connection.in_atomic_block
        inside = synchronous_commit()
    assert in_transaction == (connection.vendor == "postgresql")
    assert inside == ("off" if connection.vendor == "postgresql" else None)
    assert synchronous_commit() == before


@pytest.mark.django_db
def test_inside_another_transaction_the_hits_join_it_untouched(settings):
    settings.LAUREL_API_RATE_LIMIT_STORE = "database"
    before = synchronous_commit()
    with ratelimit.counting_together():
        window = ratelimit.hit("ip", f"nested-{uuid.uuid4().hex[:12]}", limit=5, period=60)
        inside = synchronous_commit()
    assert window.count == 1
    assert inside == before  # the caller's transaction keeps its durability
