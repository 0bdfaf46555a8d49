"""Counting what happens to a credential: one atomic upsert per event, nothing about who."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.utils import timezone

from laurel.analytics.models import DailyCount, Kind

KINDS = frozenset(Kind.values)


def count(credential_id: str, kind: str, *, day: date | None = None) -> None:
    """Add one `kind` event to the credential's counter of the day (UTC).

    One INSERT ... SELECT ... ON CONFLICT DO UPDATE: concurrent requests are each counted
    (a read-then-write would lose some), and an unknown credential id counts nothing. On
    PostgreSQL, outside a caller's transaction, the statement's commit does not wait for
    the disk (as laurel.api.ratelimit does): a crash can forget the last instant's counts.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown analytics kind {kind!r}")
    day = day or timezone.now().date()
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    credentials = connection.ops.quote_name("credentials_credential")
    unhurried = ""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        unhurried = " CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS u"
    sql = (
        f"INSERT INTO {table} (credential_id, group_id, organization_id, day, kind, count) "
        f"SELECT c.id, c.group_id, c.organization_id, %s, %s, 1 FROM {credentials} AS c"
        f"{unhurried} WHERE c.id = %s "
        f"ON CONFLICT (credential_id, day, kind) DO UPDATE SET count = {table}.count + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, kind, credential_id])
