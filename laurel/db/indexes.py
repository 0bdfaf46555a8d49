"""Dropping, in a migration, the indexes another index already serves.

Django gives every foreign key an index of its own, and on PostgreSQL every varchar key a
second one, *_like (varchar_pattern_ops, for LIKE 'prefix%'). Where a key leads another
index, or nothing looks it up by prefix, they are writes for nothing on every row. A
field's `db_index=False` drops them from the model's state; this drops them from the
database by the names Django gave them (AlterField would have SQLite copy the table).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations


def drop_indexes(
    app_label: str,
    model_name: str,
    *,
    foreign_keys: Sequence[str] = (),
    like: Sequence[str] = (),
) -> migrations.RunPython:
    """The operation that drops the own index of each column of `foreign_keys`, and on
    PostgreSQL the *_like index of each column of `like` (and makes them again, undone)."""

    def indexes(apps, schema_editor) -> tuple[str, list[tuple[str, str, str]]]:
        table = apps.get_model(app_label, model_name)._meta.db_table
        name = schema_editor._create_index_name
        found = [(name(table, [column], suffix=""), column, "") for column in foreign_keys]
        if schema_editor.connection.vendor == "postgresql":
            found += [
                (name(table, [column], suffix="_like"), column, " varchar_pattern_ops")
                for column in like
            ]
        return table, found

    def drop(apps, schema_editor) -> None:
        _, found = indexes(apps, schema_editor)
        for index, _, _ in found:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")

    def create(apps, schema_editor) -> None:
        table, found = indexes(apps, schema_editor)
        quote = schema_editor.quote_name
        for index, column, opclass in found:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(index)} ON {quote(table)} "
                f"({quote(column)}{opclass})"
            )

    return migrations.RunPython(drop, create)
