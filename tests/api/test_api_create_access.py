"""Creating an access through the REST API: every choice of the dialog, its
messages (the service's one wording per rule, which the dialog shows too), the
one-time values, and the audit event."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services.access import MESSAGES
from accesskeys.services.lookup import find_s3_credentials
from console import keyring
from console.models import AuditEvent, Project
from storjformat import grant, passphrase
from tests.helpers.factories import bearer, make_key

PASSPHRASE = "correct horse battery staple"


def create(project, token, **body):
    return Client().post(
        f"/api/v1/projects/{project.public_id}/accesses",
        body,
        content_type="application/json",
        HTTP_USER_AGENT="deploy-script/1.0",
        **bearer(token),
    )


def errors_of(response) -> dict:
    assert response.status_code == 422, response.content
    out = {}
    for item in response.json()["errors"]:
        out.setdefault(item["field"], []).append(item["message"])
    return out


def test_it_creates_s3_credentials_with_full_access(project, admin, admin_token):
    response = create(project, admin_token, name="deploy", type="s3", passphrase=PASSPHRASE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert find_s3_credentials(body["access_key"]).secret_key == body["secret_key"]
    assert body["endpoint"].startswith("https://")
    assert body["access_grant"] and body["api_key"] is None and body["passphrase"] is None
    assert body["access"]["full_access"] is True
    assert body["access"]["buckets"] is None and body["access"]["expires_at"] is None
    key = AccessKey.objects.get(name="deploy")
    assert key.created_by == admin and key.user_agent == "deploy-script/1.0"
    root = passphrase.derive_root_key(PASSPHRASE, bytes(project.salt))
    parsed = grant.parse_grant(body["access_grant"])
    assert parsed.encryption_access.default_key == root


def test_it_audits_the_creation_as_the_dialog_does_marked_as_through_the_api(
    project, admin, admin_token
):
    create(project, admin_token, name="deploy", type="s3", passphrase=PASSPHRASE)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_CREATED)
    assert event.actor == admin and event.project == project
    assert event.user_agent == "deploy-script/1.0"
    assert event.details["access"] == "deploy"
    assert event.details["full_access"] is True
    assert event.details["via"] == "api"
    assert event.details["api_token"] == "alice@example.com test token"
    assert event.details["passphrase"] == "current"


def test_it_creates_an_advanced_api_key(project, member, member_token):
    expires = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    response = create(
        project,
        member_token,
        name="reader",
        type="api-key",
        description="nightly backup check",
        permissions=["read", "list"],
        object_lock=["GetObjectRetention"],
        buckets=["photos", "logs"],
        expires=expires.isoformat(),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["api_key"] and body["satellite_address"]
    assert body["access_key"] is None and body["access_grant"] is None
    access = body["access"]
    assert access["type"] == "api-key" and access["full_access"] is False
    assert access["permissions"] == ["read", "list"]
    assert access["object_lock"] == ["GetObjectRetention"]
    assert access["buckets"] == ["logs", "photos"]
    assert access["description"] == "nightly backup check"
    assert access["created_by"] == "bob@example.com"
    key = AccessKey.objects.get(name="reader")
    assert key.not_after == expires and key.created_by == member


def test_a_restriction_alone_means_advanced_with_the_dialogs_defaults(project, admin_token):
    response = create(project, admin_token, name="one-bucket", type="api-key", buckets=["logs"])
    access = response.json()["access"]
    assert access["full_access"] is False
    assert access["permissions"] == ["read", "write", "list", "delete"]
    assert access["object_lock"] == [] and access["buckets"] == ["logs"]


def test_a_date_without_a_time_or_zone_is_the_start_of_that_day_in_utc(project, admin_token):
    year = timezone.now().year + 2
    response = create(project, admin_token, name="dated", type="api-key", expires=f"{year}-03-01")
    assert response.status_code == 201, response.content
    assert response.json()["access"]["expires_at"] == f"{year}-03-01T00:00:00Z"


def test_it_returns_a_generated_passphrase_once_and_never_stores_it(project, admin_token):
    response = create(
        project, admin_token, name="gen", type="access-grant", generate_passphrase=True
    )
    assert response.status_code == 201, response.content
    phrase = response.json()["passphrase"]
    assert passphrase.is_valid_mnemonic(phrase)
    root = passphrase.derive_root_key(phrase, bytes(project.salt))
    assert grant.parse_grant(response.json()["access_grant"]).encryption_access.default_key == root
    assert_nowhere_in_database(phrase)


def test_a_sent_passphrase_is_nowhere_in_the_database(project, admin_token):
    create(project, admin_token, name="deploy", type="s3", passphrase=PASSPHRASE)
    assert_nowhere_in_database(PASSPHRASE)


def assert_nowhere_in_database(secret: str):
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                assert secret not in " ".join(str(value) for value in row), table


def test_a_managed_project_needs_no_passphrase(admin, admin_token, project):
    project.passphrase_mode = Project.PassphraseMode.MANAGED
    keyring.new_managed_passphrase(project)
    project.save()
    response = create(project, admin_token, name="auto", type="access-grant")
    assert response.status_code == 201, response.content
    assert response.json()["passphrase"] is None
    root = passphrase.derive_root_key(keyring.managed_passphrase(project), bytes(project.salt))
    parsed = grant.parse_grant(response.json()["access_grant"])
    assert parsed.encryption_access.default_key == root


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"name": "", "type": "api-key"}, "name", MESSAGES["name_required"]),
        (
            {"name": "x" * 101, "type": "api-key"},
            "name",
            MESSAGES["name_too_long"],
        ),
        ({"name": "taken", "type": "api-key"}, "name", MESSAGES["name_taken"]),
        ({"name": "n", "type": "s3"}, "passphrase", MESSAGES["passphrase_current_required"]),
        (
            {"name": "n", "type": "api-key", "buckets": ["nope"]},
            "buckets",
            MESSAGES["bucket_unknown"] % {"value": "nope"},
        ),
        (
            {"name": "n", "type": "api-key", "expires": "2001-01-01T00:00:00Z"},
            "expires",
            MESSAGES["expiration_past"],
        ),
        (
            {"name": "n", "type": "api-key", "permissions": []},
            "permissions",
            MESSAGES["permission_required"],
        ),
        (
            {"name": "n", "type": "api-key", "full_access": True, "permissions": ["read"]},
            "full_access",
            "Full Access cannot be combined with permissions, object_lock, notification, "
            "buckets, paths, max_object_ttl or expires.",
        ),
        (
            {"name": "n", "type": "s3", "passphrase": "p", "generate_passphrase": True},
            "passphrase",
            "Give a passphrase or ask to generate one, not both.",
        ),
    ],
)
def test_it_answers_bad_choices_with_the_field_and_the_dialogs_message(
    project, admin, admin_token, body, field, message
):
    make_key(project, admin, name="taken")
    assert errors_of(create(project, admin_token, **body)) == {field: [message]}
    assert list(AccessKey.objects.values_list("name", flat=True)) == ["taken"]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_CREATED).exists()


def test_it_reports_every_field_in_error_at_once(project, admin_token):
    errors = errors_of(create(project, admin_token, name=" ", type="s3", buckets=["nope"]))
    assert set(errors) == {"name", "buckets", "passphrase"}


def test_a_schema_error_names_the_field(project, admin_token):
    errors = errors_of(create(project, admin_token, name="n", type="ftp"))
    assert list(errors) == ["type"]
    errors = errors_of(create(project, admin_token, name="n", type="s3", permissions=["fly"]))
    assert list(errors) == ["permissions.0"]


def test_it_grants_the_notification_permissions_chosen_and_refuses_the_others(project, admin_token):
    from tests.helpers.notifications import GET, OPS, PUT, allowed

    response = create(
        project,
        admin_token,
        name="notifier",
        type="api-key",
        permissions=["read"],
        notification=[GET],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["access"]["notification"] == [GET]
    assert allowed(body["api_key"], OPS[GET])
    assert not allowed(body["api_key"], OPS[PUT])


def test_full_access_through_the_api_shows_both_notification_permissions(project, admin_token):
    from tests.helpers.notifications import GET, PUT

    response = create(project, admin_token, name="everything", type="api-key")
    assert response.json()["access"]["notification"] == [PUT, GET]
