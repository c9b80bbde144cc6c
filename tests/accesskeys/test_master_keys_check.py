"""A database restored with a MASTER_KEYS that lacks a key still in use: `manage.py
check --database default` (which bin/start runs) names the key and how many secrets
need it, instead of the first lookup failing."""

import base64
import secrets

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accesskeys.services.access_create import CreateAccessRequest, create_access


def key(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


@pytest.fixture
def two_keys_in_use(project, admin, settings):
    settings.MASTER_KEYS = old = key("old1")
    for name in ("a", "b"):
        create_access(project, admin, CreateAccessRequest(name=name, type="api_key"))
    settings.MASTER_KEYS = current = key("new2") + "," + old
    create_access(project, admin, CreateAccessRequest(name="c", type="api_key"))
    return current, old


def test_it_passes_when_every_key_in_use_is_configured(two_keys_in_use):
    call_command("check", "--database", "default")


def test_it_names_the_missing_key_and_how_many_secrets_need_it(two_keys_in_use, settings):
    current, _ = two_keys_in_use
    settings.MASTER_KEYS = current.split(",")[0]
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", "--database", "default")
    message = str(refused.value)
    assert "accesskeys.E001" in message
    assert "MASTER_KEYS lacks the master key 'old1': 2 stored secret(s)" in message
    assert "new2" not in message.split("MASTER_KEYS lacks")[1].split("\n")[0]


def test_a_plain_check_does_not_read_the_database(two_keys_in_use, settings):
    # Django runs database checks only when asked (and on migrate): no connection
    # is needed to check the settings.
    settings.MASTER_KEYS = key("other")
    call_command("check")
