"""A bulk row's and a chunk's job key lose their own index (and on PostgreSQL its *_like,
as the row's credential key does): they lead bulkrow_job_row_unique and
bulkchunk_job_first_unique, which serve their lookups (laurel.db.indexes)."""

import django.db.models.deletion
from django.db import migrations, models

from laurel.db.indexes import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("bulk", "0002_chunk_status_slots"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="bulkchunk",
                    name="job",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chunks",
                        to="bulk.bulkjob",
                    ),
                ),
                migrations.AlterField(
                    model_name="bulkrow",
                    name="job",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rows",
                        to="bulk.bulkjob",
                    ),
                ),
            ],
            database_operations=[
                drop_indexes("bulk", "bulkchunk", foreign_keys=["job_id"], like=["job_id"]),
                drop_indexes(
                    "bulk", "bulkrow", foreign_keys=["job_id"], like=["job_id", "credential_id"]
                ),
            ],
        ),
    ]
