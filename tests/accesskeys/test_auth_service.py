"""Storj's auth service API: GET /v1/access/{id} and POST /v1/access.

Status codes and bodies follow storj/edge pkg/auth/httpauth/resources.go:
errors are Go's http.Error (text/plain, message and newline), a missing or
wrong bearer token is 401 "unauthorized", a malformed key ID is 400 with
authdb's FromBase32 message, and a key the service does not have (here also
a deleted or expired one) is 401 "not found: key hash: <hex>".
"""

import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from accesskeys.services.access_delete import delete_accesses
from accesskeys.services.lookup import LAST_USED_INTERVAL, mark_used
from console.models import AuditEvent
from storjformat import caveat, grant, macaroon, s3credentials
from tests.helpers import PROJECT_DIR
from tests.helpers.factories import make_access_key

TOKEN = "gateway-token-0123456789"
NEW_TOKEN = "rotated-token-9876543210"
PHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def tokens(settings):
    settings.AUTH_SERVICE_TOKENS = [TOKEN]
    return settings


@pytest.fixture
def s3(project, admin):
    return create_access(
        project, admin, CreateAccessRequest(name="gateway", type="s3", passphrase=PHRASE)
    )


@pytest.fixture
def grant_access(project, admin):
    return create_access(
        project, admin, CreateAccessRequest(name="app", type="access_grant", passphrase=PHRASE)
    )


def resolve(key_id: str, token: str | None = TOKEN, **extra):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return Client().get(f"/v1/access/{key_id}", headers=headers, **extra)


def register(body, client=None, **extra):
    client = client or Client()
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/v1/access", data=data, content_type="application/json", **extra)


def assert_go_error(response, status: int, message: str):
    assert response.status_code == status
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.decode() == message + "\n"


def restricted(access_grant: str, restriction: caveat.Caveat) -> str:
    """The grant with one more caveat, as `uplink share` makes it (no secret needed)."""
    scope = grant.parse_grant(access_grant)
    api_key = macaroon.restrict(macaroon.parse(scope.api_key), caveat.encode(restriction))
    scope.api_key = macaroon.serialize(api_key)
    return grant.serialize_grant(scope)


def key_hash_hex(key_id: str) -> str:
    return hashlib.sha256(s3credentials.parse_access_key_id(key_id)).hexdigest()


# --- GET /v1/access/{id} ------------------------------------------------------


def test_it_resolves_s3_credentials_as_edge_answers(s3, project):
    response = resolve(s3.s3_access_key)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content.endswith(b"}\n")
    body = response.json()
    assert list(body) == [
        "access_grant",
        "secret_key",
        "public",
        "public_project_id",
        "project_created_at",
    ]
    assert body["access_grant"] == s3.access_grant
    assert body["secret_key"] == s3.s3_secret_key
    assert body["public"] is False
    assert body["public_project_id"] == str(project.public_id)
    assert body["project_created_at"].endswith("Z")


