"""Counting what happens to a credential: atomic upserts, nothing about who.

`count` adds one event now. `count_soon` is what hot pages call: events are summed in this
process and written by one multi-row upsert at most every LAUREL_ANALYTICS_FLUSH_SECONDS
(0 = at once, in the request), so a page view costs no write of its own. The write runs
in a thread of its own, never in a request: on SQLite a write waits for the database's
one write lock (a bulk job's transaction may hold it), and no visitor should wait with
it. A crash can forget the last seconds' counts of one process, which only a counter can
afford; a write that fails is tried again with the next one.
"""

from __future__ import annotations

import atexit
import logging
import re
import threading
import time
from collections import Counter
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from laurel.analytics.models import DailyCount, GroupDailyCount, Kind
from laurel.credentials.models import Credential

logger = logging.getLogger(__name__)
KINDS = frozenset(Kind.values)
# What a robot says it is: search engines, link previews (a shared link is fetched by the
# network it is shared on), archivers. Read from the request, never kept.
ROBOT = re.compile(
    r"bot\b|bot[/_-]|crawl|spider|slurp|facebookexternalhit|embedly|whatsapp|preview|"
    r"ia_archiver|pinterest|lighthouse",
    re.IGNORECASE,
)


def is_counted_visit(method: str, user_agent: str) -> bool:
    """Whether a request is a person's (or a verifier's) visit: not a HEAD (a crawler or a
    link checker asking whether the page is there) and not a declared robot."""
    return method != "HEAD" and not ROBOT.search(user_agent or "")


def count(credential_id: str, kind: str, *, day: date | None = None, by: int = 1) -> None:
    """Add `by` `kind` events to the credential's counter of the day (UTC)."""
    _check_kind(kind)
    _upsert({(credential_id, day or timezone.now().date(), kind): by})


def count_soon(credential_id: str, kind: str) -> None:
    """Add one event, written with others of this process within the flush interval."""
    _check_kind(kind)
    _pending.add((credential_id, timezone.now().date(), kind))


def flush() -> None:
    """Write every event this process still holds (tests and shutdown call it)."""
    _pending.flush()


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown analytics kind {kind!r}")


class _Pending:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.last_flush = time.monotonic()
        self.writer: threading.Thread | None = None

    def add(self, key: tuple) -> None:
        interval = settings.LAUREL_ANALYTICS_FLUSH_SECONDS
        with self.lock:
            self.counts[key] += 1
            due = time.monotonic() - self.last_flush >= interval or len(self.counts) > 1000
            if not due:
                return
            if interval > 0 and self.writer is not None and self.writer.is_alive():
                return  # the last batch is still being written: these go with the next
            counts, self.counts = self.counts, Counter()
            self.last_flush = time.monotonic()
            if interval > 0:
                self.writer = threading.Thread(
                    target=self._write, args=(counts,), name="laurel-analytics", daemon=True
                )
                self.writer.start()
                return
        _upsert(counts)

    def _write(self, counts: Counter) -> None:
        from django.db import connections

        try:
            _upsert(counts)
        except Exception:  # the database is away: keep the counts for the next write
            logger.warning("analytics counts could not be written; kept for the next write")
            with self.lock:
                self.counts.update(counts)
        finally:
            connections.close_all()  # this thread's connection: it ends with the thread

    def flush(self) -> None:
        writer = self.writer
        if writer is not None:
            writer.join()
        with self.lock:
            counts, self.counts = self.counts, Counter()
            self.last_flush = time.monotonic()
        if counts:
            _upsert(counts)


_pending = _Pending()


@atexit.register
def _flush_at_exit() -> None:
    try:
        flush()
    except Exception:  # noqa: BLE001 - the process is ending; nothing to report to
        pass


def _upsert(counts: dict[tuple, int]) -> None:
    """Add the counts to DailyCount and to GroupDailyCount, in one transaction.

    Each table is one INSERT ... SELECT ... ON CONFLICT DO UPDATE for every row it gets:
    concurrent writers each add their own (a read-then-write would lose some), and an
    unknown credential id counts nothing. On PostgreSQL, outside a caller's transaction,
    the commit does not wait for the disk (as laurel.api.ratelimit does).
    """
    if not counts:
        return
    values = ", ".join(["(%s, %s, %s, %s)"] * len(counts))
    params: list = []
    # In key order, and the groups' rows too: concurrent flushes lock rows in one order
    # (PostgreSQL), so two processes never wait on each other's rows in a cycle.
    for (credential_id, day, kind), by in sorted(counts.items()):
        params += [credential_id, day.isoformat(), kind, by]
    unhurried = ""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        unhurried = " CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS u"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_credential_sql(values, unhurried), params)
        cursor.execute(_group_sql(values), params)


def _names() -> dict[str, str]:
    quote = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    return {
        "credentials": quote(Credential._meta.db_table),
        "day": "CAST(v.day AS date)" if postgres else "v.day",
        "n": "CAST(v.n AS integer)" if postgres else "v.n",
    }


def _credential_sql(values: str, unhurried: str) -> str:
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    names = _names()
    return (
        f"WITH v (credential_id, day, kind, n) AS (VALUES {values}) "
        f"INSERT INTO {table} (credential_id, group_id, organization_id, day, kind, count) "
        f"SELECT c.id, c.group_id, c.organization_id, {names['day']}, v.kind, {names['n']} "
        f"FROM v JOIN {names['credentials']} AS c ON c.id = v.credential_id{unhurried} "
        f"WHERE true "
        f"ON CONFLICT (credential_id, day, kind) DO UPDATE SET count = {table}.count + "
        f"excluded.count"
    )


def _group_sql(values: str) -> str:
    table = connection.ops.quote_name(GroupDailyCount._meta.db_table)
    names = _names()
    return (
        f"WITH v (credential_id, day, kind, n) AS (VALUES {values}) "
        f"INSERT INTO {table} (group_id, organization_id, day, kind, count) "
        f"SELECT c.group_id, c.organization_id, {names['day']}, v.kind, SUM({names['n']}) "
        f"FROM v JOIN {names['credentials']} AS c ON c.id = v.credential_id WHERE true "
        f"GROUP BY c.group_id, c.organization_id, {names['day']}, v.kind "
        f"ORDER BY c.group_id, {names['day']}, v.kind "
        f"ON CONFLICT (group_id, day, kind) DO UPDATE SET count = {table}.count + "
        f"excluded.count"
    )
