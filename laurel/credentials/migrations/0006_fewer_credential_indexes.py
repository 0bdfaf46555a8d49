"""Six indexes fewer on credentials: a write less each for every credential issued.

- credential_org_time (organization, -created_at) is credential_org_keyset read backwards.
- The foreign keys organization, group and status list lose their own index: each leads
  an index that serves their lookups (credential_org_keyset, credential_recipient, and
  credential_status_slot_unique).
- On PostgreSQL Django also gives every varchar key a second index, *_like
  (varchar_pattern_ops), for LIKE 'prefix%': nothing looks up a credential's id or the id
  it supersedes by prefix, so those two go (the btree of each stays).

The indexes are dropped by name (laurel.db.indexes, in SeparateDatabaseAndState):
AlterField would have SQLite copy the whole table three times to drop three indexes.
"""

import django.db.models.deletion
from django.db import migrations, models

from laurel.db.indexes import drop_indexes

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
            database_operations=[
                drop_indexes(
                    "credentials",
                    "credential",
                    foreign_keys=["organization_id", "group_id", "status_list_id"],
                    like=["id", "supersedes_id"],
                )
            ],
        ),
    ]
