"""The credentials table keeps no index another one already serves (each is written for
every credential issued), and every foreign key still leads an index for its lookups."""

import pytest
from django.db import connection

from laurel.credentials.models import Credential

pytestmark = pytest.mark.django_db

FOREIGN_KEYS = {"organization_id", "group_id", "status_list_id", "supersedes_id"}


def indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Credential._meta.db_table)
    return {
        name: info["columns"]
        for name, info in found.items()
        if (info["index"] or info["unique"]) and info["columns"]
    }


def test_every_foreign_key_leads_an_index():
    leading = {columns[0] for columns in indexes().values()}
    assert FOREIGN_KEYS <= leading


def test_no_index_is_the_start_of_another_one():
    found = indexes()
    for name, columns in found.items():
        longer = [
            other
            for other, more in found.items()
            if other != name and len(more) > len(columns) and more[: len(columns)] == columns
        ]
        assert not longer, f"{name} {columns} is served by {longer}"


def test_no_index_is_there_twice():
    by_columns = sorted(tuple(columns) for columns in indexes().values())
    assert len(by_columns) == len(set(by_columns)), by_columns