def test_it_accepts_the_access_key_id_in_capitals(s3):
    # Edge upper-cases before decoding base32.
    assert resolve(s3.s3_access_key.upper()).json()["secret_key"] == s3.s3_secret_key


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer wrong-token-0123456789", f"Basic {TOKEN}", TOKEN],
)
def test_it_answers_401_without_the_right_token(s3, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = Client().get(f"/v1/access/{s3.s3_access_key}", headers=headers)
    assert_go_error(response, 401, "unauthorized")


def test_it_checks_the_token_before_the_key_id(db):
    assert_go_error(resolve("x", token="nope"), 401, "unauthorized")


def test_it_accepts_every_configured_token_while_rotating(s3, settings):
    settings.AUTH_SERVICE_TOKENS = [TOKEN, NEW_TOKEN]
    assert resolve(s3.s3_access_key, token=TOKEN).status_code == 200
    assert resolve(s3.s3_access_key, token=NEW_TOKEN).status_code == 200

    settings.AUTH_SERVICE_TOKENS = [NEW_TOKEN]
    assert_go_error(resolve(s3.s3_access_key, token=TOKEN), 401, "unauthorized")


def test_it_resolves_nothing_when_no_token_is_configured(s3, settings):
    # Edge lets everything through without tokens; a console must not.
    settings.AUTH_SERVICE_TOKENS = []
    assert_go_error(resolve(s3.s3_access_key, token=""), 401, "unauthorized")


@pytest.mark.parametrize(
    ("key_id", "message"),
    [
        ("abc", "alphanumeric encryption key length expected to be 28, was 3"),
        ("a" * 29, "alphanumeric encryption key length expected to be 28, was 29"),
        ("jw" + "a" * 5 + "1" + "a" * 20, "illegal base32 data at input byte 7"),
        ("a" * 28, "encryption key did not start with expected byte"),
    ],
)
def test_it_answers_400_for_a_malformed_key_id(db, key_id, message):
    assert_go_error(resolve(key_id), 400, message)


def test_it_answers_401_for_an_unknown_key(db):
    _, unknown = s3credentials.generate_access_key_id()
    assert_go_error(resolve(unknown), 401, f"not found: key hash: {key_hash_hex(unknown)}")


def test_a_deleted_key_stops_resolving_at_once(s3, project, admin):
    assert resolve(s3.s3_access_key).status_code == 200

    delete_accesses(project, admin, [s3.key.pk])

    response = resolve(s3.s3_access_key)
    assert_go_error(response, 401, f"not found: key hash: {key_hash_hex(s3.s3_access_key)}")


def test_an_expired_key_stops_resolving(project, admin):
    created = create_access(
        project,
        admin,
        CreateAccessRequest(
            name="brief",
            type="s3",
            passphrase=PHRASE,
            full_access=False,
            expires_at=timezone.now() + timedelta(hours=1),
        ),
    )
    assert resolve(created.s3_access_key).status_code == 200

    AccessKey.objects.filter(pk=created.key.pk).update(
        not_after=timezone.now() - timedelta(seconds=1)
    )
    created.key.s3_credentials.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert resolve(created.s3_access_key).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_it_answers_405_to_other_methods_on_a_key(s3, method):
    response = getattr(Client(), method)(
        f"/v1/access/{s3.s3_access_key}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 405
    assert response.content == b""


def test_it_refuses_a_request_announcing_a_large_body(s3):
    response = resolve(s3.s3_access_key, CONTENT_LENGTH="5000")
    assert_go_error(response, 413, "")


def test_it_never_logs_the_access_key_id_or_a_secret(s3, caplog):
    """Django logs every 4xx with its path; the configured filter takes the ID out."""
    with caplog.at_level(logging.INFO):
        resolve(s3.s3_access_key, token="wrong-token-0123456789")
        resolve(s3.s3_access_key[:-1] + "?")
        resolve(s3.s3_access_key)
        register({"access_grant": "not a grant"})

    assert "Unauthorized: /v1/access/[redacted]" in caplog.text
    assert "Bad Request: /v1/access" in caplog.text
    for secret in (s3.s3_access_key, s3.s3_access_key[:-1], s3.s3_secret_key, s3.access_grant):
        assert secret not in caplog.text
    assert TOKEN not in caplog.text


def test_gunicorn_access_log_is_redacted():
    """Gunicorn's access log (docker-compose) formats atoms; ours strips the ID and tokens."""
    from datetime import timedelta as td
    from types import SimpleNamespace

    from gunicorn.config import Config

    from console.log_redaction import GunicornLogger

    key_id = s3credentials.generate_access_key_id()[1]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/v1/access/{key_id}",
        "PATH_INFO": f"/v1/access/{key_id}",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.2",
    }
    request = SimpleNamespace(headers=[("AUTHORIZATION", f"Bearer {TOKEN}")])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = GunicornLogger(Config()).atoms(response, request, environ, td(milliseconds=3))

    assert atoms["r"] == "GET /v1/access/[redacted] HTTP/1.1"
    assert key_id not in json.dumps(atoms, default=str)
    assert TOKEN not in json.dumps(atoms, default=str)


# --- "Last used" ---------------------------------------------------------------


def updates(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def test_a_resolution_records_last_used_at_most_once_a_minute(s3):
    with CaptureQueriesContext(connection) as first:
        resolve(s3.s3_access_key)
    used = AccessKey.objects.get(pk=s3.key.pk).last_used_at
    assert used is not None and timezone.now() - used < timedelta(seconds=5)
    assert len(updates(first)) == 1

    with CaptureQueriesContext(connection) as again:
        for _ in range(20):
            assert resolve(s3.s3_access_key).status_code == 200
    assert updates(again) == []
    assert AccessKey.objects.get(pk=s3.key.pk).last_used_at == used


def test_last_used_is_written_again_once_a_minute_has_passed(s3):
    stale = timezone.now() - LAST_USED_INTERVAL - timedelta(seconds=1)
    AccessKey.objects.filter(pk=s3.key.pk).update(last_used_at=stale)

    resolve(s3.s3_access_key)

    assert AccessKey.objects.get(pk=s3.key.pk).last_used_at > stale


def test_of_processes_racing_past_the_check_only_one_writes(s3):
    """Two processes both read a stale value; the UPDATE's condition lets one through."""
    stale = timezone.now() - timedelta(minutes=5)
    AccessKey.objects.filter(pk=s3.key.pk).update(last_used_at=stale)
    now = timezone.now()

    results = [mark_used(s3.key.pk, stale, now + timedelta(seconds=i)) for i in range(3)]

    assert results == [True, False, False]
    assert AccessKey.objects.get(pk=s3.key.pk).last_used_at == now


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serializes writers; run on PostgreSQL"
)
def test_of_processes_writing_at_once_only_one_changes_the_row(project, admin):
    """Eight connections (as eight console processes) all saw a stale value and write at once."""
    key = make_access_key(project, admin, "busy", last_used_at=timezone.now() - timedelta(hours=1))
    stale = key.last_used_at
    barrier = threading.Barrier(8)
    results = []

    def use():
        barrier.wait()
        try:
            results.append(mark_used(key.pk, stale, timezone.now()))
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(True) == 1


def test_a_failed_resolution_records_no_use(s3):
    resolve(s3.s3_access_key, token="wrong-token-0123456789")
    assert AccessKey.objects.get(pk=s3.key.pk).last_used_at is None


# --- POST /v1/access -----------------------------------------------------------


def test_it_registers_a_grant_made_from_one_of_our_keys(grant_access, project, admin, settings):
    response = register(
        {"access_grant": grant_access.access_grant, "public": True},
        HTTP_USER_AGENT="uplink/1.0",
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert list(body) == ["access_key_id", "secret_key", "endpoint"]
    assert body["endpoint"] == settings.S3_ENDPOINT

    resolved = resolve(body["access_key_id"]).json()
    assert resolved["access_grant"] == grant_access.access_grant
    assert resolved["secret_key"] == body["secret_key"]
    assert resolved["public"] is True

    row = AccessKey.objects.get(parent=grant_access.key)
    assert row.name == "app (S3 via API)"
    assert row.type == AccessKey.Type.S3_CREDENTIALS
    assert row.project == project and row.created_by == admin
    assert row.parent_id is not None and row.full_access and row.all_buckets
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_CREATED).latest("id")
    assert event.details["access"] == "app (S3 via API)"
    assert event.details["registered_through"] == "auth service API (POST /v1/access)"
    assert event.details["registered_from"] == "app"
    assert event.user_agent == "uplink/1.0"
    assert body["secret_key"] not in json.dumps(event.details)


def test_a_registered_grant_shows_the_restrictions_it_carries(grant_access):
    soon = timezone.now() + timedelta(days=2)
    limited = restricted(
        grant_access.access_grant,
        caveat.Caveat(
            disallow_deletes=True,
            disallow_writes=True,
            allowed_paths=[caveat.CaveatPath(bucket=b"photos")],
            not_after=soon,
        ),
    )

    assert register({"access_grant": limited}).status_code == 200

    row = AccessKey.objects.get(parent=grant_access.key)
    assert row.permission_labels() == ["Read", "List"]
    assert not row.full_access and not row.all_buckets
    assert list(row.buckets.values_list("name", flat=True)) == ["photos"]
    assert abs(row.not_after - soon) < timedelta(seconds=1)


def test_registering_the_same_key_twice_gives_distinct_rows(grant_access):
    first = register({"access_grant": grant_access.access_grant}).json()
    second = register({"access_grant": grant_access.access_grant}).json()

    assert first["access_key_id"] != second["access_key_id"]
    names = AccessKey.objects.filter(parent=grant_access.key).values_list("name", flat=True)
    assert sorted(names) == ["app (S3 via API)", "app (S3 via API) 2"]


def test_deleting_a_key_revokes_the_credentials_registered_from_it(grant_access, project, admin):
    body = register({"access_grant": grant_access.access_grant}).json()
    assert resolve(body["access_key_id"]).status_code == 200

    names = delete_accesses(project, admin, [grant_access.key.pk])

    assert names == ["app", "app (S3 via API)"]
    assert resolve(body["access_key_id"]).status_code == 401


def test_it_refuses_a_grant_of_a_key_it_did_not_issue(grant_access, other_project, admin):
    scope = grant.parse_grant(grant_access.access_grant)
    foreign, _ = macaroon.new_root_key()
    scope.api_key = macaroon.serialize(foreign)

    response = register({"access_grant": grant.serialize_grant(scope)})

    assert_go_error(response, 400, "access grant: the API key was not issued by this console")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_it_refuses_a_grant_with_a_forged_signature(grant_access):
    scope = grant.parse_grant(grant_access.access_grant)
    api_key = macaroon.parse(scope.api_key)
    # Drop the restriction but keep the head: only the secret could sign that.
    scope.api_key = macaroon.serialize(macaroon.Macaroon(head=api_key.head, tail=api_key.tail))

    response = register({"access_grant": grant.serialize_grant(scope)})

    assert_go_error(response, 400, "access grant: the API key was not issued by this console")
    assert not AccessKey.objects.filter(parent__isnull=False).exists()


def test_it_refuses_a_grant_of_a_deleted_key(grant_access, project, admin):
    delete_accesses(project, admin, [grant_access.key.pk])
    response = register({"access_grant": grant_access.access_grant})
    assert_go_error(response, 400, "access grant: the API key has been deleted")


def test_it_refuses_a_grant_expiring_within_a_minute(grant_access):
    brief = restricted(
        grant_access.access_grant, caveat.Caveat(not_after=timezone.now() + timedelta(seconds=30))
    )
    response = register({"access_grant": brief})
    assert_go_error(response, 400, "access grant: expiration cannot be shorter than a minute")


def test_it_refuses_a_grant_for_another_satellite(grant_access):
    scope = grant.parse_grant(grant_access.access_grant)
    scope.satellite_addr = "1abc@eu1.example.com:7777"
    response = register({"access_grant": grant.serialize_grant(scope)})
    assert_go_error(
        response, 400, 'access grant: disallowed satellite: "1abc@eu1.example.com:7777"'
    )


@pytest.mark.parametrize("value", ["", "not a grant", "1" * 40])
def test_it_answers_400_for_something_that_is_not_a_grant(db, value):
    response = register({"access_grant": value})
    assert response.status_code == 400
    assert response.content.decode().startswith("access grant: ")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "EOF"),
        ("{", "invalid JSON"),
        ("[1]", "json: cannot unmarshal array into Go value of type struct"),
        ('{"access_grant": 5}', "json: cannot unmarshal number into Go struct field .access_grant"),
        ('{"public": "yes"}', "json: cannot unmarshal string into Go struct field .public"),
    ],
)
def test_it_answers_422_for_a_body_it_cannot_decode(db, body, message):
    response = register(body)
    assert response.status_code == 422
    assert response.content.decode().startswith(message)


