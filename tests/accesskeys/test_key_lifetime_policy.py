"""A project's expiry policy (minio #19493): an Admin sets the longest a new access
key may last; the Settings page, the New Access dialog, the service, the
create_access command and the REST API all keep to it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accesskeys import forms as f
from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from console import key_lifetimes
from console.event_text import describe
from console.models import AuditEvent
from tests.helpers.factories import bearer

NOW = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)


@pytest.fixture
def limited(project):
    project.max_key_lifetime = "1m"
    project.save()
    return project


# --- the rule ---------------------------------------------------------------------


def test_lifetimes_end_by_days_or_calendar_months():
    assert key_lifetimes.BY_CODE["1d"].end(NOW) == NOW + timedelta(days=1)
    assert key_lifetimes.BY_CODE["1w"].end(NOW) == NOW + timedelta(days=7)
    # Jan 31 + 1 month is the last day of February.
    assert key_lifetimes.BY_CODE["1m"].end(NOW) == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert key_lifetimes.BY_CODE["1y"].end(NOW) == datetime(2027, 1, 31, 10, 0, tzinfo=UTC)


def test_the_policy_allows_up_to_the_maximum_and_names_the_latest_date(limited, project):
    latest = datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert key_lifetimes.latest_expiration(limited, NOW) == latest
    assert key_lifetimes.policy_error(limited, latest, NOW) is None
    too_late = key_lifetimes.policy_error(limited, latest + timedelta(seconds=1), NOW)
    assert too_late == (
        "This project's access keys can last at most 1 month: "
        "choose an expiration no later than Feb 28, 2026, 10:00 UTC."
    )
    assert key_lifetimes.policy_error(limited, None, NOW) == too_late
    limited.max_key_lifetime = ""
    assert key_lifetimes.policy_error(limited, None, NOW) is None


# --- the service, and so every caller -----------------------------------------------


def advanced(expires_at):
    return CreateAccessRequest(
        name="limited", type="api_key", full_access=False, expires_at=expires_at
    )


def test_the_service_refuses_a_longer_or_missing_expiration(limited, admin):
    for expires_at in (None, NOW + timedelta(days=40)):
        with pytest.raises(ValidationError) as refused:
            create_access(limited, admin, advanced(expires_at), now=NOW)
        assert refused.value.message_dict["expires"][0].startswith(
            "This project's access keys can last at most 1 month"
        )
    assert not AccessKey.objects.exists()
    created = create_access(limited, admin, advanced(NOW + timedelta(days=28)), now=NOW)
    assert created.key.not_after == NOW + timedelta(days=28)


def test_full_access_lasts_the_longest_the_project_allows(limited, admin):
    request = CreateAccessRequest(name="full", type="api_key")
    key = create_access(limited, admin, request, now=NOW).key
    assert key.full_access
    assert key.not_after == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)


def test_without_a_policy_nothing_changes(project, admin):
    key = create_access(project, admin, CreateAccessRequest(name="f", type="api_key")).key
    assert key.not_after is None
    create_access(project, admin, advanced(None))


def test_the_command_line_is_refused_too(limited, admin):
    far = (timezone.now() + timedelta(days=400)).date().isoformat()
    argv = ["--project", "Alpha", "--user", admin.email, "--name", "cli", "--type", "api-key"]
    with pytest.raises(CommandError, match="can last at most 1 month"):
        call_command("create_access", *argv, "--expires", far)
    with pytest.raises(CommandError, match="can last at most 1 month"):
        call_command("create_access", *argv, "--permissions", "read")
    assert not AccessKey.objects.exists()


def test_the_api_is_refused_with_the_field_named(limited, admin_token):
    response = Client().post(
        f"/api/v1/projects/{limited.public_id}/accesses",
        {"name": "api", "type": "api-key", "expires": "2099-01-01T00:00:00Z"},
        content_type="application/json",
        **bearer(admin_token),
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "expires"
    assert "can last at most 1 month" in error["message"]


# --- the New Access dialog --------------------------------------------------------


def test_the_dialog_offers_only_allowed_expirations(limited):
    form = f.ExpirationForm(project=limited)
    assert [code for code, _ in form.fields["expiration"].choices] == ["1d", "1w", "1m", "custom"]
    assert form.fields["expiration"].initial == "1m"
    latest = key_lifetimes.latest_expiration(limited, timezone.now())
    assert form.fields["expiration_date"].widget.attrs["max"] == latest.date().isoformat()
    # Without a policy every choice is there, "No expiration" first.
    limited.max_key_lifetime = ""
    choices = [code for code, _ in f.ExpirationForm(project=limited).fields["expiration"].choices]
    assert choices == ["none", "1d", "1w", "1m", "6m", "1y", "custom"]


def dialog_post(client, project, **data):
    base = {
        "name": "my-access",
        "type": "api_key",
        "description": "",
        "access": "advanced",
        "permissions": ["read"],
        "bucket_mode": "all",
        "step": "expiration",
        "seen": ["name", "access", "permissions", "object_lock", "notification", "buckets"],
    }
    url = reverse("accesskeys:new", args=[project.public_id])
    response = client.post(url, {**base, **data}, headers={"HX-Request": "true"})
    return response.content.decode()


def test_the_dialog_refuses_what_it_does_not_offer(admin_client, limited):
    html = dialog_post(admin_client, limited, expiration="none")
    assert 'data-step="expiration"' in html
    far = (timezone.now() + timedelta(days=60)).date().isoformat()
    html = dialog_post(admin_client, limited, expiration="custom", expiration_date=far)
    assert 'data-step="expiration"' in html
    assert escape("This project's access keys can last at most 1 month") in html
    # Entered from the Buckets step, it says why the choices are few.
    entered = dialog_post(admin_client, limited, step="buckets")
    assert 'data-step="expiration"' in entered
    assert "This project's access keys can last at most 1 month: an Admin set" in entered
    assert 'value="none"' not in entered


def test_the_access_step_says_full_access_expires(admin_client, limited):
    form = f.AccessForm(project=limited)
    full = form.options["access"][0]["description"]
    assert "expiring in 1 month" in full and "no expiration" not in full


# --- the Settings page ----------------------------------------------------------------


def lifetime_url(project):
    return reverse("project_key_lifetime", args=[project.public_id])


def test_an_admin_sets_and_lifts_the_limit_audited(admin_client, project, admin):
    settings_page = admin_client.get(reverse("project_settings", args=[project.public_id]))
    assert "Maximum lifetime of new access keys" in settings_page.content.decode()

    response = admin_client.post(lifetime_url(project), {"max_key_lifetime": "6m"}, follow=True)
    assert "New access keys now last at most 6 months." in response.content.decode()
    project.refresh_from_db()
    assert project.max_key_lifetime == "6m"
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROJECT_UPDATED)
    assert event.actor == admin
    assert event.details["maximum_key_lifetime"] == {"from": "No limit", "to": "6 months"}
    assert describe(event.action, event.details) == (
        "Maximum key lifetime changed from “No limit” to “6 months”."
    )

    admin_client.post(lifetime_url(project), {"max_key_lifetime": ""})
    project.refresh_from_db()
    assert project.max_key_lifetime == ""
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PROJECT_UPDATED).count() == 2


def test_a_bad_choice_is_refused_with_a_message(admin_client, project):
    response = admin_client.post(lifetime_url(project), {"max_key_lifetime": "99y"}, follow=True)
    assert "Choose one of the lifetimes listed." in response.content.decode()
    project.refresh_from_db()
    assert project.max_key_lifetime == ""
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PROJECT_UPDATED).exists()


def test_a_member_sees_the_limit_but_cannot_change_it(member_client, limited):
    page = member_client.get(reverse("project_settings", args=[limited.public_id]))
    assert re.search(r"At most 1 month", page.content.decode())
    assert member_client.post(lifetime_url(limited), {"max_key_lifetime": ""}).status_code == 403
    limited.refresh_from_db()
    assert limited.max_key_lifetime == "1m"
