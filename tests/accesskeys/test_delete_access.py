"""Deleting access keys from the page: one or many, all or nothing, audited."""

import json

import pytest

from accesskeys.models import AccessKey
from console.models import AuditEvent
from tests.helpers.factories import make_access_key


def delete_url(project):
    return f"/projects/{project.public_id}/access-keys/delete/"


def hx(**headers):
    return {"HTTP_HX_REQUEST": "true", **headers}


@pytest.fixture
def keys(project, admin, member):
    return {
        "admins": make_access_key(project, admin, "admins-key"),
        "admins-2": make_access_key(project, admin, "admins-second"),
        "members": make_access_key(project, member, "members-key"),
    }


def active_names(project) -> set[str]:
    return set(
        AccessKey.objects.not_revoked().filter(project=project).values_list("name", flat=True)
    )


def test_it_asks_for_confirmation_listing_the_selected_names(admin_client, project, keys):
    response = admin_client.get(
        delete_url(project),
        {"ids": [keys["admins"].id, keys["members"].id]},
        **hx(),
    )
    html = response.content.decode()
    assert html.lstrip().startswith("<dialog")
    assert "Delete 2 access keys" in html
    assert "admins-key" in html and "members-key" in html
    assert "admins-second" not in html
    assert active_names(project) == {"admins-key", "admins-second", "members-key"}


def test_it_confirms_without_javascript_on_a_page(admin_client, project, keys):
    response = admin_client.get(delete_url(project), {"ids": keys["admins"].id})
    html = response.content.decode()
    assert "Delete access key" in html and "admins-key" in html
    assert "sidebar" in html


def test_an_admin_deletes_several_keys_at_once(admin_client, project, keys, admin):
    ids = [keys["admins"].id, keys["members"].id]
    response = admin_client.post(delete_url(project), {"ids": ids}, **hx())
    assert response.status_code == 200
    # The page refreshes its keys and the dialog closes; the dialog host is left alone.
    assert json.loads(response["HX-Trigger"]) == {"accessesChanged": {}, "closeDialog": {}}
    assert response["HX-Reswap"] == "none"
    assert "Deleted 2 access keys." in response.content.decode()
    assert active_names(project) == {"admins-second"}
    assert all(AccessKey.objects.get(id=i).revoked_at for i in ids)

    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DELETED)
    assert event.project == project
    assert event.actor == admin
    assert event.details == {"accesses": ["admins-key", "members-key"]}


def test_an_admin_deletes_one_key_from_the_row_menu(admin_client, project, keys):
    response = admin_client.post(delete_url(project), {"ids": keys["members"].id}, **hx())
    assert "Deleted the access key “members-key”." in response.content.decode()
    assert active_names(project) == {"admins-key", "admins-second"}


def test_a_member_deletes_their_own_key(member_client, project, keys, member):
    response = member_client.post(delete_url(project), {"ids": keys["members"].id}, **hx())
    assert "accessesChanged" in response["HX-Trigger"]
    assert active_names(project) == {"admins-key", "admins-second"}
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DELETED)
    assert event.actor == member


def test_a_member_cannot_delete_another_members_key(member_client, project, keys):
    ids = [keys["members"].id, keys["admins"].id]
    response = member_client.post(delete_url(project), {"ids": ids}, **hx())
    html = response.content.decode()
    assert "HX-Trigger" not in response
    assert 'role="alert"' in html
    assert "Members can delete only the access keys they created" in html
    assert "admins-key" in html
    # All or nothing: not even the Member's own key went.
    assert active_names(project) == {"admins-key", "admins-second", "members-key"}
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DELETED).exists()
    # Only Close is offered: there is nothing the Member can delete here.
    assert 'type="submit"' not in html


def test_it_deletes_without_javascript_and_redirects(admin_client, project, keys):
    response = admin_client.post(delete_url(project), {"ids": keys["admins"].id}, follow=True)
    assert response.redirect_chain[-1][0] == f"/projects/{project.public_id}/access-keys/"
    assert "Deleted the access key “admins-key”." in response.content.decode()
    assert "admins-key" not in active_names(project)


def test_it_ignores_keys_of_other_projects_and_revoked_keys(
    admin_client, project, other_project, outsider, keys
):
    foreign = make_access_key(other_project, outsider, "foreign")
    response = admin_client.post(delete_url(project), {"ids": [foreign.id, "x"]}, **hx())
    assert "no longer exist" in response.content.decode()
    assert AccessKey.objects.get(id=foreign.id).revoked_at is None
    assert active_names(project) == {"admins-key", "admins-second", "members-key"}


def test_it_is_a_404_for_outsiders(outsider_client, project, keys):
    response = outsider_client.post(delete_url(project), {"ids": keys["admins"].id}, **hx())
    assert response.status_code == 404
    assert outsider_client.get(delete_url(project), {"ids": keys["admins"].id}).status_code == 404
    assert active_names(project) == {"admins-key", "admins-second", "members-key"}


def test_it_refuses_other_methods(admin_client, project, keys):
    assert admin_client.delete(delete_url(project)).status_code == 405
