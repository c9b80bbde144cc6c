"""Creating an access from the New Access dialog: one-time values, and no secret kept."""

import json

import pytest
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from accesskeys.models import AccessKey
from accesskeys.services import access
from console.models import AuditEvent

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def url(project):
    return reverse("accesskeys:new", args=[project.public_id])


def full_access(**extra):
    data = {
        "step": "encryption",
        "name": "my-access",
        "type": "s3",
        "access": "full",
        "encryption": "current",
        "new_choice": "enter",
        "passphrase": PASSPHRASE,
        "seen": ["name", "access"],
    }
    data.update(extra)
    return data


def create(client, url, **data):
    return client.post(url, data, headers={"HX-Request": "true"})


def test_it_shows_the_s3_credentials_once(admin_client, url):
    response = create(admin_client, url, **full_access())
    html = response.content.decode()
    assert "Save these credentials now: they will not be shown again." in html
    for label in ("Access Key", "Secret Key", "Endpoint"):
        assert f">{label}</label>" in html
    assert "accessesChanged" in json.loads(response.headers["HX-Trigger"])
    assert "no-store" in response.headers["Cache-Control"]
    key = AccessKey.objects.get(name="my-access")
    assert key.full_access and key.type == "s3"


def test_it_puts_the_download_all_file_in_the_page(admin_client, url):
    html = create(admin_client, url, **full_access(type="api_key", step="access")).content.decode()
    data = json.loads(
        html.split('<script id="na-download" type="application/json">')[1].split("</script>")[0]
    )
    assert data["filename"].startswith("Storj-API-Key-my-access-")
    assert data["content"].startswith("Satellite Address:\n")
    assert "\n\nAPI Key:\n" in data["content"]


def test_it_creates_an_advanced_access_from_the_confirm_step(admin_client, url, project):
    data = full_access(
        step="confirm",
        access="advanced",
        type="access_grant",
        permissions=["read", "list"],
        object_lock=["GetObjectRetention"],
        bucket_mode="select",
        buckets=["logs", "photos"],
        expiration="1w",
        seen=[
            "name",
            "access",
            "encryption",
            "permissions",
            "object_lock",
            "buckets",
            "expiration",
        ],
    )
    html = create(admin_client, url, **data).content.decode()
    assert ">Access Grant</label>" in html
    key = AccessKey.objects.get(name="my-access")
    assert not key.full_access
    assert key.permission_labels() == ["Read", "List"]
    assert key.object_lock_labels() == ["GetObjectRetention"]
    assert sorted(key.buckets.values_list("name", flat=True)) == ["logs", "photos"]
    assert key.not_after is not None


def test_it_shows_a_missing_passphrase_on_the_encryption_step(admin_client, url):
    data = full_access(step="confirm", access="advanced", permissions=["read"], bucket_mode="all")
    data.update(expiration="none", seen=["name", "access", "encryption", "permissions"])
    del data["passphrase"]
    html = create(admin_client, url, **data).content.decode()
    assert 'data-step="encryption"' in html
    assert "Enter your encryption passphrase." in html
    assert not AccessKey.objects.exists()


def test_it_shows_a_name_taken_meanwhile_on_the_first_step(admin_client, url, admin, project):
    access.create_access(
        project, admin, access.CreateAccessRequest(name="my-access", type="api_key")
    )
    html = create(admin_client, url, **full_access()).content.decode()
    assert 'data-step="name"' in html
    assert "This name is already in use" in html


