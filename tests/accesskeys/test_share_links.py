"""Share on the Buckets page: a public link to a bucket or a folder, made of a
read-and-list key registered as public S3 credentials."""

import html
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accesskeys.models import AccessKey
from accesskeys.services import access
from accesskeys.services.lookup import find_s3_credentials
from console.event_text import describe
from console.models import AuditEvent
from storjformat import caveat, grant, macaroon

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def url(project):
    return reverse("accesskeys:share", args=[project.public_id])


def share(client, url, **data):
    return client.post(url, {"expiration": "none", "passphrase": PASSPHRASE, **data})


def link_parts(key: AccessKey) -> list[str]:
    parts = urlsplit(key.share_url)
    assert f"{parts.scheme}://{parts.netloc}" == "https://link.storjshare.io"
    return parts.path.split("/", 4)[1:]


def resolve(access_key_id: str, settings) -> dict:
    settings.AUTH_SERVICE_TOKENS = ["a-gateway-token-of-16+"]
    response = Client().get(
        f"/v1/access/{access_key_id}", headers={"Authorization": "Bearer a-gateway-token-of-16+"}
    )
    assert response.status_code == 200
    return response.json()


def test_it_shares_a_folder_as_a_public_read_and_list_key(
    member_client, url, project, member, settings
):
    response = share(member_client, url, bucket="photos", prefix="2026/summer/")
    assert response.status_code == 200
    key = AccessKey.objects.get()
    assert key.name == "Share photos/2026/summer/" and key.created_by == member
    s, access_key_id, bucket, prefix = link_parts(key)
    assert (s, bucket, prefix) == ("s", "photos", "2026/summer/")
    assert key.share_url in html.unescape(response.content.decode())
    assert (
        f"https://link.storjshare.io/raw/{access_key_id}/photos/2026/summer/<object name>"
        in html.unescape(response.content.decode())
    )

    # The auth service answers the link's key as public, with a grant that
    # allows only read and list under that path.
    answer = resolve(access_key_id, settings)
    assert answer["public"] is True
    scope = grant.parse_grant(answer["access_grant"])
    (restriction,) = [caveat.decode(c) for c in macaroon.parse(scope.api_key).caveats]
    assert not restriction.disallow_reads and not restriction.disallow_lists
    assert restriction.disallow_writes and restriction.disallow_deletes
    (path,) = restriction.allowed_paths
    (entry,) = scope.encryption_access.store_entries
    assert (path.bucket, path.encrypted_path_prefix) == (b"photos", entry.encrypted_path)
    assert entry.unencrypted_path == b"2026/summer"
    assert find_s3_credentials(access_key_id).access_key_id == key.id

    event = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_CREATED).latest("id")
    assert event.actor == member
    assert event.details["public_link"] is True
    assert event.details["prefixes"] == ["photos/2026/summer/"]
    assert event.details["permissions"] == ["Read", "List"]


def test_a_whole_bucket_link_and_its_listing(admin_client, url, project):
    share(admin_client, url, bucket="logs", expiration="1w")
    key = AccessKey.objects.get()
    assert link_parts(key)[2:] == ["logs", ""]
    assert key.not_after is not None and key.prefixes == []
    page = admin_client.get(reverse("accesskeys:index", args=[project.public_id])).content.decode()
    assert "Public link" in page
    detail = admin_client.get(reverse("accesskeys:detail", args=[project.public_id, key.id]))
    assert key.share_url in html.unescape(detail.content.decode())


def test_deleting_the_key_ends_the_link(admin_client, url, project, admin, settings):
    share(admin_client, url, bucket="logs")
    key = AccessKey.objects.get()
    access_key_id = link_parts(key)[1]
    access.delete_accesses(project, admin, [key.id])
    settings.AUTH_SERVICE_TOKENS = ["a-gateway-token-of-16+"]
    response = Client().get(
        f"/v1/access/{access_key_id}", headers={"Authorization": "Bearer a-gateway-token-of-16+"}
    )
    assert response.status_code == 401


def test_it_gives_the_prefix_rules_in_the_dialog(admin_client, url):
    response = share(admin_client, url, bucket="photos", prefix="/abs/")
    assert response.status_code == 422
    assert "A prefix cannot start with “/”: /abs/." in html.unescape(response.content.decode())
    assert not AccessKey.objects.exists()


def test_it_asks_for_the_passphrase_in_a_self_managed_project(admin_client, url):
    response = admin_client.post(url, {"bucket": "photos", "expiration": "none"})
    assert response.status_code == 422
    assert access.MESSAGES["passphrase_current_required"] in response.content.decode()


def test_an_outsider_cannot_share(outsider_client, url):
    assert outsider_client.get(url + "?bucket=photos").status_code == 404
    assert share(outsider_client, url, bucket="photos").status_code == 404


def test_the_buckets_page_offers_share(member_client, project, url):
    page = member_client.get(f"/projects/{project.public_id}/buckets/").content.decode()
    assert f'href="{url}?bucket=photos"' in page
    dialog = member_client.get(url + "?bucket=photos", headers={"HX-Request": "true"})
    assert "<dialog" in dialog.content.decode() and "Create link" in dialog.content.decode()


def test_the_link_follows_the_setting(admin_client, url, settings):
    settings.LINKSHARING_URL = "https://links.example.com/"
    share(admin_client, url, bucket="photos", prefix="a b/")
    key = AccessKey.objects.get()
    assert key.share_url.startswith("https://links.example.com/s/")
    assert key.share_url.endswith("/photos/a%20b/")


def test_the_event_log_says_who_shared_what(admin_client, url, project, admin):
    share(admin_client, url, bucket="photos", prefix="2026/")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_CREATED).latest("id")
    text = describe(event.action, event.details)
    assert "Only objects under photos/2026/." in text
    assert "Shared as a public link (read and list)." in text
    assert event.actor == admin
