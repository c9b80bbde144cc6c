"""A database that fails under a request: a clear answer in the form the request
expects, and nothing half-written (the real faults: tests/config/test_faults.py)."""

import json
from unittest import mock

import pytest
from django.db import InternalError, OperationalError
from django.test import Client

from accesskeys.models import AccessKey, S3Credential
from console.models import AuditEvent
from console.views import DATABASE_DOWN, SERVER_ERROR
from tests.helpers.factories import bearer

FAULTS = [
    OperationalError("could not extend file: No space left on device"),  # a full disk
    OperationalError("server closed the connection unexpectedly"),
    InternalError("cannot execute INSERT in a read-only transaction"),
]


def failing_audit(error):
    # The last write of a creation's transaction: the key and S3 record come before it.
    return mock.patch("console.audit.AuditEvent.objects.create", side_effect=error)


def nothing_written():
    assert not AccessKey.objects.exists()
    assert not S3Credential.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_CREATED).exists()


@pytest.mark.parametrize("error", FAULTS, ids=["disk full", "connection lost", "read-only"])
def test_the_dialog_says_the_database_is_unavailable(admin, project, error):
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    data = {
        "step": "confirm",
        "name": "k",
        "type": "api_key",
        "access": "full",
        "seen": ["name", "access"],
    }
    with failing_audit(error):
        response = client.post(
            f"/projects/{project.public_id}/access-keys/new/", data, headers={"HX-Request": "true"}
        )
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == DATABASE_DOWN
    nothing_written()


def test_a_page_says_it_in_a_page(admin, project):
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    with mock.patch("accesskeys.views.render", side_effect=FAULTS[1]):
        response = client.get(f"/projects/{project.public_id}/access-keys/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "<h1>Database unavailable</h1>" in html and DATABASE_DOWN in html


def test_the_api_says_it_in_json(admin, project, admin_token):
    client = Client(raise_request_exception=False)
    with failing_audit(FAULTS[0]):
        response = client.post(
            f"/api/v1/projects/{project.public_id}/accesses",
            json.dumps({"name": "k", "type": "api-key"}),
            content_type="application/json",
            **bearer(admin_token),
        )
    assert response.status_code == 503
    assert response.json()["detail"] == DATABASE_DOWN
    nothing_written()


def test_gateways_get_edges_bare_500_which_they_retry(db, settings):
    settings.AUTH_SERVICE_TOKENS = ["gateway-token-0123456789"]
    client = Client(raise_request_exception=False)
    with mock.patch("accesskeys.services.lookup.find_s3_credentials", side_effect=FAULTS[1]):
        response = client.get("/v1/access/jw" + "a" * 26, **bearer("gateway-token-0123456789"))
    assert response.status_code == 500 and response.content == b""


def test_other_errors_stay_500_and_say_so(admin, project):
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    with mock.patch("accesskeys.views.render", side_effect=RuntimeError("bug")):
        response = client.get(
            f"/projects/{project.public_id}/access-keys/", headers={"HX-Request": "true"}
        )
    assert response.status_code == 500
    assert response.content.decode() == SERVER_ERROR
