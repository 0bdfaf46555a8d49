"""The public page keeps answering when PostgreSQL ends the web processes' connections
(a restart, a failover, pg_terminate_backend), although a quiet connection is not checked
with a query before each request (laurel/db/postgresql/base.py)."""

import time

import psycopg
import pytest
from django.db import close_old_connections, connection

from tests.helpers.server import database_url, get, laurel_serve

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's own sessions: run with DATABASE_URL=postgres://...")


OTHER_SESSIONS = (
    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND pid IS DISTINCT FROM %s"
)


def end_sessions(*, except_pid: int | None = None) -> int:
    """End every other session on the test database, as a restart of PostgreSQL would;
    returns how many were ended."""
    with psycopg.connect(database_url(), autocommit=True) as admin:
        rows = admin.execute(
            f"SELECT pg_terminate_backend(pid) {OTHER_SESSIONS}", [except_pid]
        ).fetchall()
    return len(rows)


def other_sessions(*, except_pid: int | None = None) -> int:
    with psycopg.connect(database_url(), autocommit=True) as admin:
        return admin.execute(f"SELECT count(*) {OTHER_SESSIONS}", [except_pid]).fetchone()[0]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.xdist_group("serve")
def test_the_page_answers_200_right_after_every_database_session_was_ended(
    postgresql, valid_credential
):
    with laurel_serve("--no-worker") as server:
        url = f"{server.base_url}/credential/{valid_credential.pk}"
        ours = backend_pid()
        for _ in range(200):  # until both web processes hold a connection (the kernel
            assert get(url).status == 200  # hands each new one to either)
            if other_sessions(except_pid=ours) >= 2:
                break
        assert end_sessions(except_pid=ours) >= 2
        time.sleep(0.2)
        statuses = [get(url).status for _ in range(20)]
    assert statuses == [200] * 20, server.output()[-3000:]


def test_a_quiet_connection_is_reused_without_a_check_query(postgresql, monkeypatch):
    checks = []
    is_usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or is_usable())
    first = backend_pid()
    for _ in range(3):
        close_old_connections()  # what the start of a request does
        assert backend_pid() == first
    assert checks == []


def test_an_ended_session_is_noticed_and_replaced_before_the_next_request(postgresql, monkeypatch):
    checks = []
    is_usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or is_usable())
    first = backend_pid()
    with psycopg.connect(database_url(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [first])
    time.sleep(0.2)  # the server's goodbye reaches the socket
    close_old_connections()
    assert backend_pid() != first  # a new session, and no error
    assert checks == [1]  # Django's own check ran once, on the connection that had news
