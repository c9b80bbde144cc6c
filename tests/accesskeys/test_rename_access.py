"""Renaming and describing an access key: its page, the service's rules, the audit
event, who may do it, and the REST API's PATCH."""

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accesskeys.models import AccessKey
from accesskeys.services import access
from accesskeys.services.access import MESSAGES
from console.event_text import describe
from console.models import AuditEvent
from tests.helpers.factories import bearer, make_key


def edit_url(project, key) -> str:
    return reverse("accesskeys:edit", args=[project.public_id, key.id])


def test_it_renames_and_describes_a_key_and_audits_both_changes(admin_client, project, admin):
    key = make_key(project, admin, name="svc-alpha", description="old")
    response = admin_client.post(
        edit_url(project, key), {"name": " svc-beta ", "description": "Nightly backups"}
    )
    assert response.status_code == 302
    assert response.url == reverse("accesskeys:detail", args=[project.public_id, key.id])
    key.refresh_from_db()
    assert (key.name, key.description) == ("svc-beta", "Nightly backups")
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_UPDATED)
    assert event.actor == admin and event.project == project
    assert event.details["access"] == "svc-beta"
    assert event.details["name"] == {"from": "svc-alpha", "to": "svc-beta"}
    assert event.details["description"] == {"from": "old", "to": "Nightly backups"}
    assert describe(event.action, event.details) == (
        "Renamed “svc-alpha” to “svc-beta”. Description changed from “old” to “Nightly backups”."
    )
    page = admin_client.get(response.url).content.decode()
    assert "Saved the changes to “svc-beta”." in page


def test_it_audits_only_what_changed_and_nothing_when_nothing_did(admin_client, project, admin):
    key = make_key(project, admin, name="svc-alpha", description="same")
    admin_client.post(edit_url(project, key), {"name": "svc-alpha", "description": "same"})
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_UPDATED).exists()
    admin_client.post(edit_url(project, key), {"name": "svc-alpha", "description": "new"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_UPDATED)
    assert "name" not in event.details


def test_it_applies_the_creation_rules_to_the_name(admin_client, project, admin):
    make_key(project, admin, name="taken")
    make_key(project, admin, name="gone", revoked_at=timezone.now())
    key = make_key(project, admin, name="mine")
    cases = {
        "": MESSAGES["name_required"],
        "taken": MESSAGES["name_taken"],
        "x" * 101: MESSAGES["name_too_long"],
        "bad\x07name": MESSAGES["name_control"],
    }
    for name, message in cases.items():
        response = admin_client.post(edit_url(project, key), {"name": name, "description": ""})
        assert response.status_code == 200, name
        assert escape(message) in response.content.decode(), name
    long_description = admin_client.post(
        edit_url(project, key), {"name": "mine", "description": "d" * 501}
    )
    assert MESSAGES["description_too_long"] in long_description.content.decode()
    # A deleted key's name is free again, as at creation.
    assert admin_client.post(edit_url(project, key), {"name": "gone"}).status_code == 302
    key.refresh_from_db()
    assert key.name == "gone"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_UPDATED).count() == 1


def test_a_member_may_edit_their_own_key_but_not_anothers(member_client, project, admin, member):
    own = make_key(project, member, name="members-key")
    others = make_key(project, admin, name="admins-key")
    assert member_client.post(edit_url(project, own), {"name": "renamed"}).status_code == 302
    refused = member_client.post(edit_url(project, others), {"name": "stolen"})
    assert refused.status_code == 403
    assert escape(MESSAGES["update_not_allowed"]) in refused.content.decode()
    others.refresh_from_db()
    assert others.name == "admins-key"
    # The details page offers it only where it is allowed.
    own_page = member_client.get(reverse("accesskeys:detail", args=[project.public_id, own.id]))
    assert "Rename or describe" in own_page.content.decode()
    other_page = member_client.get(
        reverse("accesskeys:detail", args=[project.public_id, others.id])
    )
    assert "Rename or describe" not in other_page.content.decode()


def test_the_service_refuses_others_and_deleted_keys(project, admin, member):
    others = make_key(project, admin, name="admins-key")
    deleted = make_key(project, admin, name="old", revoked_at=timezone.now())
    for actor, key, rule in [
        (member, others, "update_not_allowed"),
        (admin, deleted, "update_gone"),
    ]:
        try:
            access.update_access(project, actor, key.id, "new-name", "")
        except access.AccessError as e:
            assert e.errors == {"__all__": [MESSAGES[rule]]}
        else:
            raise AssertionError(f"{actor} changed {key}")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_UPDATED).exists()


def test_a_deleted_key_cannot_be_renamed_from_its_page(admin_client, project, admin):
    key = make_key(project, admin, name="old", revoked_at=timezone.now())
    response = admin_client.post(edit_url(project, key), {"name": "new"}, follow=True)
    assert escape(MESSAGES["update_gone"]) in response.content.decode()
    key.refresh_from_db()
    assert key.name == "old"


def test_the_page_says_the_restrictions_cannot_change(admin_client, project, admin):
    key = make_key(project, admin, name="svc")
    body = admin_client.get(edit_url(project, key)).content.decode()
    assert "written inside the key" in body and "cannot change" in body


# --- the REST API -----------------------------------------------------------------


def patch(project, token, key, **body):
    return Client().patch(
        f"/api/v1/projects/{project.public_id}/accesses/{key.id}",
        body,
        content_type="application/json",
        **bearer(token),
    )


def test_the_api_renames_and_describes_with_the_same_rules(project, admin, admin_token):
    key = make_key(project, admin, name="svc-alpha", description="old")
    make_key(project, admin, name="taken")
    response = patch(project, admin_token, key, description="CI deploys")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "svc-alpha"
    assert response.json()["description"] == "CI deploys"

    taken = patch(project, admin_token, key, name="taken")
    assert taken.status_code == 422
    assert taken.json()["errors"] == [{"field": "name", "message": MESSAGES["name_taken"]}]

    assert patch(project, admin_token, key, name="svc-beta").json()["name"] == "svc-beta"
    events = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_UPDATED)
    assert [e.details.get("via") for e in events] == ["api", "api"]
    assert AccessKey.objects.get(id=key.id).name == "svc-beta"


def test_the_api_refuses_a_member_on_someone_elses_key(project, admin, member_token):
    key = make_key(project, admin, name="admins-key")
    response = patch(project, member_token, key, name="stolen")
    assert response.status_code == 403
    assert response.json()["detail"] == MESSAGES["update_not_allowed"]
    assert AccessKey.objects.get(id=key.id).name == "admins-key"
