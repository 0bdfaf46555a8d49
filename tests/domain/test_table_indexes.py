"""The tables every issue and bulk batch writes keep no index another one already serves
(each is a write for every row), every foreign key still leads an index for its lookups,
and on PostgreSQL the signed documents are compressed with lz4 (laurel.db.indexes, the
credentials' migrations)."""

import pytest
from django.db import connection

from laurel.bulk.models import BulkChunk, BulkRow
from laurel.credentials.models import Credential
from laurel.mail.models import EmailDelivery
from laurel.organizations.models import AuditEvent, QuotaUsage

pytestmark = pytest.mark.django_db

WRITTEN = [Credential, EmailDelivery, AuditEvent, QuotaUsage, BulkRow, BulkChunk]


def indexes(model) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: info["columns"]
        for name, info in found.items()
        if (info["index"] or info["unique"]) and info["columns"]
    }


@pytest.mark.parametrize("model", WRITTEN, ids=lambda model: model.__name__)
def test_every_foreign_key_leads_an_index(model):
    keys = {field.column for field in model._meta.concrete_fields if field.is_relation}
    leading = {columns[0] for columns in indexes(model).values()}
    assert keys and keys <= leading


@pytest.mark.parametrize("model", WRITTEN, ids=lambda model: model.__name__)
def test_no_index_is_the_start_of_another_one(model):
    found = indexes(model)
    for name, columns in found.items():
        longer = [
            other
            for other, more in found.items()
            if other != name and len(more) > len(columns) and more[: len(columns)] == columns
        ]
        assert not longer, f"{name} {columns} is served by {longer}"


@pytest.mark.parametrize("model", WRITTEN, ids=lambda model: model.__name__)
def test_no_index_is_there_twice(model):
    by_columns = sorted(tuple(columns) for columns in indexes(model).values())
    assert len(by_columns) == len(set(by_columns)), by_columns


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's compression")
def test_documents_are_compressed_with_lz4_where_the_server_has_it():
    from importlib import import_module

    migration = import_module("laurel.credentials.migrations.0007_document_lz4")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = 'document'",
            [Credential._meta.db_table],
        )
        (method,) = cursor.fetchone()
    assert migration.lz4_available(connection)  # Debian's PostgreSQL is built with it
    assert method == "l"
