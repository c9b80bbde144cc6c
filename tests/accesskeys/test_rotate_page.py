"""Rotating from the key's details page and the row menu (rotate_views.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from accesskeys.services.rotation import rotate_access
from console.models import AuditEvent

PHRASE = "correct horse battery staple"


def url(project, key) -> str:
    return f"/projects/{project.public_id}/access-keys/{key.id}/rotate/"


@pytest.fixture
def key(project, admin):
    request = CreateAccessRequest(
        name="backup",
        type="s3",
        full_access=False,
        permissions=frozenset({"read", "list"}),
        buckets=("photos",),
        expires_at=datetime(2031, 1, 1, tzinfo=UTC),
        passphrase=PHRASE,
    )
    return create_access(project, admin, request).key


def test_it_shows_what_the_new_key_copies_and_the_overlap_choices(admin_client, project, key):
    response = admin_client.get(url(project, key))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Replace “backup”" in page
    assert "Read, List" in page and "photos" in page and "Jan 1, 2031" in page
    for label in ("Now (stop the old key at once)", "1 day", "7 days", "30 days"):
        assert label in page
    assert 'value="7d" id="na-overlap-2" checked' in page
    # Self-Managed project: the passphrase is asked again.
    assert 'name="passphrase"' in page


def test_it_rotates_and_shows_the_one_time_values_once(admin_client, project, key):
    response = admin_client.post(
        url(project, key),
        {"overlap": "1d", "encryption": "current", "new_choice": "enter", "passphrase": PHRASE},
        headers={"HX-Request": "true", "HX-Target": "new-access-step"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Access rotated" in page
    new = AccessKey.objects.get(name="backup", revoked_at__isnull=True)
    assert new.replaces_id == key.id
    assert "Access Key" in page and "Secret Key" in page
    assert "Download for" in page
    assert "backup (replaced " in page and "keeps working until" in page
    assert "accessesChanged" in response.headers["HX-Trigger"]
    assert PHRASE not in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_ROTATED).count() == 1


def test_a_missing_passphrase_is_said_on_the_form_and_nothing_changes(admin_client, project, key):
    response = admin_client.post(
        url(project, key), {"overlap": "7d", "encryption": "current", "new_choice": "enter"}
    )

    assert response.status_code == 400
    assert "Enter your encryption passphrase." in response.content.decode()
    key.refresh_from_db()
    assert key.name == "backup" and not AccessKey.objects.filter(replaces=key).exists()


def test_an_unknown_overlap_is_refused_on_the_form(admin_client, project, key):
    response = admin_client.post(
        url(project, key),
        {"overlap": "2d", "encryption": "current", "new_choice": "enter", "passphrase": PHRASE},
    )

    assert response.status_code == 400
    assert "Choose how long the old key keeps working" in response.content.decode()


def test_without_javascript_the_result_is_a_page_with_a_done_link(admin_client, project, key):
    response = admin_client.post(
        url(project, key),
        {"overlap": "now", "encryption": "current", "new_choice": "enter", "passphrase": PHRASE},
    )

    page = response.content.decode()
    new = AccessKey.objects.get(replaces=key)
    assert "Access rotated" in page
    assert f'href="/projects/{project.public_id}/access-keys/{new.id}/"' in page
    assert "has stopped working" in page


def test_members_cannot_rotate_others_keys(member_client, project, key):
    assert member_client.get(url(project, key)).status_code == 403
    assert member_client.post(url(project, key), {"overlap": "7d"}).status_code == 403
    assert not AccessKey.objects.filter(replaces=key).exists()


def test_outsiders_get_404(outsider_client, project, key):
    assert outsider_client.get(url(project, key)).status_code == 404


def test_a_replaced_key_says_so_instead_of_a_form(admin_client, project, admin, key):
    rotate_access(project, admin, key.id, passphrase=PHRASE)

    response = admin_client.get(url(project, key))

    page = response.content.decode()
    assert "already been replaced by “backup”" in page
    assert 'name="overlap"' not in page


def test_both_details_pages_link_each_other_with_the_old_keys_last_use(
    admin_client, project, admin, key
):
    used = timezone.now() - timedelta(hours=3)
    AccessKey.objects.filter(id=key.id).update(last_used_at=used)
    new = rotate_access(project, admin, key.id, passphrase=PHRASE).created.key

    new_page = admin_client.get(
        f"/projects/{project.public_id}/access-keys/{new.id}/"
    ).content.decode()
    old_page = admin_client.get(
        f"/projects/{project.public_id}/access-keys/{key.id}/"
    ).content.decode()

    assert "Replaces" in new_page and f"/access-keys/{key.id}/" in new_page
    assert f"last used {used:%b} {used.day}, {used:%Y}" in new_page
    assert "Works until" in new_page
    assert "Replaced by" in old_page and f"/access-keys/{new.id}/" in old_page
    assert "keeps working until" in old_page
    # The old key is not offered for rotation again; the new one is.
    assert f"/access-keys/{key.id}/rotate/" not in old_page
    assert f"/access-keys/{new.id}/rotate/" in new_page


def test_the_row_menu_offers_rotate_by_the_rule_of_deletion(
    admin_client, member_client, project, key
):
    index = f"/projects/{project.public_id}/access-keys/"

    assert f"/access-keys/{key.id}/rotate/" in admin_client.get(index).content.decode()
    assert f"/access-keys/{key.id}/rotate/" not in member_client.get(index).content.decode()


def test_the_summary_names_prefixes_and_the_object_lifetime(admin_client, project, admin):
    from datetime import timedelta as td

    key = create_access(
        project,
        admin,
        CreateAccessRequest(
            name="photos-2026",
            type="s3",
            full_access=False,
            permissions=frozenset({"read"}),
            prefixes=(("photos", "2026/"),),
            max_object_ttl=td(days=30),
            passphrase=PHRASE,
        ),
    ).key

    page = admin_client.get(url(project, key)).content.decode()

    assert "Only objects under photos/2026/" in page
    assert "Objects expire after at most 30 days" in page
