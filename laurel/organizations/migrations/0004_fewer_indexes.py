"""The organization key of audit events and quota usage loses its own index: it leads
audit_org_time and quota_usage_unique, which serve its lookups (a write less for every
event and every counted recipient; laurel.db.indexes)."""

import django.db.models.deletion
from django.db import migrations, models

from laurel.db.indexes import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_organization_email_language"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="audit_events",
                        to="organizations.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="quotausage",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="quota_usage",
                        to="organizations.organization",
                    ),
                ),
            ],
            database_operations=[
                drop_indexes(
                    "organizations", "auditevent", foreign_keys=["organization_id"], like=[]
                ),
                drop_indexes(
                    "organizations", "quotausage", foreign_keys=["organization_id"], like=[]
                ),
            ],
        ),
    ]
