"""Indexes only PostgreSQL has: trigram search, and orders with NULLs at one end.

The Access Keys search runs `name ILIKE '%q%' OR creator_email ILIKE '%q%'`
(Django writes UPPER(col::text) LIKE UPPER(...)); a GIN index of the same
expression with pg_trgm's operator class answers it without reading every row.
The table sorted by creator, descending, keeps deleted creators (NULL) last,
and by last use puts never-used keys (NULL) at one end: indexes in exactly
those orders (SQLite cannot index NULLS FIRST/LAST).
SQLite, the embedded default, has neither the extension nor GIN: there this
migration does nothing, and search stays a scan of the project's keys.
"""

from django.db import migrations

INDEXES = {
    "access_live_name_trgm": "USING gin (UPPER(name) gin_trgm_ops)",
    "access_live_creator_trgm": "USING gin (UPPER(creator_email) gin_trgm_ops)",
    "access_live_creator_desc": (
        '(project_id, creator_email DESC NULLS LAST, LOWER("name"), id)'
    ),
    # "Last used": never-used keys first, then the stalest; read backwards, the most
    # recently used first with never-used last.
    "access_live_last_used": "(project_id, last_used_at ASC NULLS FIRST, id)",
}


# Statistics of the searched expressions, so that the planner knows "bob@" matches
# a third of the keys (one creator of three) and "0000123" one: it then reads the
# name index in order for the first and the trigram index for the second.
STATISTICS = (
    "CREATE STATISTICS IF NOT EXISTS access_search_stats "
    "ON (UPPER(name::text)), (UPPER(creator_email::text)) FROM accesskeys_accesskey"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension: a database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accesskeys_accesskey "
            f"{expression} WHERE revoked_at IS NULL"
        )
    schema_editor.execute(STATISTICS)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP STATISTICS IF EXISTS access_search_stats")
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accesskeys", "0005_live_and_audit_indexes")]

    operations = [migrations.RunPython(create, drop)]
