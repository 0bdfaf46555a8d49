"""Fixed-window rate limits shared by every web process.

Where they are counted (LAUREL_API_RATE_LIMIT_STORE): "database", the default without
Redis, is one atomic upsert per window and client in our own table (exact: the database
cache's incr is a read then a write, which loses concurrent requests); "cache", the default
with LAUREL_REDIS_URL, is the cache's incr (Redis INCR: exact and atomic too).
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from laurel.api.models import RateLimitCounter

# A window's first request sometimes clears the rows of windows that are over.
PURGE_CHANCE = 0.02


@dataclass(frozen=True)
class Window:
    """Where one client stands in the current window."""

    limit: int
    count: int
    reset_at: int  # unix seconds when the window starts afresh

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def remaining(self) -> int:
        return max(self.limit - self.count, 0)

    def retry_after(self, now: float) -> int:
        return max(math.ceil(self.reset_at - now), 1)


@contextmanager
def counting_together() -> Iterator[None]:
    """Around one request's hits: on PostgreSQL, one transaction whose commit does not wait
    for the disk (SET LOCAL synchronous_commit TO OFF).

    Two autocommitted upserts cost two WAL flushes, ~4 ms each on a loaded machine; a crash
    can at worst forget the last instant's counts, which only a counter can afford (the
    setting is local to this transaction, so nothing else loses durability).
    """
    if (
        settings.LAUREL_API_RATE_LIMIT_STORE != "database"
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
    ):
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def hit(scope: str, client: str, *, limit: int, period: int, now: float | None = None) -> Window:
    """Count one request of `client` in `scope` and say where it stands."""
    now = time.time() if now is None else now
    window_start = int(now // period) * period
    if len(client) > 64:  # e.g. a long X-Forwarded-For value: keys must fit their column
        client = hashlib.sha256(client.encode("utf-8", "backslashreplace")).hexdigest()
    key = f"laurel:ratelimit:{scope}:{client}:{window_start}"
    if settings.LAUREL_API_RATE_LIMIT_STORE == "database":
        count = _count_in_database(key, expires_at=window_start + period, now=now)
    else:
        count = _count(key, period)
    return Window(limit=limit, count=count, reset_at=window_start + period)


def _count_in_database(key: str, *, expires_at: int, now: float) -> int:
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, hits, expires_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (bucket) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [key, expires_at],
        )
        (count,) = cursor.fetchone()
    if count == 1 and random.random() < PURGE_CHANCE:  # noqa: S311 - not a secret
        RateLimitCounter.objects.filter(expires_at__lt=int(now)).delete()
    return count


def _count(key: str, period: int) -> int:
    # incr first: every request of a window but its first finds the counter there, and
    # an add before each incr costs the database cache a whole transaction per request.
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request
        pass
    if cache.add(key, 1, timeout=period + 5):
        return 1
    try:
        return cache.incr(key)  # another process added it first
    except ValueError:  # expired in between
        cache.set(key, 1, timeout=period + 5)
        return 1


def tightest(windows: list[Window]) -> Window:
    """The window to report in the X-RateLimit-* headers: the one closest to its limit."""
    return min(windows, key=lambda window: (window.remaining, -window.count))


def headers(window: Window) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(window.limit),
        "X-RateLimit-Remaining": str(window.remaining),
        "X-RateLimit-Reset": str(window.reset_at),
    }
