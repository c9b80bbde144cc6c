"""The prefix and object-lifetime rules, checked once in the service and given with
the same words by the dialog, the create_access command and the REST API."""

import html
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accesskeys.models import AccessKey
from accesskeys.services import access_create, access_rules
from accesskeys.services.access_create import CreateAccessRequest
from accesskeys.services.access_rules import MESSAGES
from tests.helpers.factories import bearer

PASSPHRASE = "correct horse battery staple"
LONG = "a" * 1000 + "ü" * 13  # 1,026 bytes in UTF-8, 1,013 characters

# (prefixes as (bucket, prefix), the message)
BROKEN = {
    "too many": (
        [("photos", f"p{i}/") for i in range(11)],
        MESSAGES["prefix_too_many"],
    ),
    "leading slash": ([("photos", "/2026/")], "A prefix cannot start with “/”: /2026/."),
    "NUL": ([("photos", "a\x00b")], MESSAGES["prefix_nul"]),
    "too long": (
        [("photos", LONG)],
        "A prefix can be at most 1,024 bytes long in UTF-8: 1,026 bytes.",
    ),
    "unknown bucket": ([("nope", "2026/")], "This project has no bucket named nope."),
}


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_the_service_refuses_with_the_rule(project, admin, case):
    prefixes, message = case
    request = CreateAccessRequest(
        name="k", type="s3", full_access=False, prefixes=tuple(prefixes), passphrase="x"
    )
    with pytest.raises(ValidationError) as caught:
        access_create.create_access(project, admin, request)
    assert caught.value.message_dict["paths"] == [message]
    assert not AccessKey.objects.exists()


def test_the_rules_carry_django_codes(project):
    with pytest.raises(ValidationError) as caught:
        access_rules.validate_prefixes(project, "s3", [("photos", "/x")])
    assert caught.value.code == "prefix_leading_slash"
    with pytest.raises(ValidationError) as caught:
        access_rules.validate_max_object_ttl(timedelta(minutes=5))
    assert caught.value.code == "object_ttl_range"


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_the_api_gives_the_same_message(project, admin_token, case):
    prefixes, message = case
    response = Client().post(
        f"/api/v1/projects/{project.public_id}/accesses",
        {
            "name": "k",
            "type": "s3",
            "passphrase": PASSPHRASE,
            "paths": [{"bucket": b, "prefix": p} for b, p in prefixes],
        },
        content_type="application/json",
        **bearer(admin_token),
    )
    assert response.status_code == 422, response.content
    assert {"field": "paths", "message": message} in response.json()["errors"]


@pytest.mark.parametrize(
    "case",
    [c for k, c in BROKEN.items() if k != "NUL"],
    ids=[k for k in BROKEN if k != "NUL"],
)
def test_the_command_gives_the_same_message(project, admin, case):
    prefixes, message = case
    args = ["create_access", "--project", "Alpha", "--user", admin.email, "--name", "k"]
    args += ["--type", "s3", "--passphrase", PASSPHRASE]
    for bucket, prefix in prefixes:
        args += ["--prefix", f"{bucket}/{prefix}"]
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=StringIO())
    assert message in str(caught.value)


def dialog_data(**extra):
    data = {
        "step": "buckets",
        "name": "my-access",
        "type": "s3",
        "access": "advanced",
        "encryption": "current",
        "new_choice": "enter",
        "permissions": ["read", "list"],
        "object_ttl": "none",
        "bucket_mode": "select",
        "buckets": ["photos"],
        "prefix_bucket": ["backups", "logs", "photos"],
        "prefixes": ["", "", ""],
        "seen": ["name", "access", "encryption", "permissions", "object_lock", "notification"],
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_the_dialog_gives_the_same_message_on_the_bucket_step(admin_client, project, case):
    prefixes, message = case
    buckets = sorted({b for b, _ in prefixes} | {"photos"})
    texts = {}
    for bucket, prefix in prefixes:
        texts.setdefault(bucket, []).append(prefix)
    names = [
        "backups",
        "logs",
        "photos",
        *[b for b in buckets if b not in ("backups", "logs", "photos")],
    ]
    data = dialog_data(
        buckets=buckets,
        prefix_bucket=names,
        prefixes=["\n".join(texts.get(name, [])) for name in names],
    )
    url = reverse("accesskeys:new", args=[project.public_id])
    response = admin_client.post(url, data, headers={"HX-Request": "true"})
    page = html.unescape(response.content.decode())
    assert 'data-step="buckets"' in page
    if "nope" in buckets:
        # an unknown bucket is refused by the bucket list itself
        assert "nope" in page
    else:
        assert message in page


def test_the_dialog_creates_a_prefixed_access_with_an_object_lifetime(admin_client, project):
    data = dialog_data(
        step="confirm",
        passphrase=PASSPHRASE,
        buckets=["photos", "logs"],
        prefixes=["", "web/\r\napi/", "2026/"],
        object_ttl="custom",
        object_ttl_number="36",
        object_ttl_unit="hours",
        expiration="none",
    )
    data["seen"] += ["buckets", "expiration"]
    url = reverse("accesskeys:new", args=[project.public_id])
    response = admin_client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    key = AccessKey.objects.get(name="my-access")
    # in the order of the buckets chosen, then of the lines typed
    assert key.prefixes == [["photos", "2026/"], ["logs", "web/"], ["logs", "api/"]]
    assert key.max_object_ttl == timedelta(hours=36)
    assert sorted(key.buckets.values_list("name", flat=True)) == ["logs", "photos"]


def test_the_confirm_step_shows_the_prefixes_and_the_lifetime(admin_client, project):
    data = dialog_data(step="expiration", expiration="none", object_ttl="30d")
    data["prefixes"] = ["", "", "2026/"]
    data["seen"] += ["buckets"]
    url = reverse("accesskeys:new", args=[project.public_id])
    page = admin_client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    assert 'data-step="confirm"' in page
    assert "photos/2026/" in page
    assert "30 days" in page


@pytest.mark.parametrize(
    "value, message",
    [("90m", MESSAGES["object_ttl_format"]), ("0h", MESSAGES["object_ttl_range"])],
)
def test_the_lifetime_rules_read_alike_in_the_command_and_the_api(
    project, admin, admin_token, value, message
):
    args = ["create_access", "--project", "Alpha", "--user", admin.email, "--name", "k"]
    args += ["--type", "s3", "--passphrase", PASSPHRASE, "--max-object-ttl", value]
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=StringIO())
    assert message in str(caught.value)
    response = Client().post(
        f"/api/v1/projects/{project.public_id}/accesses",
        {"name": "k", "type": "s3", "passphrase": PASSPHRASE, "max_object_ttl": value},
        content_type="application/json",
        **bearer(admin_token),
    )
    assert {"field": "max_object_ttl", "message": message} in response.json()["errors"]


