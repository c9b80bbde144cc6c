"""One-time values never reach the database or the logs in plaintext."""

import base64
import logging
import re
from base64 import b32decode

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp

from accesskeys.services.access import CreateAccessRequest, create_access
from storjformat import grant, macaroon, s3credentials
from tests.helpers.secrets import authenticator_secret_forms, dump_every_table


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


def turn_on_two_factor_as_a_person_would(client) -> bytes:
    """Set up two-factor from the setup page; the secret the page showed, as bytes."""
    html = client.get(reverse("two_factor_setup")).content.decode()
    text = re.search(r'id="two-factor-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1)
    secret = b32decode(text.replace(" ", ""))
    response = client.post(reverse("two_factor_setup"), {"code": f"{totp(secret):06d}"})
    assert "Two-factor authentication is on" in response.content.decode()
    return secret


def test_it_stores_no_authenticator_app_secret_in_any_table(admin_client):
    secret = turn_on_two_factor_as_a_person_would(admin_client)
    dump = dump_every_table()
    for value in authenticator_secret_forms(secret):
        assert value not in dump


def test_it_logs_no_authenticator_app_secret(admin_client, caplog):
    with (
        CaptureQueriesContext(connection),
        caplog.at_level(logging.DEBUG),
        caplog.at_level(logging.DEBUG, "django.db.backends"),
    ):
        secret = turn_on_two_factor_as_a_person_would(admin_client)
    text = caplog.text.encode()
    assert b"INSERT" in text  # the statements were logged
    for value in authenticator_secret_forms(secret):
        assert value not in text
