"""The three ways of creating an access read their input alike (issue 21's table).

The New Access dialog, the REST API and `manage.py create_access` go through one
parser (`access_input.parse_create`) and one service: for each row of the table,
every entry point gives the dialog's answer, in the same words, naming the same
field. Before, an empty permission or bucket list from the command (and an empty
bucket list from the API) silently made a key with Full Access or every bucket.
"""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accesskeys import permissions
from accesskeys.models import AccessKey
from accesskeys.services.access_rules import MESSAGES
from tests.helpers.dialog import advanced
from tests.helpers.factories import bearer, make_key

PASSPHRASE = "correct horse battery staple"


# --- the three entry points ------------------------------------------------------------


def dialog_step(client, project, **data) -> str:
    url = reverse("accesskeys:new", args=[project.public_id])
    return client.post(url, data, headers={"HX-Request": "true"}).content.decode()


def api_create(project, token, **body):
    return Client().post(
        f"/api/v1/projects/{project.public_id}/accesses",
        body,
        content_type="application/json",
        **bearer(token),
    )


def api_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    out: dict[str, list[str]] = {}
    for item in response.json()["errors"]:
        out.setdefault(item["field"], []).append(item["message"])
    return out


def command(admin, *args) -> dict:
    out = StringIO()
    call_command(
        "create_access",
        "--project",
        "Alpha",
        "--user",
        admin.email,
        "--name",
        "from-the-command",
        "--type",
        "api-key",
        *args,
        stdout=out,
    )
    return json.loads(out.getvalue())


def command_error(admin, *args) -> str:
    with pytest.raises(CommandError) as refused:
        command(admin, *args)
    assert not AccessKey.objects.filter(name="from-the-command").exists()
    return str(refused.value)


# --- empty permission list -----------------------------------------------------------


def test_an_empty_permission_list_is_refused_in_the_dialog(admin_client, project):
    data = advanced(step="permissions")
    del data["permissions"]
    html = dialog_step(admin_client, project, **data)
    assert 'data-step="permissions"' in html
    assert MESSAGES["permission_required"] in html


def test_an_empty_permission_list_is_refused_by_the_api(project, admin_token):
    response = api_create(project, admin_token, name="k", type="api-key", permissions=[])
    assert api_errors(response) == {"permissions": [MESSAGES["permission_required"]]}
    assert not AccessKey.objects.exists()


@pytest.mark.parametrize("given", ["", ",,"])
def test_an_empty_permission_list_is_refused_by_the_command(admin, project, given):
    # `--permissions ""` made a Full Access key before.
    message = command_error(admin, "--permissions", given)
    assert f"permissions: {MESSAGES['permission_required']}" in message


# --- empty bucket list ---------------------------------------------------------------


def test_an_empty_bucket_list_is_refused_in_the_dialog(admin_client, project):
    html = dialog_step(admin_client, project, **advanced(step="buckets", bucket_mode="select"))
    assert 'data-step="buckets"' in html
    assert MESSAGES["bucket_required"] in html


def test_an_empty_bucket_list_is_refused_by_the_api(project, admin_token):
    # It made a key for every bucket (201) before.
    response = api_create(project, admin_token, name="k", type="api-key", buckets=[])
    assert api_errors(response) == {"buckets": [MESSAGES["bucket_required"]]}
    assert not AccessKey.objects.exists()


@pytest.mark.parametrize("given", ["", ",,"])
def test_an_empty_bucket_list_is_refused_by_the_command(admin, project, given):
    # `--buckets ""` made a Full Access key before.
    message = command_error(admin, "--buckets", given)
    assert f"buckets: {MESSAGES['bucket_required']}" in message


# --- Full Access ---------------------------------------------------------------------


def full_access_key(name: str) -> AccessKey:
    key = AccessKey.objects.get(name=name)
    assert key.full_access and key.all_buckets and key.not_after is None
    assert key.granted() == permissions.FULL_ACCESS
    return key


def test_full_access_is_the_dialogs_radio(admin_client, project):
    dialog_step(
        admin_client,
        project,
        step="confirm",
        name="k",
        type="api_key",
        access="full",
        seen=["name", "access"],
    )
    full_access_key("k")


def test_full_access_is_the_api_default_and_refuses_restrictions(project, admin_token):
    assert api_create(project, admin_token, name="k", type="api-key").status_code == 201
    full_access_key("k")
    conflict = api_create(
        project, admin_token, name="k2", type="api-key", full_access=True, buckets=["photos"]
    )
    assert api_errors(conflict) == {"full_access": [MESSAGES["full_access_conflict"]]}


def test_full_access_is_the_command_default_and_refuses_restrictions(admin, project):
    command(admin)
    full_access_key("from-the-command").delete()
    message = command_error(admin, "--full-access", "--buckets", "photos")
    assert f"full_access: {MESSAGES['full_access_conflict']}" in message


