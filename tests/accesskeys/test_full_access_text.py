"""What the dialog says Full Access grants is written from the permissions table."""

from dataclasses import replace

from django.urls import reverse

from accesskeys import permissions
from accesskeys.services import access_create


def test_it_names_every_group_full_access_grants_and_what_it_withholds():
    assert permissions.full_access_summary() == (
        "Read, write, list and delete; the object lock permissions except "
        "BypassGovernanceRetention; the bucket notification permissions. "
        "In every bucket, with no expiration."
    )


def test_it_lists_exactly_what_a_full_access_key_is_granted(project, admin):
    request = access_create.CreateAccessRequest(name="full", type="api_key", full_access=True)
    key = access_create.create_access(project, admin, request).key
    listed = {label for _, labels in permissions.full_access_granted() for label in labels}
    labels = {p.name: p.label for p in permissions.PERMISSIONS}
    assert listed == {labels[name] for name in key.granted()}


def test_it_follows_the_table_when_a_permission_changes(monkeypatch):
    changed = tuple(
        replace(p, in_full_access=p.name != "PutBucketNotificationConfiguration")
        for p in permissions.PERMISSIONS
    )
    monkeypatch.setattr(permissions, "PERMISSIONS", changed)
    assert permissions.full_access_summary() == (
        "Read, write, list and delete; the object lock permissions; the bucket notification "
        "permissions except PutBucketNotificationConfiguration. "
        "In every bucket, with no expiration."
    )


def test_the_access_step_shows_it(admin_client, project):
    url = reverse("accesskeys:new", args=[project.public_id])
    html = admin_client.post(
        url, {"step": "name", "name": "k", "type": "s3"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert permissions.full_access_summary() in html
    for noun, labels in permissions.full_access_granted():
        assert f"<dt>{noun.capitalize()}</dt><dd>{', '.join(labels)}</dd>" in html
