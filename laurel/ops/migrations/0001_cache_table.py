"""The database cache's table, made by `laurel migrate` so no deployment can forget it.

A no-op when the cache is Redis (createcachetable only acts on database caches), and safe
to run again: createcachetable skips tables that exist.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
