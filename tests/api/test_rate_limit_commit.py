"""A request's rate-limit hits are counted by one statement: on PostgreSQL, outside any
transaction, its commit does not wait for the disk (synchronous_commit off for that statement
alone); it still counts every concurrent request, and nothing else loses durability."""

import threading
import uuid

import pytest
from django.db import connection, transaction

from laurel.api import ratelimit
from laurel.api.ratelimit import Hit

THREADS, HITS = 4, 20
NOW = 1_800_000_030.0


def synchronous_commit() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def both(client: str) -> list[Hit]:
    return [Hit("ip", client, 1000), Hit("key", client, 1000)]


@pytest.mark.django_db(transaction=True)
def test_hits_counted_together_count_every_concurrent_request(settings):
    settings.LAUREL_API_RATE_LIMIT_STORE = "database"
    client = f"together-{uuid.uuid4().hex[:12]}"

    def hammer():
        try:
            for _ in range(HITS):
                ratelimit.hit_all(both(client), period=60, now=NOW)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ip, key = ratelimit.hit_all(both(client), period=60, now=NOW)
    assert (ip.count, key.count) == (THREADS * HITS + 1, THREADS * HITS + 1)


@pytest.mark.django_db(transaction=True)
def test_each_hit_gets_its_own_window_in_the_order_asked(settings):
    settings.LAUREL_API_RATE_LIMIT_STORE = "database"
    client = f"order-{uuid.uuid4().hex[:12]}"
    ratelimit.hit("key", client, limit=7, period=60, now=NOW)
    ip, key = ratelimit.hit_all([Hit("ip", client, 100), Hit("key", client, 7)], period=60, now=NOW)
    assert (ip.count, ip.limit, ip.remaining) == (1, 100, 99)
    assert (key.count, key.limit, key.remaining) == (2, 7, 5)
    assert ip.reset_at == key.reset_at == 1_800_000_060


@pytest.mark.django_db(transaction=True)
def test_the_relaxed_commit_stays_inside_the_counting_statement(settings):
    settings.LAUREL_API_RATE_LIMIT_STORE = "database"
    before = synchronous_commit()
    ratelimit.hit_all(both(f"alone-{uuid.uuid4().hex[:12]}"), period=60)
    assert synchronous_commit() == before
    assert before in (None, "on")


@pytest.mark.django_db(transaction=True)
def test_inside_another_transaction_the_hits_join_it_untouched(settings):
    settings.LAUREL_API_RATE_LIMIT_STORE = "database"
    before = synchronous_commit()
    with transaction.atomic():
        (window,) = ratelimit.hit_all([Hit("ip", f"nested-{uuid.uuid4().hex[:12]}", 5)], period=60)
        inside = synchronous_commit()  # set_config(..., true) would last until this commit
    assert window.count == 1
    assert inside == before  # the caller's transaction keeps its durability
