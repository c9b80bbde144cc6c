"""The count of a project's keys that the database keeps (Project.access_key_count).

The Access Keys page says "of 1,234" from it instead of counting: each way keys
come and go must move it, including SQL that no Python code of ours runs.
"""

import os

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from accesskeys.services.access_delete import delete_accesses
from accesskeys.services.access_register import register_grant
from console.models import Project
from tests.helpers.factories import bearer, make_access_key

PHRASE = "my secret passphrase"


def kept_count(project) -> int:
    return Project.objects.get(pk=project.pk).access_key_count


def live_keys(project) -> int:
    return AccessKey.objects.not_revoked().filter(project=project).count()


def assert_in_step(*projects):
    for project in projects:
        assert kept_count(project) == live_keys(project), project.name


def test_it_follows_creation_registration_and_deletion(project, admin):
    assert kept_count(project) == 0
    grant = create_access(
        project, admin, CreateAccessRequest("app", "access_grant", passphrase=PHRASE)
    )
    create_access(project, admin, CreateAccessRequest("s3", "s3", passphrase=PHRASE))
    register_grant(grant.access_grant)
    assert kept_count(project) == 3

    delete_accesses(project, admin, [grant.key.pk])
    assert kept_count(project) == 1  # deleted, and the credentials registered from it
    assert_in_step(project)


def test_it_follows_rows_made_and_changed_outside_the_services(project, other_project, admin):
    keys = [make_access_key(project, admin, f"key-{n}") for n in range(5)]
    AccessKey.objects.bulk_create(
        AccessKey(
            project=other_project,
            name=f"bulk-{n}",
            type="api_key",
            head=os.urandom(32),
            not_before=timezone.now(),
        )
        for n in range(3)
    )
    assert (kept_count(project), kept_count(other_project)) == (5, 3)

    AccessKey.objects.filter(pk__in=[keys[0].pk, keys[1].pk]).update(revoked_at=timezone.now())
    AccessKey.objects.filter(pk=keys[0].pk).update(revoked_at=timezone.now())  # already revoked
    AccessKey.objects.filter(pk=keys[2].pk).update(name="renamed")  # not a count change
    keys[3].delete()
    AccessKey.objects.filter(pk=keys[4].pk).update(project=other_project)
    AccessKey.objects.filter(pk=keys[1].pk).update(revoked_at=None)  # brought back by hand
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accesskeys_accesskey WHERE name = %s", ["bulk-0"])
    assert (kept_count(project), kept_count(other_project)) == (2, 3)
    assert_in_step(project, other_project)

    # A deleted key's row going away (a purge) leaves the count alone.
    AccessKey.objects.filter(pk=keys[0].pk).delete()
    assert_in_step(project)


def test_a_stale_project_saved_does_not_write_its_count_back(project, admin):
    stale = Project.objects.get(pk=project.pk)
    make_access_key(project, admin, "made-meanwhile")

    stale.name = "Renamed"
    stale.save()

    assert kept_count(project) == 1
    assert Project.objects.get(pk=project.pk).name == "Renamed"


def test_a_refused_insert_leaves_no_count_behind(project, admin):
    create_access(project, admin, CreateAccessRequest("app", "api_key"))
    with pytest.raises(IntegrityError), transaction.atomic():  # the name is taken
        make_access_key(project, admin, "app", type="api_key")
    assert_in_step(project)


def test_the_page_says_how_many_keys_from_the_kept_count(admin_client, project, admin):
    for n in range(12):
        make_access_key(project, admin, f"key-{n:02}")
    AccessKey.objects.filter(name="key-00").update(revoked_at=timezone.now())

    response = admin_client.get(f"/projects/{project.public_id}/access-keys/")

    assert "Showing 1–10 of 11" in response.content.decode()


def test_a_count_read_before_a_deletion_still_shows_the_last_page(admin_client, project, admin):
    # Another request deletes a key between this page reading the kept count and
    # reading its rows: the count says 11 where 10 keys are left.
    for n in range(10):
        make_access_key(project, admin, f"key-{n:02d}")
    Project.objects.filter(pk=project.pk).update(access_key_count=11)

    response = admin_client.get(f"/projects/{project.public_id}/access-keys/?page=2")

    html = response.content.decode()
    assert "Showing 1–10 of 10" in html
    assert [key.name for key in response.context["keys_page"].object_list][-1] == "key-09"


def test_the_api_list_takes_the_kept_count_and_survives_it_being_stale(project, admin, admin_token):
    for n in range(3):
        make_access_key(project, admin, f"key-{n:02d}")
    url = f"/api/v1/projects/{project.public_id}/accesses"
    client = Client()
    client.get(url, **bearer(admin_token))  # "last used" is written once
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url, {"size": 2, "page": 2}, **bearer(admin_token)).json()
    assert body["count"] == 3 and [item["name"] for item in body["items"]] == ["key-02"]
    assert not any("COUNT(" in query["sql"].upper() for query in queries)

    # Keys deleted between reading the count and the rows: the answer counts the rows.
    Project.objects.filter(pk=project.pk).update(access_key_count=5)
    body = client.get(url, {"size": 2, "page": 3}, **bearer(admin_token)).json()
    assert body["count"] == 3 and body["pages"] == 2 and body["items"] == []
