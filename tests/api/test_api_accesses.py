"""The REST API's accesses: list, get, delete one or many, as each role."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accesskeys.models import AccessKey
from console.models import AuditEvent
from tests.helpers.factories import bearer, make_key


def url(project, rest=""):
    return f"/api/v1/projects/{project.public_id}/accesses{rest}"


@pytest.fixture
def keys(project, admin, member):
    return {
        "admin-key": make_key(project, admin, name="admin-key", full_access=True),
        "bob-key": make_key(project, member, name="bob-key", buckets=["photos"]),
        "Zed": make_key(project, admin, name="Zed"),
    }


def test_it_lists_accesses_sorted_by_name(project, keys, member_token):
    response = Client().get(url(project), **bearer(member_token))
    assert response.status_code == 200
    body = response.json()
    assert [item["name"] for item in body["items"]] == ["admin-key", "bob-key", "Zed"]
    assert body["count"] == 3 and body["page"] == 1 and body["pages"] == 1
    bob = body["items"][1]
    assert bob["created_by"] == "bob@example.com"
    assert bob["buckets"] == ["photos"]
    assert bob["type"] == "s3"
    assert body["items"][0]["buckets"] is None


def test_it_searches_sorts_and_pages_as_the_page_does(project, keys, admin_token):
    client = Client()
    found = client.get(url(project), {"search": "BOB@"}, **bearer(admin_token)).json()
    assert [item["name"] for item in found["items"]] == ["bob-key"]

    newest = client.get(url(project), {"sort": "-created"}, **bearer(admin_token)).json()
    assert [item["name"] for item in newest["items"]] == ["Zed", "bob-key", "admin-key"]

    second = client.get(url(project), {"size": 2, "page": 2}, **bearer(admin_token)).json()
    assert [item["name"] for item in second["items"]] == ["Zed"]
    assert second["pages"] == 2 and second["count"] == 3

    beyond = client.get(url(project), {"size": 2, "page": 9}, **bearer(admin_token)).json()
    assert beyond["items"] == [] and beyond["count"] == 3


def test_it_rejects_an_unknown_sort_with_the_field(project, admin_token):
    response = Client().get(url(project), {"sort": "secret"}, **bearer(admin_token))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sort"


def test_it_leaves_deleted_accesses_out_of_the_list(project, keys, admin_token):
    AccessKey.objects.filter(name="Zed").update(revoked_at=keys["Zed"].created_at)
    body = Client().get(url(project), **bearer(admin_token)).json()
    assert [item["name"] for item in body["items"]] == ["admin-key", "bob-key"]


def test_it_gets_one_access_with_its_restrictions_and_no_secret(project, keys, member_token):
    key = keys["admin-key"]
    response = Client().get(url(project, f"/{key.id}"), **bearer(member_token))
    assert response.status_code == 200
    body = response.json()
    assert body["full_access"] is True
    assert body["permissions"] == ["read", "write", "list", "delete"]
    assert "BypassGovernanceRetention" not in body["object_lock"]
    assert body["status"] == "active"
    assert not {"head", "secret", "secret_encrypted", "secret_key"} & set(body)


def test_it_answers_404_for_an_access_of_another_project(
    project, other_project, outsider, keys, admin_token
):
    theirs = make_key(other_project, outsider, name="theirs")
    response = Client().get(url(project, f"/{theirs.id}"), **bearer(admin_token))
    assert response.status_code == 404
    assert response.json()["detail"] == "No such access."


def test_it_answers_an_outsiders_token_with_404(project, keys, outsider_token):
    response = Client().get(url(project), **bearer(outsider_token))
    assert response.status_code == 404
    assert response.json() == {"detail": "No such project.", "errors": []}


def test_it_deletes_one_access_and_audits_it_as_done_through_the_api(
    project, keys, admin, admin_token
):
    key = keys["bob-key"]
    response = Client().delete(url(project, f"/{key.id}"), **bearer(admin_token))
    assert response.status_code == 200
    assert response.json() == {"deleted": ["bob-key"]}
    key.refresh_from_db()
    assert key.revoked_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DELETED)
    assert event.actor == admin and event.project == project
    assert event.details == {
        "accesses": ["bob-key"],
        "via": "api",
        "api_token": "alice@example.com test token",
    }


def test_a_member_deletes_their_own_access(project, keys, member_token):
    response = Client().delete(url(project, f"/{keys['bob-key'].id}"), **bearer(member_token))
    assert response.status_code == 200


def test_a_member_cannot_delete_an_admins_access(project, keys, member_token):
    response = Client().delete(url(project, f"/{keys['admin-key'].id}"), **bearer(member_token))
    assert response.status_code == 403
    assert "Members can delete only the access keys they created" in response.json()["detail"]
    assert AccessKey.objects.not_revoked().count() == 3
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DELETED).exists()


def test_it_deletes_many_all_or_nothing(project, keys, member_token, admin_token):
    ids = [keys["bob-key"].id, keys["admin-key"].id]
    refused = Client().post(
        url(project, ":delete"),
        {"ids": ids},
        content_type="application/json",
        **bearer(member_token),
    )
    assert refused.status_code == 403
    assert "Not yours: admin-key. Nothing was deleted." in refused.json()["detail"]
    assert AccessKey.objects.not_revoked().count() == 3

    missing = Client().post(
        url(project, ":delete"),
        {"ids": [*ids, 999999]},
        content_type="application/json",
        **bearer(admin_token),
    )
    assert missing.status_code == 404
    assert AccessKey.objects.not_revoked().count() == 3

    done = Client().post(
        url(project, ":delete"),
        {"ids": ids},
        content_type="application/json",
        **bearer(admin_token),
    )
    assert done.status_code == 200
    assert sorted(done.json()["deleted"]) == ["admin-key", "bob-key"]
    assert list(AccessKey.objects.not_revoked().values_list("name", flat=True)) == ["Zed"]


def test_it_answers_a_deleted_access_with_404(project, keys, admin_token):
    key = keys["Zed"]
    Client().delete(url(project, f"/{key.id}"), **bearer(admin_token))
    again = Client().delete(url(project, f"/{key.id}"), **bearer(admin_token))
    assert again.status_code == 404


def test_the_list_costs_the_same_queries_for_ten_keys_as_for_one(project, admin, admin_token):
    make_key(project, admin, name="only", buckets=["photos"])
    client = Client()
    client.get(url(project), **bearer(admin_token))  # "last used" is written once
    with CaptureQueriesContext(connection) as one:
        client.get(url(project), **bearer(admin_token))
    for i in range(9):
        make_key(project, admin, name=f"more-{i}", buckets=["logs"])
    with CaptureQueriesContext(connection) as ten:
        body = client.get(url(project), **bearer(admin_token)).json()
    assert len(body["items"]) == 10
    assert len(ten) == len(one) <= 6