def test_the_command_says_what_full_access_is(capsys):
    with pytest.raises(SystemExit):
        call_command("create_access", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert (
        "Without --permissions, --object-lock, --notification, --buckets, --prefix, "
        "--max-object-ttl or --expires it has Full Access" in help_text
    )
    assert "Full Access (the default without restrictions); refused with any of them." in (
        help_text
    )


def test_an_empty_object_lock_list_is_a_choice_of_none(admin, project, admin_token):
    """Given empty, an optional list still restricts: Advanced without those permissions,
    as the dialog's Object lock step with nothing checked."""
    command(admin, "--object-lock", "")
    api_create(project, admin_token, name="api", type="api-key", object_lock=[])
    for name in ("from-the-command", "api"):
        key = AccessKey.objects.get(name=name)
        assert not key.full_access
        assert key.granted() == permissions.DEFAULT


# --- permission spelling -------------------------------------------------------------


def test_permission_names_are_exact_in_the_dialog(admin_client, project):
    html = dialog_step(admin_client, project, **advanced(step="permissions", permissions=["READ"]))
    assert "Unknown permission: READ." in html


def test_permission_names_are_exact_in_the_api(project, admin_token):
    response = api_create(project, admin_token, name="k", type="api-key", permissions=["READ"])
    assert api_errors(response) == {"permissions": ["Unknown permission: READ."]}


def test_permission_names_are_exact_in_the_command(admin, project):
    # Any case was read before ("READ" granted read).
    assert "permissions: Unknown permission: READ." in command_error(admin, "--permissions", "READ")
    # Each list takes its own group's names.
    assert "object_lock: Unknown permission: read." in command_error(admin, "--object-lock", "read")
    command(admin, "--permissions", "read", "--object-lock", "GetObjectRetention")
    key = AccessKey.objects.get(name="from-the-command")
    assert key.granted() == {"read", "GetObjectRetention"}


# --- errors name the field alike -----------------------------------------------------


def test_a_past_expiration_is_shown_under_the_dialogs_date(admin_client, project):
    html = dialog_step(
        admin_client,
        project,
        **advanced(step="expiration", expiration="custom", expiration_date="2001-01-01"),
    )
    assert 'data-step="expiration"' in html
    assert MESSAGES["expiration_past"] in html


def test_a_past_expiration_is_named_expires_by_the_api(project, admin_token):
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = api_create(project, admin_token, name="k", type="api-key", expires=past)
    assert api_errors(response) == {"expires": [MESSAGES["expiration_past"]]}


def test_a_past_expiration_is_named_expires_by_the_command(admin, project):
    message = command_error(admin, "--expires", "2001-01-01")
    assert message.endswith(f"expires: {MESSAGES['expiration_past']}")


# --- passphrase or generate ----------------------------------------------------------


def test_a_passphrase_and_generate_are_refused_alike(admin, project, admin_token):
    response = api_create(
        project,
        admin_token,
        name="k",
        type="access-grant",
        passphrase=PASSPHRASE,
        generate_passphrase=True,
    )
    assert api_errors(response) == {"passphrase": [MESSAGES["passphrase_conflict"]]}
    message = command_error(admin, "--passphrase", PASSPHRASE, "--generate-passphrase")
    assert f"passphrase: {MESSAGES['passphrase_conflict']}" in message


# --- sort by last used ---------------------------------------------------------------


@pytest.fixture
def used_keys(project, admin):
    now = timezone.now()
    make_key(project, admin, name="never")
    make_key(project, admin, name="long-ago", last_used_at=now - timedelta(days=30))
    make_key(project, admin, name="today", last_used_at=now - timedelta(minutes=5))


def test_the_page_sorts_by_last_used(admin_client, project, used_keys):
    url = reverse("accesskeys:index", args=[project.public_id])
    html = admin_client.get(url, {"sort": "-last_used"}).content.decode()
    positions = [html.index(f">{name}<") for name in ("today", "long-ago", "never")]
    assert positions == sorted(positions)


def test_the_api_sorts_by_last_used_as_the_page(project, admin_token, used_keys):
    # 422 before: the API had its own, shorter list of sorts.
    for sort, expected in [
        ("-last_used", ["today", "long-ago", "never"]),
        ("last_used", ["never", "long-ago", "today"]),
    ]:
        response = Client().get(
            f"/api/v1/projects/{project.public_id}/accesses", {"sort": sort}, **bearer(admin_token)
        )
        assert response.status_code == 200, response.content
        assert [item["name"] for item in response.json()["items"]] == expected


def test_a_bad_prefix_is_named_paths_by_the_api_and_the_command(admin, project, admin_token):
    message = "A prefix cannot start with “/”: /2026/."
    response = api_create(
        project,
        admin_token,
        name="k",
        type="access-grant",
        passphrase=PASSPHRASE,
        paths=[{"bucket": "photos", "prefix": "/2026/"}],
    )
    assert api_errors(response) == {"paths": [message]}
    error = command_error(admin, "--type", "access-grant", "--prefix", "photos//2026/")
    assert f"paths: {message}" in error