def test_the_dialog_refuses_a_custom_lifetime_out_of_range(admin_client, project):
    data = dialog_data(
        step="permissions", object_ttl="custom", object_ttl_number="4000", object_ttl_unit="days"
    )
    url = reverse("accesskeys:new", args=[project.public_id])
    page = html.unescape(
        admin_client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    )
    assert 'data-step="permissions"' in page
    assert MESSAGES["object_ttl_range"] in page


def test_the_api_and_command_create_prefixed_keys(project, admin, admin_token):
    response = Client().post(
        f"/api/v1/projects/{project.public_id}/accesses",
        {
            "name": "api",
            "type": "s3",
            "passphrase": PASSPHRASE,
            "permissions": ["read"],
            "paths": [{"bucket": "photos", "prefix": "2026/"}],
            "max_object_ttl": "30d",
        },
        content_type="application/json",
        **bearer(admin_token),
    )
    assert response.status_code == 201, response.content
    out = response.json()["access"]
    assert out["buckets"] == ["photos"]
    assert out["paths"] == [{"bucket": "photos", "prefix": "2026/"}]
    assert out["max_object_ttl_seconds"] == 30 * 86400

    out = StringIO()
    call_command(
        "create_access",
        *["--project", "Alpha", "--user", admin.email, "--name", "cli", "--type", "s3"],
        *["--passphrase", PASSPHRASE, "--prefix", "logs/web/", "--prefix", "logs/api/"],
        *["--max-object-ttl", "12h"],
        stdout=out,
    )
    key = AccessKey.objects.get(name="cli")
    assert key.prefixes == [["logs", "web/"], ["logs", "api/"]]
    assert key.max_object_ttl == timedelta(hours=12)


def test_an_api_key_cannot_take_a_prefix_where_object_keys_are_encrypted(project, admin):
    request = CreateAccessRequest(
        name="k", type="api_key", full_access=False, prefixes=(("photos", "a/"),)
    )
    with pytest.raises(ValidationError) as caught:
        access_create.create_access(project, admin, request)
    assert caught.value.message_dict["paths"] == [MESSAGES["prefix_api_key"]]
    project.path_encryption = False
    project.save()
    created = access_create.create_access(project, admin, request)
    assert created.key.prefixes == [["photos", "a/"]]


def test_the_keys_csv_says_the_restrictions(admin_client, project, admin):
    from tests.accesskeys.test_audit_csv import download, rows_of

    access_create.create_access(
        project,
        admin,
        CreateAccessRequest(
            name="narrow",
            type="s3",
            full_access=False,
            permissions=frozenset({"read"}),
            prefixes=(("photos", "2026/"),),
            max_object_ttl=timedelta(days=30),
            passphrase=PASSPHRASE,
        ),
    )
    header, row = rows_of(download(admin_client, "audit_keys_csv", project))
    restrictions = dict(zip(header, row, strict=True))["Restrictions"]
    assert restrictions == "Only objects under photos/2026/; Objects expire after at most 30 days"


def test_the_openapi_document_describes_paths_and_the_lifetime(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    create = schemas["AccessCreate"]["properties"]
    assert "paths" in create and "max_object_ttl" in create
    assert set(schemas["PathIn"]["properties"]) == {"bucket", "prefix"}
    assert {"paths", "max_object_ttl_seconds", "other_restrictions"} <= set(
        schemas["AccessOut"]["properties"]
    )
