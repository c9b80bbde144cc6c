"""'Created by a former member': a risk flag, an Audit page filter, an API list filter
and a column of the keys CSV."""

from django.test import Client
from django.urls import reverse

from accesskeys.services import key_audit
from console.models import Membership
from tests.helpers.factories import bearer, make_key, make_user


def leave(project, user):
    Membership.objects.filter(project=project, user=user).delete()


def test_a_key_of_someone_who_left_is_flagged_on_its_details(admin_client, project, member):
    key = make_key(project, member, name="bobs", not_after=None)
    details = reverse("accesskeys:detail", args=[project.public_id, key.id])
    assert key_audit.FORMER_MEMBER not in admin_client.get(details).content.decode()

    leave(project, member)

    assert key_audit.FORMER_MEMBER in admin_client.get(details).content.decode()
    assert key_audit.risks(key, member_ids=project.member_ids()) == [key_audit.FORMER_MEMBER]


def test_the_audit_page_filters_former_members_keys(admin_client, project, admin, member):
    make_key(project, admin, name="alices")
    make_key(project, member, name="bobs")
    gone = make_user("gone@example.com")
    make_key(project, gone, name="orphan")
    gone.delete()
    leave(project, member)

    response = admin_client.get(reverse("audit", args=[project.public_id]), {"former": "on"})

    names = sorted(key.name for key in response.context["key_page"])
    assert names == ["bobs", "orphan"]
    assert "Created by former members" in response.content.decode()
    risky = admin_client.get(reverse("audit", args=[project.public_id]), {"risky": "on"})
    assert sorted(key.name for key in risky.context["key_page"]) == ["bobs", "orphan"]


def test_the_api_lists_former_members_keys(project, admin, member, admin_token):
    make_key(project, admin, name="alices")
    make_key(project, member, name="bobs")
    leave(project, member)
    url = f"/api/v1/projects/{project.public_id}/accesses"

    body = Client().get(url, {"former_member": "true"}, **bearer(admin_token)).json()

    assert [item["name"] for item in body["items"]] == ["bobs"]
    assert body["items"][0]["creator_is_member"] is False
    everyone = Client().get(url, **bearer(admin_token)).json()
    assert everyone["count"] == 2
