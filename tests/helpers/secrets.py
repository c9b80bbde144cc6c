"""Looking for secrets where they must not be: every row of every table, and the
forms an authenticator app's secret takes."""

import base64

from django.apps import apps
from django.db import connection


def dump_every_table() -> bytes:
    """Every row of every table, as the database returns it (the tables that exist:
    a migration test may have moved the database back before some were made)."""
    chunks = []
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.db_table not in existing:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value))
                    else:
                        chunks.append(str(value).encode())
    return b"\n".join(chunks)


def authenticator_secret_forms(secret: bytes) -> list[bytes]:
    """The authenticator app's secret as bytes, hex (either case), base32 and base64."""
    return [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b32encode(secret),
        base64.b64encode(secret),
    ]
