"""One-time values never reach the database or the logs in plaintext."""

import base64
import logging

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accesskeys.services import grant, macaroon, s3credentials
from accesskeys.services.access import CreateAccessRequest, create_access


def dump_every_table() -> bytes:
    """Every row of every table, as the database returns it."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value))
                    else:
                        chunks.append(str(value).encode())
    return b"\n".join(chunks)


def forms_of(value: str) -> list[bytes]:
    """A secret as text, and the bytes it encodes where it is an encoding."""
    return [value.encode(), base64.b64encode(value.encode())]


def create_one_of_each(project, admin):
    return [
        create_access(
            project, admin, CreateAccessRequest(name="s3", type="s3", passphrase="pass-one")
        ),
        create_access(
            project,
            admin,
            CreateAccessRequest(name="grant", type="access_grant", passphrase_choice="generate"),
        ),
        create_access(project, admin, CreateAccessRequest(name="api", type="api_key")),
    ]


def one_time_values(created) -> list[bytes]:
    values = []
    for access in created:
        for text in (
            access.api_key,
            access.access_grant,
            access.s3_access_key,
            access.s3_secret_key,
            access.generated_passphrase,
        ):
            if text:
                values += forms_of(text)
        if access.s3_access_key:
            values.append(s3credentials.parse_access_key_id(access.s3_access_key))
            values.append(s3credentials.parse_secret_key(access.s3_secret_key))
        if access.access_grant:
            scope = grant.parse_grant(access.access_grant)
            values.append(scope.api_key)
            values.append(scope.encryption_access.default_key)
        # The tail is what proves possession of the key.
        values.append(macaroon.from_api_key_string(access.api_key).tail)
    values += forms_of("pass-one")
    return values


def test_it_stores_no_one_time_value_in_any_table(project, admin):
    created = create_one_of_each(project, admin)
    dump = dump_every_table()
    assert b"pass-one" not in dump
    for value in one_time_values(created):
        assert value not in dump


def test_it_logs_no_one_time_value(project, admin, caplog):
    # Log every SQL statement with its parameters, as DEBUG does in development.
    with (
        CaptureQueriesContext(connection),
        caplog.at_level(logging.DEBUG),
        caplog.at_level(logging.DEBUG, "django.db.backends"),
    ):
        created = create_one_of_each(project, admin)
    text = caplog.text.encode()
    assert b"INSERT" in text  # the statements were logged
    for value in one_time_values(created):
        assert value not in text
