"""Grants registered through POST /v1/access say what they allow (issue 20, item 6).

A grant carrying disallow_locks (caveat field 5), max_object_ttl (22), a
prefix, or a caveat field the console does not model is not Full Access, and
the key's details, the Access Keys list and the Audit page say so in words.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from storjformat import caveat, grant, macaroon
from storjformat import protobuf as pb
from tests.accesskeys.test_auth_service import register, restricted
from tests.helpers import uplink_c


@pytest.fixture
def full_grant(project, admin):
    return create_access(
        project,
        admin,
        CreateAccessRequest(name="app", type="access_grant", passphrase="pass phrase"),
    )


def registered(full_grant, grant_text: str) -> AccessKey:
    response = register({"access_grant": grant_text})
    assert response.status_code == 200, response.content
    return AccessKey.objects.get(parent=full_grant.key)


def shows(admin_client, project, key, text: str) -> None:
    pages = [
        f"/projects/{project.public_id}/access-keys/{key.id}/",
        f"/projects/{project.public_id}/access-keys/",
        f"/projects/{project.public_id}/audit/",
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url


def test_disallow_locks_is_not_full_access(full_grant, admin_client, project):
    key = registered(
        full_grant,
        restricted(full_grant.access_grant, caveat.Caveat(disallow_locks=True, nonce=b"1234")),
    )
    assert not key.full_access
    assert key.object_lock_labels() == []
    assert key.other_restrictions == ["Object lock: not allowed"]
    shows(admin_client, project, key, "Object lock: not allowed")


def test_max_object_ttl_is_not_full_access(full_grant, admin_client, project):
    ttl = timedelta(hours=1)
    key = registered(
        full_grant,
        restricted(full_grant.access_grant, caveat.Caveat(max_object_ttl=ttl, nonce=b"1234")),
    )
    assert not key.full_access
    assert key.max_object_ttl == ttl
    shows(admin_client, project, key, "Objects expire after at most 1 hour")


def test_an_unknown_caveat_field_is_not_full_access(full_grant, admin_client, project):
    scope = grant.parse_grant(full_grant.access_grant)

    unknown = caveat.encode(caveat.Caveat(nonce=b"1234")) + pb.bool_field(23, True)
    api_key = macaroon.restrict(macaroon.parse(scope.api_key), unknown)
    scope.api_key = macaroon.serialize(api_key)
    key = registered(full_grant, grant.serialize_grant(scope))
    assert not key.full_access
    shows(admin_client, project, key, "Caveat field 23")


def test_a_prefix_shared_by_uplink_shows_in_plain_text(full_grant, admin_client, project):
    shared = uplink_c.share(
        full_grant.access_grant,
        download=True,
        list_=True,
        not_after=timezone.now() + timedelta(days=1),
        prefixes=[("photos", "2026/")],
    )
    key = registered(full_grant, shared)
    assert not key.full_access
    assert key.prefixes == [["photos", "2026"]]
    shows(admin_client, project, key, "photos/2026")
    listed = admin_client.get(f"/projects/{project.public_id}/access-keys/").content.decode()
    assert "Only objects under photos/2026" in listed
