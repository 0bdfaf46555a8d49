"""Fixed-window rate limits counted in the Django cache, so that every web process shares
them (Redis when scaled out: its INCR is atomic; the database cache is shared too, but may
under-count by the few requests that race within one instant)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.core.cache import cache


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


def hit(scope: str, client: str, *, limit: int, period: int, now: float | None = None) -> Window:
    """Count one request of `client` in `scope` and say where it stands."""
    now = time.time() if now is None else now
    window_start = int(now // period) * period
    key = f"laurel:ratelimit:{scope}:{client}:{window_start}"
    return Window(limit=limit, count=_count(key, period), reset_at=window_start + period)


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
