"""Triggers that keep Project.access_key_count: the project's keys not deleted.

Every statement that adds, deletes or revokes keys, from any code (the
services, factories, bulk loads, a person at a SQL prompt), moves the count in
the same transaction. PostgreSQL runs one trigger per statement over the rows it
changed, so a bulk load of a million keys updates each project once; SQLite has
only row triggers.

SQLite drops a table's triggers when a migration rebuilds the table (most
AlterField and RemoveField operations do): a later migration that alters
AccessKey must run CREATE_SQLITE again. tests/accesskeys/test_key_count.py fails
if a trigger is missing.
"""

from django.db import migrations

CREATE_POSTGRESQL = [
    # One function for the three statements: what was added minus what was removed,
    # per project, among keys not revoked.
    """
    CREATE FUNCTION accesskeys_recount() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE console_project p SET access_key_count = p.access_key_count + c.n
        FROM (SELECT project_id, count(*) AS n FROM added_keys
              WHERE revoked_at IS NULL GROUP BY project_id) c
        WHERE p.id = c.project_id;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE console_project p SET access_key_count = p.access_key_count - c.n
        FROM (SELECT project_id, count(*) AS n FROM removed_keys
              WHERE revoked_at IS NULL GROUP BY project_id) c
        WHERE p.id = c.project_id;
      ELSE
        UPDATE console_project p SET access_key_count = p.access_key_count + c.n
        FROM (SELECT project_id, sum(n) AS n FROM (
                SELECT project_id, 1 AS n FROM added_keys WHERE revoked_at IS NULL
                UNION ALL
                SELECT project_id, -1 FROM removed_keys WHERE revoked_at IS NULL) d
              GROUP BY project_id HAVING sum(n) <> 0) c
        WHERE p.id = c.project_id;
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER accesskeys_count_insert AFTER INSERT ON accesskeys_accesskey
    REFERENCING NEW TABLE AS added_keys
    FOR EACH STATEMENT EXECUTE FUNCTION accesskeys_recount()
    """,
    """
    CREATE TRIGGER accesskeys_count_delete AFTER DELETE ON accesskeys_accesskey
    REFERENCING OLD TABLE AS removed_keys
    FOR EACH STATEMENT EXECUTE FUNCTION accesskeys_recount()
    """,
    """
    CREATE TRIGGER accesskeys_count_update AFTER UPDATE ON accesskeys_accesskey
    REFERENCING OLD TABLE AS removed_keys NEW TABLE AS added_keys
    FOR EACH STATEMENT EXECUTE FUNCTION accesskeys_recount()
    """,
]

DROP_POSTGRESQL = [
    f"DROP TRIGGER IF EXISTS accesskeys_count_{op} ON accesskeys_accesskey"
    for op in ("insert", "delete", "update")
] + ["DROP FUNCTION IF EXISTS accesskeys_recount()"]

CREATE_SQLITE = [
    """
    CREATE TRIGGER accesskeys_count_insert AFTER INSERT ON accesskeys_accesskey
    WHEN NEW.revoked_at IS NULL
    BEGIN
      UPDATE console_project SET access_key_count = access_key_count + 1
      WHERE id = NEW.project_id;
    END
    """,
    """
    CREATE TRIGGER accesskeys_count_delete AFTER DELETE ON accesskeys_accesskey
    WHEN OLD.revoked_at IS NULL
    BEGIN
      UPDATE console_project SET access_key_count = access_key_count - 1
      WHERE id = OLD.project_id;
    END
    """,
    """
    CREATE TRIGGER accesskeys_count_update
    AFTER UPDATE OF revoked_at, project_id ON accesskeys_accesskey
    WHEN (OLD.revoked_at IS NULL) <> (NEW.revoked_at IS NULL) OR OLD.project_id <> NEW.project_id
    BEGIN
      UPDATE console_project SET access_key_count = access_key_count - 1
      WHERE id = OLD.project_id AND OLD.revoked_at IS NULL;
      UPDATE console_project SET access_key_count = access_key_count + 1
      WHERE id = NEW.project_id AND NEW.revoked_at IS NULL;
    END
    """,
]

DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS accesskeys_count_insert",
    "DROP TRIGGER IF EXISTS accesskeys_count_delete",
    "DROP TRIGGER IF EXISTS accesskeys_count_update",
]

# The keys there are now.
RECOUNT = """
UPDATE console_project SET access_key_count = (
  SELECT count(*) FROM accesskeys_accesskey k
  WHERE k.project_id = console_project.id AND k.revoked_at IS NULL
)
"""


def _statements(schema_editor, postgresql: list[str], sqlite: list[str]) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return postgresql
    if vendor == "sqlite":
        return sqlite
    raise NotImplementedError(f"The console runs on PostgreSQL or SQLite, not {vendor}.")


def create_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, CREATE_POSTGRESQL, CREATE_SQLITE):
        schema_editor.execute(sql)
    schema_editor.execute(RECOUNT)


def drop_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, DROP_POSTGRESQL, DROP_SQLITE):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("accesskeys", "0014_i25_replaces_parent_set"),
        ("console", "0013_i25_project_access_key_count"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
