"""Django's PostgreSQL backend, for server-side parameter binding (which Laurel turns on
to prepare the statements a connection runs often; see LAUREL_DB_PREPARED_STATEMENTS).

Bound by the server, every parameter travels in the protocol, which counts them in 16
bits: a statement takes at most 65,535. Django 5.2 sets no limit for PostgreSQL (it binds
on the client by default), so the batches it cuts itself — bulk_create, the deletions of
a cascade (an organization deleted in the admin with all its credentials) — could go past
it. Here they are cut to fit, as Django does for SQLite.
"""

from __future__ import annotations

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
