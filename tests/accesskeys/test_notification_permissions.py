"""Bucket notification permissions, as Storj's console has them (caveat fields 14 and 15).

Storj's console sets disallow_put/get_bucket_notification_configuration on every
restricted key unless the user chose the permission (web/satellite
AccessSetupDialog, consolewasm/permission.go); Full Access allows both.
"""

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accesskeys.models import AccessKey
from storjformat import caveat, macaroon, uplink_inspect
from tests.helpers.notifications import GET, OPS, PUT, allowed

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def url(project):
    return reverse("accesskeys:new", args=[project.public_id])


def post(client, url, **data):
    return client.post(url, data, headers={"HX-Request": "true"}).content.decode()


def advanced(**extra):
    data = {
        "name": "notifier",
        "type": "access_grant",
        "description": "",
        "access": "advanced",
        "encryption": "current",
        "new_choice": "enter",
        "passphrase": PASSPHRASE,
        "permissions": ["read", "list"],
        "object_lock": [],
        "notification": [],
        "bucket_mode": "all",
        "expiration": "none",
        "seen": ["name", "access", "encryption", "permissions", "object_lock", "notification"],
    }
    data.update(extra)
    return data


def create_command(admin, *args, type_="api-key") -> dict:
    out = StringIO()
    call_command(
        "create_access",
        "--project",
        "Alpha",
        "--user",
        admin.email,
        "--type",
        type_,
        *args,
        stdout=out,
    )
    return json.loads(out.getvalue())


def restriction(api_key: str) -> caveat.Caveat:
    (only,) = macaroon.from_api_key_string(api_key).caveats
    return caveat.decode(only)


def test_it_shows_the_step_after_object_lock_with_none_chosen(admin_client, url):
    html = post(admin_client, url, **advanced(step="object_lock"))
    assert 'data-step="notification"' in html
    assert "Bucket notification permissions" in html
    for label in (PUT, GET):
        assert f">{label}<" in html
    assert 'name="notification" value="PutBucketNotificationConfiguration" checked' not in html
    assert "enabling you to receive alerts when objects are created" in html


def test_it_refuses_both_on_a_restricted_key_unless_chosen(admin, project):
    values = create_command(admin, "--name", "plain", "--permissions", "read")
    cav = restriction(values["api_key"])
    assert cav.disallow_put_bucket_notification_configuration
    assert cav.disallow_get_bucket_notification_configuration
    assert not allowed(values["api_key"], OPS[PUT]) and not allowed(values["api_key"], OPS[GET])
    key = AccessKey.objects.get(name="plain")
    assert key.notification_labels() == []


def test_it_allows_the_chosen_one(admin, project):
    values = create_command(admin, "--name", "getter", "--notification", GET.lower())
    cav = restriction(values["api_key"])
    assert cav.disallow_put_bucket_notification_configuration
    assert not cav.disallow_get_bucket_notification_configuration
    assert allowed(values["api_key"], OPS[GET]) and not allowed(values["api_key"], OPS[PUT])
    assert AccessKey.objects.get(name="getter").notification_labels() == [GET]


def test_full_access_allows_both(admin, project):
    values = create_command(admin, "--name", "everything", "--full-access")
    cav = restriction(values["api_key"])
    assert not cav.disallow_put_bucket_notification_configuration
    assert not cav.disallow_get_bucket_notification_configuration
    assert AccessKey.objects.get(name="everything").notification_labels() == [PUT, GET]


def test_it_refuses_an_unknown_notification_permission(admin, project):
    with pytest.raises(CommandError, match="PutBucketEverything"):
        create_command(admin, "--name", "x", "--notification", "PutBucketEverything")
    assert not AccessKey.objects.filter(name="x").exists()


def test_the_dialog_writes_the_chosen_permission_into_the_grant(admin_client, url, project):
    html = post(
        admin_client,
        url,
        **advanced(
            step="confirm",
            notification=[PUT],
            seen=[*advanced()["seen"], "buckets", "expiration", "confirm"],
        ),
    )
    assert "Access created" in html, html[:2000]
    key = AccessKey.objects.get(name="notifier")
    assert key.notification_labels() == [PUT]


def test_the_confirm_step_lists_them(admin_client, url):
    html = post(admin_client, url, **advanced(step="expiration", notification=[PUT, GET]))
    assert "Bucket notification permissions" in html
    assert f"{PUT}, {GET}" in html


def test_details_csv_filter_and_inspect_show_them(admin_client, admin, project):
    values = create_command(admin, "--name", "shown", "--notification", PUT)
    inspected = uplink_inspect.inspect(
        create_command(
            admin,
            "--name",
            "grant",
            "--notification",
            PUT,
            "--passphrase",
            PASSPHRASE,
            type_="access-grant",
        )["access_grant"]
    )
    (printed,) = inspected["macaroon"]["caveats"]
    assert printed["disallow_get_bucket_notification_configuration"] is True
    assert "disallow_put_bucket_notification_configuration" not in printed
    assert restriction(values["api_key"]).disallow_get_bucket_notification_configuration

    key = AccessKey.objects.get(name="shown")
    body = admin_client.get(reverse("accesskeys:detail", args=[project.public_id, key.id]))
    assert "Bucket notification permissions" in body.content.decode()

    response = admin_client.get(reverse("audit_keys_csv", args=[project.public_id]))
    csv_body = b"".join(response.streaming_content)  # the export streams
    header, *rows = list(csv.reader(io.StringIO(csv_body.decode(), newline="")))
    column = header.index("Bucket notification permissions")
    assert {row[0]: row[column] for row in rows} == {"grant": PUT, "shown": PUT}

    filtered = admin_client.get(
        reverse("audit", args=[project.public_id]),
        {"permission": "can_put_bucket_notification_configuration"},
    )
    assert filtered.status_code == 200 and "shown" in filtered.content.decode()
