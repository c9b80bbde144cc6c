"""The inspect_access and create_access management commands."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accesskeys.models import AccessKey
from accesskeys.services.lookup import find_s3_credentials
from storjformat import grant, passphrase, path_encryption
from tests.helpers import PROJECT_DIR
from tests.helpers.storj_vectors import grant_named, readme_json_block

ROOT = PROJECT_DIR


def run(*args) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_it_inspects_test_access_a_like_uplink():
    out = StringIO()
    call_command("inspect_access", grant_named("TestAccessA")["access"], stdout=out)
    assert out.getvalue().strip() == readme_json_block().strip()


def test_it_inspects_caveat_nanoseconds_as_uplink_does():
    # A grant Storj's uplink-c serialized, with a caveat of odd nanoseconds
    # (tests/storjformat/vectors/caveat-nanoseconds.json).
    from tests.helpers.storj_vectors import VECTORS_DIR

    vectors = json.loads((VECTORS_DIR / "caveat-nanoseconds.json").read_text())
    printed = []
    for vector in vectors[:2]:
        out = StringIO()
        call_command("inspect_access", vector["grant"], stdout=out)
        printed.append(json.loads(out.getvalue())["macaroon"]["caveats"][0])
    assert printed[0]["not_after"] == "2026-01-05T10:00:00.123456789Z"
    assert printed[1]["max_object_ttl"] == 3600000000005


def test_it_says_a_bad_grant_is_invalid_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "manage.py", "inspect_access", "1notagrant"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "not a valid access grant" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_creates_s3_credentials_from_the_command_line(project, admin):
    values = run(
        "create_access",
        "--project",
        "Alpha",
        "--user",
        admin.email,
        "--name",
        "cli",
        "--type",
        "s3",
        "--permissions",
        "read,list",
        "--buckets",
        "photos",
        "--expires",
        "2099-01-01",
        "--passphrase",
        "pw",
    )

    assert set(values) == {"access_key", "secret_key", "endpoint", "access_grant"}
    assert find_s3_credentials(values["access_key"]).secret_key == values["secret_key"]
    key = AccessKey.objects.get(name="cli")
    assert key.permission_labels() == ["Read", "List"]
    assert key.not_after.year == 2099
    root = passphrase.derive_root_key("pw", bytes(project.salt))
    entries = grant.parse_grant(values["access_grant"]).encryption_access.store_entries
    assert entries[0].key == path_encryption.bucket_key(root, "photos")


def test_it_prints_a_generated_passphrase(project, admin):
    values = run(
        "create_access",
        "--project",
        "Alpha",
        "--user",
        admin.email,
        "--name",
        "gen",
        "--type",
        "access-grant",
        "--full-access",
        "--generate-passphrase",
    )
    assert set(values) == {"access_grant", "passphrase"}
    assert passphrase.is_valid_mnemonic(values["passphrase"])


def test_it_prints_an_api_key_with_the_satellite(project, admin):
    values = run(
        "create_access",
        "--project",
        "Alpha",
        "--user",
        admin.email,
        "--name",
        "api",
        "--type",
        "api-key",
    )
    assert set(values) == {"api_key", "satellite_address"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project", "Nope"], "not a member of a project named 'Nope'"),
        (["--user", "nobody@example.com"], "No user with the email"),
        (["--passphrase", ""], "passphrase: Enter your encryption passphrase."),
        (["--expires", "tomorrow"], "YYYY-MM-DD"),
        (["--expires", "2001-01-01"], "expires_at: Choose a date in the future."),
        (["--permissions", "fly"], "permissions: Unknown permission: fly."),
    ],
)
def test_it_explains_what_is_wrong(project, admin, args, message):
    base = {
        "--project": "Alpha",
        "--user": admin.email,
        "--name": "x",
        "--type": "s3",
        "--passphrase": "pw",
    }
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = [item for pair in base.items() for item in pair]
    with pytest.raises(CommandError, match=message):
        call_command("create_access", *argv)
    assert AccessKey.objects.count() == 0


def test_it_records_the_creation_in_the_audit_log(project, admin):
    from console.models import AuditEvent

    run(
        "create_access",
        "--project",
        "Alpha",
        "--user",
        admin.email,
        "--name",
        "audited",
        "--type",
        "s3",
        "--permissions",
        "read",
        "--buckets",
        "logs",
        "--passphrase",
        "pw",
    )
    event = AuditEvent.objects.get(action="access_created")
    assert event.actor == admin and event.project == project
    assert event.user_agent == "manage.py create_access"
    assert event.details["permissions"] == ["Read"]
    assert event.details["buckets"] == ["logs"]
