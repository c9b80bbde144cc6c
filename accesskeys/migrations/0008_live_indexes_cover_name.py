"""The live keys' name and creator indexes carry `name` (INCLUDE, PostgreSQL only).

They order by LOWER(name), and PostgreSQL reads a query from an index alone
(an index-only scan) only when every column it uses is in the index as
itself: with `name` included, counting the first 10,001 keys of the table and
finding the ids of a far page read the index, not 10,000 rows of the table.
SQLite has no INCLUDE: there the indexes stay as they were.
"""

import django.db.models.functions.text
from django.db import migrations, models

# The descending creator order exists on PostgreSQL only (migration 0006).
CREATOR_DESC = (
    'accesskeys_accesskey (project_id, creator_email DESC NULLS LAST, LOWER("name"), id) '
    "{include}WHERE revoked_at IS NULL"
)


def recreate_creator_desc(include: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("DROP INDEX IF EXISTS access_live_creator_desc")
        schema_editor.execute(
            "CREATE INDEX access_live_creator_desc ON "
            + CREATOR_DESC.format(include=include)
        )

    return run


class Migration(migrations.Migration):
    dependencies = [("accesskeys", "0007_bucket_notification_permissions")]

    operations = [
        migrations.RemoveIndex(model_name="accesskey", name="access_live_name"),
        migrations.RemoveIndex(model_name="accesskey", name="access_live_creator"),
        migrations.AddIndex(
            model_name="accesskey",
            index=models.Index(
                models.F("project"),
                django.db.models.functions.text.Lower("name"),
                models.F("id"),
                condition=models.Q(("revoked_at__isnull", True)),
                include=("name",),
                name="access_live_name",
            ),
        ),
        migrations.AddIndex(
            model_name="accesskey",
            index=models.Index(
                models.F("project"),
                models.F("creator_email"),
                django.db.models.functions.text.Lower("name"),
                models.F("id"),
                condition=models.Q(("revoked_at__isnull", True)),
                include=("name",),
                name="access_live_creator",
            ),
        ),
        migrations.RunPython(
            recreate_creator_desc("INCLUDE (name) "), recreate_creator_desc("")
        ),
    ]