def test_it_answers_413_for_a_body_over_4_kib(db):
    response = register({"access_grant": "x" * 5000})
    assert_go_error(response, 413, "")


def test_it_keeps_known_usage_tags_and_refuses_others(grant_access):
    body = register({"access_grant": grant_access.access_grant, "usage_tags": ["MCP", ""]}).json()
    assert resolve(body["access_key_id"]).json()["usage_tags"] == ["mcp"]

    response = register({"access_grant": grant_access.access_grant, "usage_tags": ["cli"]})
    assert_go_error(response, 400, 'invalid tag: unknown tag "cli"')


def test_it_needs_neither_sign_in_nor_a_csrf_token(grant_access):
    client = Client(enforce_csrf_checks=True)
    assert register({"access_grant": grant_access.access_grant}, client=client).status_code == 200


def test_it_answers_the_cors_preflight_as_edge_does(db):
    response = Client().options("/v1/access")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert "Content-Type" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_it_answers_405_to_other_methods_on_the_collection(db, method):
    assert getattr(Client(), method)("/v1/access").status_code == 405


def test_master_key_rotation_skips_registered_credentials(grant_access):
    """A registered row holds no macaroon secret: rotation has nothing to move there."""
    from accesskeys.macaroon_secrets import rotate_macaroon_secrets

    register({"access_grant": grant_access.access_grant})
    failures: list[str] = []

    assert rotate_macaroon_secrets(failures) == 0
    assert failures == []


def settings_in_a_new_process(tmp_path, **env) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.AUTH_SERVICE_TOKENS)"
    )
    environ = {**os.environ, "LOCAL_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=environ,
        capture_output=True,
        text=True,
    )


def test_tokens_come_from_the_environment_comma_separated(tmp_path):
    result = settings_in_a_new_process(tmp_path, AUTH_SERVICE_TOKENS=f" {TOKEN} ,{NEW_TOKEN},")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([TOKEN, NEW_TOKEN])


def test_a_short_token_stops_the_console_from_starting(tmp_path):
    result = settings_in_a_new_process(tmp_path, AUTH_SERVICE_TOKENS="super-secret")
    assert result.returncode != 0
    assert "each token must be at least 16 characters long" in result.stderr
