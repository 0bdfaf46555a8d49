"""Six indexes fewer on credentials: a write less each for every credential issued.

- credential_org_time (organization, -created_at) is credential_org_keyset read backwards.
- The foreign keys organization, group and status list lose their own index: each leads
  an index that serves their lookups (credential_org_keyset, credential_recipient, and
  credential_status_slot_unique).
- On PostgreSQL Django also gives every varchar key a second index, *_like
  (varchar_pattern_ops), for LIKE 'prefix%': nothing looks up a credential's id or the id
  it supersedes by prefix, so those two go (the btree of each stays).

The foreign keys' indexes are dropped by name (SeparateDatabaseAndState): AlterField
would have SQLite copy the whole table three times to drop three indexes.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "credentials_credential"
FOREIGN_KEYS = ("organization_id", "group_id", "status_list_id")
LIKE_INDEXED = ("id", "supersedes_id")  # PostgreSQL only


def _indexes(schema_editor):
    """(name, column, opclass) of every index this migration drops, as Django named them."""
    found = [
        (schema_editor._create_index_name(TABLE, [column], suffix=""), column, "")
        for column in FOREIGN_KEYS
    ]
    if schema_editor.connection.vendor == "postgresql":
        found += [
            (
                schema_editor._create_index_name(TABLE, [column], suffix="_like"),
                column,
                " varchar_pattern_ops",
            )
            for column in LIKE_INDEXED
        ]
    return found


def drop_indexes(apps, schema_editor):
    for name, _, _ in _indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for name, column, opclass in _indexes(schema_editor):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(TABLE)} ({quote(column)}{opclass})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0005_credential_list_indexes"),
        ("organizations", "0003_organization_email_language"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="credential", name="credential_org_time"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="credential",
                    name="group",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credentials",
                        to="credentials.credentialgroup",
                    ),
                ),
                migrations.AlterField(
                    model_name="credential",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="credentials",
                        to="organizations.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="credential",
                    name="status_list",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credentials",
                        to="credentials.statuslist",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
    ]
