"""The New Access dialog's steps: each validates its own choices and shows errors in place."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from accesskeys import permissions
from accesskeys.models import AccessKey
from accesskeys.services import access_create
from tests.helpers.dialog import advanced, checked

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def url(project):
    return reverse("accesskeys:new", args=[project.public_id])


def post(client, url, **data):
    return client.post(url, data, headers={"HX-Request": "true"})


def html_for(client, url, **data) -> str:
    return post(client, url, **data).content.decode()


def test_it_opens_the_dialog_at_the_name_step(admin_client, url):
    response = admin_client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert '<dialog class="modal na-dialog"' in html
    assert "Step 1 of up to 9" in html
    for label in ("Name", "Description", "S3 Credentials", "Access Grant", "API Key"):
        assert f">{label}<" in html
    assert response.headers["Cache-Control"].startswith("max-age=0")


S3_NOTE = "S3 credentials mean server-side encryption:</strong> the gateway receives"
API_KEY_NOTE = {
    False: "Give it this project&#x27;s passphrase to read the data other access keys wrote.",
    True: "it suits scripts that manage buckets and keys. For data, choose S3 Credentials",
}


@pytest.mark.parametrize("managed", [False, True])
def test_the_name_step_notes_what_the_chosen_type_means(admin_client, url, project, managed):
    project.passphrase_mode = "managed" if managed else "user"
    project.save()
    html = html_for(admin_client, url, step="name", name="  ", type="api_key")
    s3_note = html[html.index('data-show-when="type=s3"') :].split("</p>")[0]
    api_key_note = html[html.index('data-show-when="type=api_key"') :].split("</p>")[0]
    assert S3_NOTE in s3_note and " hidden>" in s3_note
    assert API_KEY_NOTE[managed] in api_key_note and " hidden>" not in api_key_note
    assert API_KEY_NOTE[not managed] not in html
    assert 'data-show-when="type=access_grant"' not in html


def test_it_is_not_found_for_outsiders(outsider_client, url):
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"step": "name", "name": "x"}).status_code == 404


def test_it_asks_for_a_name_on_the_first_step(admin_client, url):
    response = post(admin_client, url, step="name", name="  ", type="s3")
    html = response.content.decode()
    assert 'data-step="name"' in html
    assert "Enter a name for this access." in html
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in html


def test_it_refuses_a_duplicate_name_on_the_first_step(admin_client, url, admin, project):
    access_create.create_access(
        project, admin, access_create.CreateAccessRequest(name="taken", type="api_key")
    )
    html = html_for(admin_client, url, step="name", name="taken", type="s3")
    assert 'data-step="name"' in html
    assert "This name is already in use" in html


def test_it_goes_from_name_to_access_carrying_the_choices(admin_client, url):
    html = html_for(
        admin_client, url, step="name", name="my-access", type="access_grant", description="ci"
    )
    assert 'data-step="access"' in html
    assert '<input type="hidden" name="name" value="my-access">' in html
    assert '<input type="hidden" name="type" value="access_grant">' in html
    assert '<input type="hidden" name="description" value="ci">' in html
    assert ">Full Access<" in html and ">Advanced<" in html


def test_it_skips_encryption_for_api_keys(admin_client, url):
    html = html_for(admin_client, url, step="access", name="k", type="api_key", access="advanced")
    assert 'data-step="permissions"' in html


def test_it_skips_encryption_for_managed_projects(admin_client, url, project):
    project.passphrase_mode = project.PassphraseMode.MANAGED
    project.save()
    html = html_for(admin_client, url, step="access", name="k", type="s3", access="advanced")
    assert 'data-step="permissions"' in html


def test_it_asks_for_the_current_passphrase(admin_client, url):
    html = html_for(
        admin_client,
        url,
        step="encryption",
        name="k",
        type="s3",
        access="advanced",
        encryption="current",
        new_choice="enter",
        passphrase="",
    )
    assert 'data-step="encryption"' in html
    assert "Enter your encryption passphrase." in html


def test_it_never_sends_a_passphrase_back(admin_client, url):
    html = html_for(
        admin_client,
        url,
        step="encryption",
        name="k",
        type="s3",
        access="advanced",
        encryption="current",
        new_choice="enter",
        passphrase=PASSPHRASE,
    )
    assert 'data-step="permissions"' in html
    assert PASSPHRASE not in html
    assert 'name="passphrase"' not in html
    html = html_for(
        admin_client, url, **advanced(step="permissions", nav="back", passphrase=PASSPHRASE)
    )
    assert 'data-step="encryption"' in html
    assert PASSPHRASE not in html


def test_it_generates_a_passphrase_and_wants_it_saved(admin_client, url):
    html = html_for(admin_client, url, step="access", name="k", type="s3", access="advanced")
    assert "Generate 12-word passphrase" in html and "I saved my encryption passphrase" in html
    assert "S3-Credentials" not in html and 'data-filename="Storj-passphrase-k-' in html
    words = html.split('name="generated_passphrase" value="')[1].split('"')[0]
    assert len(words.split()) == 12
    html = html_for(
        admin_client,
        url,
        step="encryption",
        name="k",
        type="s3",
        access="advanced",
        encryption="advanced",
        new_choice="generate",
        generated_passphrase=words,
    )
    assert 'data-step="encryption"' in html
    assert "Confirm that you saved the passphrase." in html


def test_it_asks_for_at_least_one_permission(admin_client, url):
    data = advanced(step="permissions")
    del data["permissions"]
    html = html_for(admin_client, url, **data)
    assert 'data-step="permissions"' in html
    assert "Choose at least one permission." in html
    assert 'aria-invalid="true"' in html


def test_it_turns_every_permission_on_at_first(admin_client, url):
    data = advanced(step="encryption", passphrase=PASSPHRASE)
    del data["permissions"], data["seen"]
    html = html_for(admin_client, url, **data)
    assert 'data-step="permissions"' in html
    assert checked(html, "permissions") == ["read", "write", "list", "delete"]


def test_it_lists_object_lock_permissions_with_their_descriptions(admin_client, url):
    html = html_for(admin_client, url, **advanced(step="permissions"))
    assert 'data-step="object_lock"' in html
    for name in permissions.names(permissions.OBJECT_LOCK):
        assert f">{name}<" in html
    assert "enabling deletion of objects before the retention period ends" in html
    assert checked(html, "object_lock") == []


def test_it_asks_for_a_bucket_when_selecting_buckets(admin_client, url):
    html = html_for(admin_client, url, **advanced(step="buckets", bucket_mode="select"))
    assert 'data-step="buckets"' in html
    assert "Choose at least one bucket." in html
    for bucket in ("photos", "backups", "logs"):
        assert f">{bucket}<" in html


def test_it_refuses_a_custom_date_in_the_past(admin_client, url):
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    html = html_for(
        admin_client,
        url,
        **advanced(step="expiration", expiration="custom", expiration_date=yesterday),
    )
    assert 'data-step="expiration"' in html
    assert "Choose a date in the future." in html


def test_it_summarises_before_creating(admin_client, url):
    html = html_for(
        admin_client,
        url,
        **advanced(step="expiration", bucket_mode="select", buckets=["logs"], expiration="1w"),
    )
    assert 'data-step="confirm"' in html
    assert ">Create Access<" in html.replace("\n", "").replace("  ", "")
    in_a_week = dateformat.format(timezone.now() + timedelta(days=7), "M j, Y")
    for text in ("my-access", "S3 Credentials", "Read, List", "logs", f"{in_a_week} (1 week"):
        assert f"<dd>{text}" in html


def test_it_goes_back_keeping_the_choices(admin_client, url):
    html = html_for(
        admin_client,
        url,
        **advanced(step="object_lock", object_lock=["GetObjectRetention"], nav="back"),
    )
    assert 'data-step="permissions"' in html
    assert checked(html, "permissions") == ["read", "list"]
    assert '<input type="hidden" name="object_lock" value="GetObjectRetention">' in html
    assert AccessKey.objects.count() == 0
