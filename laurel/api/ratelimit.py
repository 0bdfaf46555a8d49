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
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

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


@dataclass(frozen=True)
class Hit:
    """One request to count: the client's `scope` ("ip", "key") and its limit there."""

    scope: str
    client: str
    limit: int


def hit(scope: str, client: str, *, limit: int, period: int, now: float | None = None) -> Window:
    """Count one request of `client` in `scope` and say where it stands."""
    return hit_all([Hit(scope, client, limit)], period=period, now=now)[0]


def hit_all(hits: list[Hit], *, period: int, now: float | None = None) -> list[Window]:
    """Count one request in each of `hits` (in the database: one statement for them all)."""
    now = time.time() if now is None else now
    window_start = int(now // period) * period
    keys = [_bucket(one.scope, one.client, window_start) for one in hits]
    if settings.LAUREL_API_RATE_LIMIT_STORE == "database":
        counts = _count_in_database(keys, expires_at=window_start + period, now=now)
    else:
        counts = {key: _count(key, period) for key in keys}
    return [
        Window(limit=one.limit, count=counts[key], reset_at=window_start + period)
        for one, key in zip(hits, keys, strict=True)
    ]


def _bucket(scope: str, client: str, window_start: int) -> str:
    if len(client) > 64:  # e.g. a long X-Forwarded-For value: keys must fit their column
        client = hashlib.sha256(client.encode("utf-8", "backslashreplace")).hexdigest()
    return f"laurel:ratelimit:{scope}:{client}:{window_start}"


def _count_in_database(keys: list[str], *, expires_at: int, now: float) -> dict[str, int]:
    """{bucket: hits} after one more hit in each bucket, by one atomic upsert for them all.

    On PostgreSQL, outside a caller's transaction, the statement is its own transaction and
    turns synchronous_commit off for itself alone (set_config(..., true) lasts until its
    commit): that commit does not wait for the disk, a WAL flush that costs up to several ms
    on a loaded machine. A crash can at worst forget the last instant's counts, which only a
    counter can afford. Inside a caller's transaction the caller's durability is untouched.
    """
    unique = list(dict.fromkeys(keys))
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    rows = ", ".join(["(%s, 1, %s)"] * len(unique))
    params = [value for key in unique for value in (key, expires_at)]
    upsert = f"ON CONFLICT (bucket) DO UPDATE SET hits = {table}.hits + 1 RETURNING bucket, hits"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        sql = (
            f"INSERT INTO {table} (bucket, hits, expires_at) "
            f"SELECT counted.bucket, counted.hits, counted.expires_at "
            f"FROM (VALUES {rows}) AS counted (bucket, hits, expires_at) "
            f"CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS unhurried "
            f"{upsert}"
        )
    else:
        sql = f"INSERT INTO {table} (bucket, hits, expires_at) VALUES {rows} {upsert}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = dict(cursor.fetchall())
    if 1 in counts.values() and random.random() < PURGE_CHANCE:  # noqa: S311 - not a secret
        RateLimitCounter.objects.filter(expires_at__lt=int(now)).delete()
    return counts


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
