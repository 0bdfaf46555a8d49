"""Status lists get a secret that scatters their slots; lists that exist keep taking them
in order (an empty key), so no index already handed out can be handed out again."""

from django.db import migrations, models

import laurel.credentials.models


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuslist",
            name="index_key",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="statuslist",
            name="index_key",
            field=models.CharField(
                blank=True, default=laurel.credentials.models.new_index_key, max_length=64
            ),
        ),
    ]
