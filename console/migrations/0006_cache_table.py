"""The table of Django's database cache (settings.CACHES).

Every app server shares the cache through the database, so it must exist
wherever the console runs; creating it here means `migrate`, which every
start runs, is the only step (no separate `createcachetable` to forget).
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("console", "0005_audit_event_indexes")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
