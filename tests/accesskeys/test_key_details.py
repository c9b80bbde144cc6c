import base64
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from tests.helpers.factories import make_key

ITEM = re.compile(r'<li class="(allowed|denied)"><span aria-hidden="true">.</span> (\w+)<')


def details(client, project, key):
    response = client.get(reverse("accesskeys:detail", args=[project.public_id, key.id]))
    assert response.status_code == 200
    return response.content.decode()


def shown_permissions(body: str) -> dict[str, bool]:
    return {label: state == "allowed" for state, label in ITEM.findall(body)}


@pytest.mark.parametrize("key_type", AccessKey.Type.values)
def test_it_shows_exactly_the_restrictions_chosen(member_client, project, admin, key_type):
    not_after = timezone.now() + timedelta(days=30)
    key = make_key(
        project,
        admin,
        name=f"limited-{key_type}",
        type=key_type,
        description="Nightly backup job",
        can_write=False,
        can_delete=False,
        can_get_object_retention=True,
        can_put_object_legal_hold=True,
        buckets=["backups", "logs"],
        not_after=not_after,
    )
    body = details(member_client, project, key)
    assert shown_permissions(body) == {
        "Read": True,
        "Write": False,
        "List": True,
        "Delete": False,
        "PutObjectRetention": False,
        "GetObjectRetention": True,
        "BypassGovernanceRetention": False,
        "PutObjectLegalHold": True,
        "GetObjectLegalHold": False,
        "PutObjectLockConfiguration": False,
        "GetObjectLockConfiguration": False,
        "PutBucketNotificationConfiguration": False,
        "GetBucketNotificationConfiguration": False,
    }
    assert key.get_type_display() in body
    assert "Nightly backup job" in body
    assert "<code>backups</code>" in body and "<code>logs</code>" in body
    assert "<code>photos</code>" not in body and "All buckets" not in body
    assert not_after.strftime("%b %-d, %Y") in body
    assert "alice@example.com" in body and "(former member)" not in body
    assert "Active" in body
    assert "Never" in body  # last used


@pytest.mark.parametrize("key_type", AccessKey.Type.values)
def test_it_shows_what_create_access_was_asked_for(member_client, project, member, key_type):
    expires = timezone.now() + timedelta(days=9)
    created = create_access(
        project,
        member,
        CreateAccessRequest(
            name=f"made-{key_type}",
            type=key_type,
            full_access=False,
            permissions=frozenset({"read", "list", "BypassGovernanceRetention"}),
            buckets=("photos",),
            expires_at=expires,
            passphrase="a passphrase for the test",
        ),
    )
    body = details(member_client, project, created.key)
    allowed = {label for label, ok in shown_permissions(body).items() if ok}
    assert allowed == {"Read", "List", "BypassGovernanceRetention"}
    assert "<code>photos</code>" in body and "<code>logs</code>" not in body
    assert expires.strftime("%b %-d, %Y, %H:%M") in body
    assert "bob@example.com" in body
    # None of the one-time values is on the page.
    for secret in [created.api_key, created.access_grant, created.s3_secret_key]:
        assert secret is None or secret not in body


def test_it_shows_full_access_as_stored(admin_client, project, admin):
    key = make_key(project, admin, name="root", full_access=True)
    body = details(admin_client, project, key)
    allowed = shown_permissions(body)
    assert allowed.pop("BypassGovernanceRetention") is False
    assert len(allowed) == 12 and all(allowed.values())
    assert "All buckets" in body and "No expiration" in body
    assert "Full access, no expiration" in body


def test_it_says_what_full_access_grants_and_what_it_withholds(admin_client, project, admin):
    key = make_key(project, admin, name="root", full_access=True)
    body = details(admin_client, project, key)
    assert "Full Access in every bucket: Read, write, list and delete" in body
    assert "except BypassGovernanceRetention" in body
    assert "all permissions" not in body


def test_it_shows_status_and_last_use(admin_client, project, admin):
    used = timezone.now() - timedelta(hours=3)
    expired = make_key(
        project, admin, name="old", not_after=timezone.now() - timedelta(days=1), last_used_at=used
    )
    body = details(admin_client, project, expired)
    assert "Expired" in body
    assert used.strftime("%b %-d, %Y, %H:%M") in body

    revoked = make_key(project, admin, name="gone", revoked_at=timezone.now())
    assert "Revoked" in details(admin_client, project, revoked)


@pytest.mark.parametrize(
    ("key_type", "help_text"),
    [
        ("s3", "When a gateway last resolved these credentials through the console's auth"),
        ("access_grant", "grants and API keys used directly with the satellite are not seen"),
        ("api_key", "grants and API keys used directly with the satellite are not seen"),
    ],
)
def test_it_says_how_last_use_is_known_for_the_type(
    member_client, project, admin, key_type, help_text
):
    # Only S3 credentials go through the auth service, which records the use.
    body = details(member_client, project, make_key(project, admin, name="k", type=key_type))
    assert help_text in body


def test_it_never_shows_a_secret(admin_client, project, admin):
    key = make_key(project, admin, name="secretive")
    AccessKey.objects.filter(id=key.id).update(secret_encrypted=b"SUPERSECRETBYTES")
    key.refresh_from_db()
    body = details(admin_client, project, key)
    head = bytes(key.head)
    for secret in [head.hex(), base64.b64encode(head).decode(), "SUPERSECRETBYTES"]:
        assert secret not in body


def test_it_hides_keys_of_other_projects(
    admin_client, outsider_client, project, other_project, admin, outsider
):
    theirs = make_key(other_project, outsider, name="theirs")
    url = reverse("accesskeys:detail", args=[project.public_id, theirs.id])
    assert admin_client.get(url).status_code == 404
    ours = make_key(project, admin, name="ours")
    url = reverse("accesskeys:detail", args=[project.public_id, ours.id])
    assert outsider_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("key_type", "path_encryption", "shown"),
    [
        ("s3", True, "On: object keys are encrypted (AES-GCM)"),
        ("access_grant", False, "Off: object keys are stored readable (null path cipher)"),
        ("api_key", False, "Not applicable: an API key carries no encryption keys"),
    ],
)
def test_it_shows_the_path_encryption_of_the_grant(
    member_client, project, admin, key_type, path_encryption, shown
):
    project.path_encryption = path_encryption
    project.save()
    key = make_key(project, admin, name="k", type=key_type)
    body = details(member_client, project, key)
    assert f"<dt>Path encryption</dt><dd>{shown}</dd>" in body
