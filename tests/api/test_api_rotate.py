"""POST /api/v1/projects/{project_id}/accesses/{id}:rotate."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from console.models import AuditEvent
from tests.accesskeys.test_rotate_access import PHRASE, TOKEN, assert_same_caveat, resolve
from tests.helpers.factories import bearer


@pytest.fixture(autouse=True)
def tokens(settings):
    settings.AUTH_SERVICE_TOKENS = [TOKEN]


def url(project, key) -> str:
    return f"/api/v1/projects/{project.public_id}/accesses/{key.id}:rotate"


def post(project, key, token, body):
    return Client().post(
        url(project, key), json.dumps(body), content_type="application/json", **bearer(token)
    )


@pytest.fixture
def old(project, admin):
    return create_access(
        project,
        admin,
        CreateAccessRequest(
            name="backup",
            type="s3",
            full_access=False,
            permissions=frozenset({"read", "list", "GetObjectRetention"}),
            buckets=("photos",),
            expires_at=datetime(2031, 1, 1, tzinfo=UTC),
            passphrase=PHRASE,
        ),
    )


def test_it_rotates_and_returns_the_new_secrets_once(project, old, admin_token):
    response = post(project, old.key, admin_token, {"overlap": "1d", "passphrase": PHRASE})

    assert response.status_code == 201
    body = response.json()
    assert body["access"]["name"] == "backup"
    assert body["access"]["replaces"] == old.key.id
    assert body["access"]["object_lock"] == ["GetObjectRetention"]
    assert body["access"]["expires_at"].startswith("2031-01-01")
    assert body["replaced"]["name"].startswith("backup (replaced ")
    assert body["replaced"]["replaced_by"] == body["access"]["id"]
    stops = datetime.fromisoformat(body["replaced"]["expires_at"])
    assert timedelta(hours=23) < stops - timezone.now() <= timedelta(days=1)
    assert resolve(body["access_key"]).status_code == 200
    assert resolve(old.s3_access_key).status_code == 200
    assert_same_caveat(old.api_key, _api_key_of(body["access_grant"]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_ROTATED)
    assert event.details["via"] == "api"


def _api_key_of(access_grant: str) -> str:
    from storjformat import grant, macaroon

    return macaroon.to_api_key_string(macaroon.parse(grant.parse_grant(access_grant).api_key))


def test_the_default_overlap_is_seven_days(project, old, admin_token):
    body = post(project, old.key, admin_token, {"passphrase": PHRASE}).json()

    stops = datetime.fromisoformat(body["replaced"]["expires_at"])
    assert timedelta(days=6, hours=23) < stops - timezone.now() <= timedelta(days=7)


def test_it_asks_for_the_passphrase_in_a_self_managed_project(project, old, admin_token):
    response = post(project, old.key, admin_token, {"overlap": "7d"})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "passphrase", "message": "Enter your encryption passphrase."}
    ]
    assert not AccessKey.objects.filter(replaces=old.key).exists()


def test_an_unknown_overlap_is_a_422_naming_the_field(project, old, admin_token):
    response = post(project, old.key, admin_token, {"overlap": "2d"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "overlap"


def test_members_may_rotate_only_their_own(project, old, member_token):
    response = post(project, old.key, member_token, {"passphrase": PHRASE})

    assert response.status_code == 403
    assert response.json()["detail"] == "Only project Admins and the key's creator can rotate it."


def test_a_replaced_access_is_a_409(project, old, admin_token):
    post(project, old.key, admin_token, {"passphrase": PHRASE})

    response = post(project, old.key, admin_token, {"passphrase": PHRASE})

    assert response.status_code == 409
    assert "already been replaced by “backup”" in response.json()["errors"][0]["message"]


def test_other_projects_tokens_get_404(project, old, outsider_token):
    assert post(project, old.key, outsider_token, {}).status_code in (401, 404)


def test_the_openapi_document_describes_it(client):
    document = client.get("/api/v1/openapi.json").json()

    operation = document["paths"]["/api/v1/projects/{project_id}/accesses/{access_id}:rotate"]
    assert operation["post"]["summary"] == "Rotate an access"
    assert "201" in operation["post"]["responses"] and "409" in operation["post"]["responses"]
