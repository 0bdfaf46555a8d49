"""Waiting, in a test, for another connection to queue behind a row lock (PostgreSQL)."""

from __future__ import annotations

import time


def wait_for_a_lock_wait(timeout: float = 20.0) -> None:
    """Until another backend of this database waits for a row lock (a batch or a
    service queued behind the lock the caller holds)."""
    from django.db import connections

    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else read once a transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("no other connection waited for a row lock")
