"""Django's PostgreSQL backend, with two changes.

Batches that fit server-side parameter binding (which Laurel turns on to prepare the
statements a connection runs often; see LAUREL_DB_PREPARED_STATEMENTS):

Bound by the server, every parameter travels in the protocol, which counts them in 16
bits: a statement takes at most 65,535. Django 5.2 sets no limit for PostgreSQL (it binds
on the client by default), so the batches it cuts itself — bulk_create, the deletions of
a cascade (an organization deleted in the admin with all its credentials) — could go past
it. Here they are cut to fit, as Django does for SQLite.

A health check (CONN_HEALTH_CHECKS) without a round trip when the connection is quiet:
see DatabaseWrapper.close_if_health_check_failed.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base, features, operations


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = 2**16 - 1


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs) -> int:
        fields = list(fields)
        if not fields:
            return len(objs)
        return max(self.connection.features.max_query_params // len(fields), 1)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations

    def close_if_health_check_failed(self) -> None:
        """Django's check before a request's first query, skipped while the connection
        is quiet.

        Django runs `SELECT 1` on a persistent connection before each request's first
        query: a round trip, on a busy server two context switches and a wait for a
        backend to be scheduled, for every page load. But PostgreSQL does not end a
        session in silence: a restart, pg_terminate_backend, a crashed backend (which
        resets them all) or idle_session_timeout sends the client an error and closes
        the socket. So while nothing has arrived since the last answer, the connection
        was not ended from the server's side, and checking it is a poll of the socket;
        when something has arrived, Django's own check runs (and reconnects if the
        connection is dead). What the poll cannot see (a connection cut silently on the
        way, a server machine lost without a word) gives one failed query, after which
        Django closes the connection, as it would without a health check.
        """
        if (
            self.connection is not None
            and self.pool is None
            and self.health_check_enabled
            and not self.health_check_done
            and _quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


def _quiet(connection) -> bool:
    """Whether nothing (an error, an end of file) has arrived on an idle connection."""
    if connection.closed or connection.broken:
        return False
    poll = select.poll()
    poll.register(connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    return not poll.poll(0)