def test_it_keeps_no_secret_in_the_session_or_the_audit(admin_client, url):
    html = create(admin_client, url, **full_access()).content.decode()
    secret_key = html.split('id="na-value-1"')[1].split('value="')[1].split('"')[0]
    assert len(secret_key) > 20
    session = admin_client.session
    stored = json.dumps(dict(session.items()), default=str)
    assert PASSPHRASE not in stored and secret_key not in stored

    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_CREATED)
    details = json.dumps(event.details)
    assert event.details["access"] == "my-access" and event.details["type"] == "s3"
    # The event says what the key allows as stored, Full Access spelled out.
    assert event.details["full_access"] is True and event.details["buckets"] == "all"
    assert event.details["permissions"] == ["Read", "Write", "List", "Delete"]
    assert len(event.details["object_lock"]) == 6
    assert "BypassGovernanceRetention" not in event.details["object_lock"]
    assert PASSPHRASE not in details and secret_key not in details
    assert AuditEvent.objects.filter(details__icontains=PASSPHRASE).count() == 0


def test_it_hides_passphrases_from_error_reports(admin_client, url, rf, admin, project):
    from accesskeys.dialog_views import new_access

    request = rf.post(url, full_access(new_passphrase="another secret"))
    request.user = admin
    request.htmx = True
    new_access(request, project.public_id)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["passphrase"] == cleansed["new_passphrase"] == "********************"
    assert cleansed["name"] == "my-access"


def test_it_lets_members_create_accesses(member_client, url):
    create(member_client, url, **full_access(type="api_key", step="access"))
    assert AccessKey.objects.get(name="my-access").created_by.email == "bob@example.com"


def tool_files_in(html: str) -> list[dict]:
    marker = '<script id="na-tool-files" type="application/json">'
    return json.loads(html.split(marker)[1].split("</script>")[0]) if marker in html else []


def test_it_offers_files_for_the_s3_tools(admin_client, url):
    html = create(admin_client, url, **full_access(name="my key/../x")).content.decode()
    files = tool_files_in(html)
    assert [(f["tool"], f["filename"]) for f in files] == [
        ("AWS CLI", "my-key-x-aws-cli.ini"),
        ("rclone", "my-key-x-rclone.conf"),
        ("MinIO Client (mc)", "my-key-x-mc.json"),
        (".env", "my-key-x.env"),
    ]
    assert '<label for="na-download-for">Download for</label>' in html


def test_it_shows_how_to_use_each_s3_file(admin_client, url):
    html = create(admin_client, url, **full_access(name="my key/../x")).content.decode()
    # The exact commands, with the real file and profile names, and where to read more.
    assert "cat my-key-x-aws-cli.ini &gt;&gt; ~/.aws/config" in html
    assert "aws s3 ls --profile my-key-x --endpoint-url https://gateway.storjshare.io" in html
    assert "mc alias import my-key-x my-key-x-mc.json" in html
    assert "source my-key-x.env" in html
    assert "rclone lsd my-key-x:" in html
    assert 'href="https://rclone.org/s3/#storj"' in html
    assert "A config file the tool reads as it is" not in html


def test_it_offers_the_bare_grant_for_uplink_and_a_storj_remote_for_rclone(admin_client, url):
    html = create(admin_client, url, **full_access(type="access_grant")).content.decode()
    uplink, rclone = tool_files_in(html)
    assert uplink["tool"] == "uplink" and uplink["content"].startswith("1")
    assert "\n" not in uplink["content"]
    assert rclone["tool"] == "rclone"
    assert rclone["content"] == f"[my-access]\ntype = storj\naccess_grant = {uplink['content']}\n"
    assert "uplink access import my-access my-access-access-grant.txt" in html
    assert "FILE" not in html.split('id="na-download-for-help"')[1].split("</div>\n  </div>")[0]


def test_it_offers_the_api_key_for_uplink_access_create(admin_client, url, settings):
    html = create(admin_client, url, **full_access(type="api_key", step="access")).content.decode()
    (file,) = tool_files_in(html)
    assert (file["tool"], file["filename"]) == ("uplink", "my-access-api-key.txt")
    assert "uplink access create --import-as my-access" in html
    assert f"--satellite-address {settings.SATELLITE_ADDRESS}" in html
    assert "$(cat my-access-api-key.txt)" in html
