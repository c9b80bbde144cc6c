"""/metrics: who may read it, and what each counter counts (in one process; the
two-worker server is tests/config/test_operations_server.py)."""

import json
from datetime import timedelta
from ipaddress import ip_network

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from accesskeys.models import S3Credential
from accesskeys.services.access_create import CreateAccessRequest, create_access
from accesskeys.services.access_delete import delete_accesses
from console.audit import Origin
from tests.helpers.factories import PASSWORD, bearer

TOKEN = "metrics-token-0123456789abcdef"
GATEWAY = "gateway-token-0123456789"


def count(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Delta:
    """What a counter moved by during the block."""

    def __init__(self, name: str, **labels):
        self.name, self.labels = name, labels

    def __enter__(self):
        self.start = count(self.name, **self.labels)
        return self

    def __exit__(self, *exc):
        self.moved = count(self.name, **self.labels) - self.start


@pytest.fixture(autouse=True)
def metrics_settings(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    settings.AUTH_SERVICE_TOKENS = [GATEWAY]
    return settings


def test_it_refuses_a_scrape_without_the_token(db):
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", **bearer("wrong")).status_code == 401
    response = Client().get("/metrics", **bearer(TOKEN))
    assert response.status_code == 200
    assert "console_auth_lookups_total" in response.content.decode()


def test_it_is_closed_when_nothing_is_configured(db, settings):
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", **bearer("")).status_code == 401


def test_it_lets_allowed_addresses_in(db, settings):
    settings.METRICS_ALLOWED_IPS = [ip_network("10.1.0.0/16")]
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.2.0.1").get("/metrics").status_code == 401


def test_lookups_count_by_result(project, admin):
    created = create_access(
        project, admin, CreateAccessRequest(name="gw", type="s3", passphrase="a b c d")
    )
    expired = create_access(
        project, admin, CreateAccessRequest(name="old", type="s3", passphrase="a b c d")
    )
    S3Credential.objects.filter(access_key=expired.key).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    deleted = create_access(
        project, admin, CreateAccessRequest(name="gone", type="s3", passphrase="a b c d")
    )
    delete_accesses(project, admin, [deleted.key.id])

    def look(key_id, token=GATEWAY):
        return Client().get(f"/v1/access/{key_id}", **bearer(token)).status_code

    cases = [
        ("resolved", created.s3_access_key, GATEWAY, 200),
        ("expired", expired.s3_access_key, GATEWAY, 401),
        ("deleted", deleted.s3_access_key, GATEWAY, 401),
        ("unknown", "jw" + "a" * 26, GATEWAY, 401),
        ("bad_token", created.s3_access_key, "not-the-gateway-token", 401),
        ("malformed", "nope", GATEWAY, 400),
    ]
    for result, key_id, token, status in cases:
        with Delta("console_auth_lookups_total", result=result) as delta:
            assert look(key_id, token) == status
        assert delta.moved == 1, result


def test_creations_and_deletions_count_by_type_and_way(project, admin, admin_token):
    with Delta("console_accesses_created_total", type="api-key", via="command") as by_command:
        key = create_access(
            project,
            admin,
            CreateAccessRequest(name="k1", type="api_key"),
            Origin(channel="command"),
        ).key
    assert by_command.moved == 1

    with Delta("console_accesses_created_total", type="api-key", via="api") as by_api:
        response = Client().post(
            f"/api/v1/projects/{project.public_id}/accesses",
            json.dumps({"name": "k2", "type": "api-key"}),
            content_type="application/json",
            **bearer(admin_token),
        )
    assert response.status_code == 201, response.content
    assert by_api.moved == 1

    with Delta("console_accesses_deleted_total", type="api-key", via="web") as deleted:
        delete_accesses(project, admin, [key.id])
    assert deleted.moved == 1


def test_sign_ins_count_by_result(admin):
    with Delta("console_sign_ins_total", result="failure") as failed:
        Client().post("/signin/", {"email": admin.email, "password": "wrong-password-1"})
    with Delta("console_sign_ins_total", result="success") as succeeded:
        Client().post("/signin/", {"email": admin.email, "password": PASSWORD})
    assert failed.moved == 1
    assert succeeded.moved == 1


def test_sign_in_lockouts_count(admin, settings):
    settings.AXES_FAILURE_LIMIT = 2
    with Delta("console_sign_ins_total", result="locked_out") as locked:
        for _ in range(3):
            Client().post("/signin/", {"email": admin.email, "password": "wrong-password-1"})
    assert locked.moved >= 1


def test_responses_count_by_area_and_status(db):
    with Delta("console_http_responses_total", area="pages", status="200") as pages:
        Client().get("/healthz")
    with Delta("console_http_responses_total", area="api", status="401") as api:
        Client().get("/api/v1/projects/00000000-0000-0000-0000-000000000000/accesses")
    assert pages.moved == 1
    assert api.moved == 1


def invite(client, project):
    return client.post(
        f"/projects/{project.public_id}/team/", {"email": "newbie@example.com", "role": "member"}
    )


def test_emails_sent_count_by_kind(admin_client, project, mail_server):
    with Delta("console_emails_total", kind="invitation", result="sent") as sent:
        assert invite(admin_client, project).status_code == 302
    assert len(mail_server.messages) == 1
    assert sent.moved == 1


@pytest.mark.usefixtures("mail_server_down")
def test_emails_that_fail_count(admin_client, project):
    with Delta("console_emails_total", kind="invitation", result="failed") as failed:
        assert invite(admin_client, project).status_code == 503
    assert failed.moved == 1
