"""'Not used in 90 days' on the Audit page offers Rotate and Delete for the keys it
finds, each with a confirmation naming them; bulk rotation is all or nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from accesskeys.services.rotation import rotate_access, rotate_accesses
from console.models import AuditEvent

PHRASE = "correct horse battery staple"
LONG_AGO = timedelta(days=120)


@pytest.fixture
def stale(project, admin):
    """Two keys unused for 120 days, one used yesterday, one stale but deleted."""
    keys = {}
    for name, type_ in [("old-s3", "s3"), ("old-api", "api_key"), ("fresh", "s3"), ("gone", "s3")]:
        keys[name] = create_access(
            project, admin, CreateAccessRequest(name, type_, passphrase=PHRASE)
        ).key
    AccessKey.objects.update(created_at=timezone.now() - LONG_AGO)
    AccessKey.objects.filter(name="fresh").update(last_used_at=timezone.now() - timedelta(days=1))
    AccessKey.objects.filter(name="gone").update(revoked_at=timezone.now())
    return keys


def audit_page(client, project, **params):
    return client.get(reverse("audit", args=[project.public_id]), params)


def test_the_filter_offers_rotate_and_delete_for_the_live_keys_it_finds(
    admin_client, project, stale
):
    page = audit_page(admin_client, project, unused="on").content.decode()

    assert "2 live keys not used in 90 days." in page
    assert "Rotate them" in page and "Delete them" in page
    for name in ("old-s3", "old-api"):
        assert f'name="ids" value="{stale[name].id}"' in page
    for name in ("fresh", "gone"):
        assert f'name="ids" value="{stale[name].id}"' not in page
    assert "Rotate them" not in audit_page(admin_client, project).content.decode()


def test_the_rotate_confirmation_names_the_keys(admin_client, project, stale):
    ids = [stale["old-s3"].id, stale["old-api"].id]
    url = reverse("accesskeys:rotate_many", args=[project.public_id])

    page = admin_client.get(url, {"ids": ids}).content.decode()

    assert "Replace 2 access keys" in page
    assert "old-s3" in page and "old-api" in page
    assert 'name="passphrase"' in page  # S3 credentials in a Self-Managed project


def test_it_rotates_them_all_and_shows_each_new_keys_values(admin_client, project, stale):
    ids = [stale["old-s3"].id, stale["old-api"].id]
    url = reverse("accesskeys:rotate_many", args=[project.public_id])

    response = admin_client.post(url, {"ids": ids, "overlap": "1d", "passphrase": PHRASE})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Access keys rotated" in page
    assert "Access Key" in page and "API Key" in page
    assert AccessKey.objects.filter(replaces_id__in=ids).count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_ROTATED).count() == 2
    assert PHRASE not in page


def test_without_the_passphrase_nothing_is_rotated(admin_client, project, stale):
    url = reverse("accesskeys:rotate_many", args=[project.public_id])

    response = admin_client.post(url, {"ids": [stale["old-s3"].id], "overlap": "7d"})

    assert response.status_code == 400
    assert "Enter your encryption passphrase." in response.content.decode()
    assert not AccessKey.objects.filter(replaces__isnull=False).exists()


def test_bulk_rotation_is_all_or_nothing(project, admin, stale):
    rotate_access(project, admin, stale["old-api"].id)

    with pytest.raises(ValidationError, match="“old-api \\(replaced .*already been replaced"):
        rotate_accesses(
            project, admin, [stale["old-s3"].id, stale["old-api"].id], passphrase=PHRASE
        )

    stale["old-s3"].refresh_from_db()
    assert stale["old-s3"].name == "old-s3"
    assert not AccessKey.objects.filter(replaces=stale["old-s3"]).exists()


def test_only_admins_rotate_in_bulk(member_client, project, stale):
    url = reverse("accesskeys:rotate_many", args=[project.public_id])

    assert member_client.get(url, {"ids": [stale["old-s3"].id]}).status_code == 403
