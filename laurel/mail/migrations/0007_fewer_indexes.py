"""An email's organization and credential keys lose their own index (and on PostgreSQL
the credential key its *_like): they lead mail_delivery_org_status_idx and
mail_delivery_credential_idx, which serve their lookups (laurel.db.indexes)."""

import django.db.models.deletion
from django.db import migrations, models

from laurel.db.indexes import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0007_document_lz4"),
        ("mail", "0006_bulk_job_emails"),
        ("organizations", "0004_fewer_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="emaildelivery",
                    name="credential",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="email_deliveries",
                        to="credentials.credential",
                    ),
                ),
                migrations.AlterField(
                    model_name="emaildelivery",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="email_deliveries",
                        to="organizations.organization",
                    ),
                ),
            ],
            database_operations=[
                drop_indexes(
                    "mail",
                    "emaildelivery",
                    foreign_keys=["organization_id", "credential_id"],
                    like=["credential_id"],
                )
            ],
        ),
    ]
