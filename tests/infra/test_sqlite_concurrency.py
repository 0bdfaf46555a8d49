"""The embedded database is shared by web processes and workers: prove writers never collide.

On SQLite (the default) this checks WAL, the busy timeout, IMMEDIATE transactions and
persistent connections; with DATABASE_URL set to PostgreSQL the same writers run there.
"""

import subprocess
import sys
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tests.helpers.server import REPO, subprocess_env

PROCESSES = 4
WRITES = 200


@pytest.mark.django_db
def test_the_database_connection_is_configured_for_several_processes():
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # persistent connections
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
            assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
            assert connection.transaction_mode == "IMMEDIATE"
        else:
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone()[0] == "read committed"
            assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_from_several_processes_lose_nothing_and_never_lock():
    User = get_user_model()
    User.objects.create(username="counter", first_name="0")
    start_at = time.time() + 3  # every process connected and waiting at the line
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.helpers.concurrent_writer",
                "--name",
                f"writer{n}",
                "--writes",
                str(WRITES),
                "--start-at",
                str(start_at),
            ],
            env=subprocess_env(),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(PROCESSES)
    ]
    outcomes = [writer.communicate(timeout=300) for writer in writers]

    for writer, (_, stderr) in zip(writers, outcomes, strict=True):
        assert "database is locked" not in stderr
        assert writer.returncode == 0, stderr
    assert User.objects.filter(username__startswith="writer").count() == PROCESSES * WRITES
    assert User.objects.get(username="counter").first_name == str(PROCESSES * WRITES)
