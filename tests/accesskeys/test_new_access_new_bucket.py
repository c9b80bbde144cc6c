"""Creating a bucket from the New Access dialog's Buckets step, without losing the choices."""

import re

import pytest
from django.urls import reverse

from console.forms import BUCKET_NAME_TAKEN
from console.models import AuditEvent, Bucket
from tests.helpers.dialog import advanced, checked

HX = {"HX-Request": "true"}


@pytest.fixture
def url(project):
    return reverse("accesskeys:new", args=[project.public_id])


def create_bucket(client, url, name, object_lock=False, **choices) -> str:
    data = advanced(
        step="buckets",
        nav="create_bucket",
        bucket_mode="select",
        buckets=["logs"],
        name="nightly",
        description="Nightly job",
        **choices,
    )
    data["seen"] = [*data["seen"], "buckets"]
    data["new_bucket-name"] = name
    if object_lock:
        data["new_bucket-object_lock"] = "on"
    return client.post(url, data, headers=HX).content.decode()


def hidden(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)">', html)


def test_it_creates_the_bucket_audited_and_selects_it(admin_client, url, project, admin):
    html = create_bucket(admin_client, url, "media", object_lock=True)

    bucket = Bucket.objects.get(project=project, name="media")
    assert bucket.object_lock
    event = AuditEvent.objects.get(action=AuditEvent.Action.BUCKET_CREATED)
    assert (event.project, event.actor) == (project, admin)
    assert event.details == {"bucket": "media", "object_lock": True}
    # Back on the same step, the new bucket chosen beside the ones already chosen.
    assert 'data-step="buckets"' in html
    assert "Bucket “media” created and selected." in html
    assert checked(html, "bucket_mode") == ["select"]
    assert checked(html, "buckets") == ["logs", "media"]
    # The choices of the other steps are still carried.
    assert hidden(html, "name") == ["nightly"]
    assert hidden(html, "description") == ["Nightly job"]
    assert hidden(html, "permissions") == ["read", "list"]


def test_it_goes_on_with_the_new_bucket(admin_client, url, project):
    html = create_bucket(admin_client, url, "media")
    data = advanced(step="buckets", bucket_mode="select", buckets=checked(html, "buckets"))
    html = admin_client.post(url, data, headers=HX).content.decode()
    assert 'data-step="expiration"' in html
    assert hidden(html, "buckets") == ["logs", "media"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Bad_Name", "only lowercase letters, numbers, dots (.) and hyphens (-)"),
        ("ab", "between 3 and 63 characters"),
        ("photos", BUCKET_NAME_TAKEN),
        ("", "This field is required."),
    ],
)
def test_it_shows_the_buckets_page_message_and_keeps_the_choices(
    admin_client, url, project, name, message
):
    before = Bucket.objects.filter(project=project).count()
    html = create_bucket(admin_client, url, name)
    assert Bucket.objects.filter(project=project).count() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.BUCKET_CREATED).exists()
    assert 'data-step="buckets"' in html
    assert message in html
    assert re.search(r'<input type="text" name="new_bucket-name"[^>]*aria-invalid="true"', html)
    # The panel stays open with what was typed, and the choices are kept.
    assert re.search(r'aria-expanded="true"[^>]*>New bucket<', html)
    assert f'value="{name}"' in html or name == ""
    assert checked(html, "buckets") == ["logs"]
    assert hidden(html, "name") == ["nightly"]


def test_it_refuses_members_as_the_buckets_page_does(member_client, url, project):
    html = create_bucket(member_client, url, "media")
    assert not Bucket.objects.filter(project=project, name="media").exists()
    assert "Only project Admins can create buckets." in html


def test_it_offers_the_new_bucket_form_to_admins_only(admin_client, member_client, url):
    data = advanced(step="notification")
    assert "Create bucket" in admin_client.post(url, data, headers=HX).content.decode()
    html = member_client.post(url, data, headers=HX).content.decode()
    assert 'data-step="buckets"' in html and "Create bucket" not in html


def test_it_opens_the_form_at_once_when_the_project_has_no_buckets(admin_client, url, project):
    project.buckets.all().delete()
    html = admin_client.post(url, advanced(step="notification"), headers=HX).content.decode()
    assert "This project has no buckets yet. Create one below" in html
    assert (
        re.search(r'<div class="na-new-bucket" id="na-new-bucket"[^>]*>', html)[0].find("hidden")
        == -1
    )
    assert "data-toggle-new-bucket" not in html


def test_the_new_bucket_fields_are_not_carried(admin_client, url):
    html = create_bucket(admin_client, url, "media")
    assert not hidden(html, "new_bucket-name")
    html = admin_client.post(
        url, advanced(step="buckets", **{"new_bucket-name": "x"}), headers=HX
    ).content.decode()
    assert not hidden(html, "new_bucket-name")
