"""Removing a member, or leaving: their live keys listed first, then deleted all,
kept, or some, with the removal in one transaction (offboarding_views.py,
services/offboarding.py)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from accesskeys.services.access_delete import delete_accesses
from console.models import AuditEvent, Membership
from storjformat import macaroon
from tests.helpers.factories import bearer, make_key
from tests.helpers.satellite import authorize

TOKEN = "gateway-token-0123456789"
PHRASE = "correct horse battery staple"
TABLE_FORMER_MEMBER = 'bob@example.com <span class="muted">(former member)</span>'


@pytest.fixture(autouse=True)
def tokens(settings):
    settings.AUTH_SERVICE_TOKENS = [TOKEN]


def resolves(access_key_id: str) -> bool:
    response = Client().get(
        f"/v1/access/{access_key_id}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    return response.status_code == 200


def url(project, user) -> str:
    membership = Membership.objects.get(project=project, user=user)
    return reverse("team_remove", args=[project.public_id, membership.id])


@pytest.fixture
def bobs(project, member):
    """Bob's S3 credentials, grant and API key, and what is not his or not live."""
    made = {
        name: create_access(project, member, CreateAccessRequest(name, type_, passphrase=PHRASE))
        for name, type_ in [("bob-s3", "s3"), ("bob-grant", "access_grant"), ("bob-api", "api_key")]
    }
    gone = make_key(project, member, name="bob-deleted")
    delete_accesses(project, member, [gone.id])
    make_key(project, member, name="bob-expired", not_after=timezone.now() - timedelta(days=1))
    return made


def test_it_lists_their_live_keys_with_type_and_last_use(
    admin_client, project, admin, member, bobs
):
    make_key(project, admin, name="alice-key")
    AccessKey.objects.filter(name="bob-s3").update(last_used_at=timezone.now())

    page = admin_client.get(url(project, member)).content.decode()

    assert "Remove bob@example.com?" in page
    assert "Their 3 live access keys in Alpha keep working" in page
    for name in ("bob-s3", "bob-grant", "bob-api"):
        assert f'aria-label="Delete {name}"' in page
    assert "S3 Credentials" in page and "Access Grant" in page and "API Key" in page
    assert timezone.now().strftime("%b") in page and "Never" in page
    for absent in ("bob-deleted", "bob-expired", "alice-key"):
        assert absent not in page
    for label in ("Delete them all now", "Keep them", "Choose which to delete"):
        assert label in page
    # Asking changes nothing.
    assert Membership.objects.filter(user=member).exists()


def test_delete_all_leaves_none_of_their_keys_resolving(admin_client, project, admin, member, bobs):
    assert resolves(bobs["bob-s3"].s3_access_key)
    read = macaroon.Action(op=macaroon.Op.READ, time=timezone.now(), bucket=b"photos")
    for created in bobs.values():
        authorize(created.api_key, read)

    response = admin_client.post(url(project, member), {"keys": "delete"})

    assert response.status_code == 302
    assert not Membership.objects.filter(project=project, user=member).exists()
    assert not resolves(bobs["bob-s3"].s3_access_key)
    # Nor does the satellite honour any of them, or a grant made from them.
    for created in bobs.values():
        with pytest.raises(macaroon.ActionDenied):
            authorize(created.api_key, read)
    live = AccessKey.objects.not_revoked().filter(created_by=member)
    assert list(live.values_list("name", flat=True)) == ["bob-expired"]
    deleted = AuditEvent.objects.get(action="access_deleted", actor=admin)
    assert sorted(deleted.details["accesses"]) == ["bob-api", "bob-grant", "bob-s3"]
    removed = AuditEvent.objects.get(action="member_removed")
    assert removed.details["access_keys_deleted"] == 3
    assert removed.details["access_keys_kept"] == 0


def test_keep_leaves_them_working_as_a_former_members(admin_client, project, member, bobs):
    admin_client.post(url(project, member), {"keys": "keep"})

    assert resolves(bobs["bob-s3"].s3_access_key)
    table = admin_client.get(reverse("accesskeys:index", args=[project.public_id]))
    assert TABLE_FORMER_MEMBER in table.content.decode()


def test_choose_deletes_only_the_keys_ticked(admin_client, project, member, bobs):
    s3 = bobs["bob-s3"].key

    response = admin_client.post(url(project, member), {"keys": "choose", "ids": [s3.id]})

    assert response.status_code == 302
    assert not resolves(bobs["bob-s3"].s3_access_key)
    names = AccessKey.objects.not_revoked().filter(created_by=member).values_list("name", flat=True)
    assert sorted(names) == ["bob-api", "bob-expired", "bob-grant"]


def test_a_choice_is_required_when_they_have_keys(admin_client, project, member, bobs):
    response = admin_client.post(url(project, member), {})

    assert response.status_code == 400
    assert "Choose what becomes of the access keys." in response.content.decode()
    assert Membership.objects.filter(user=member).exists()

    response = admin_client.post(url(project, member), {"keys": "choose"})
    assert "Select the access keys to delete" in response.content.decode()
    assert Membership.objects.filter(user=member).exists()


def test_a_key_that_is_not_theirs_cannot_be_slipped_in(admin_client, project, admin, member, bobs):
    alices = make_key(project, admin, name="alice-key")

    response = admin_client.post(url(project, member), {"keys": "choose", "ids": [alices.id]})

    assert response.status_code == 400
    alices.refresh_from_db()
    assert alices.revoked_at is None
    assert Membership.objects.filter(user=member).exists()


def test_a_member_leaving_gets_the_same_choice(member_client, project, member, bobs):
    team = member_client.get(reverse("team", args=[project.public_id])).content.decode()
    assert "Leave project" in team
    page = member_client.get(url(project, member)).content.decode()
    assert "Leave Alpha?" in page and "Your 3 live access keys" in page

    response = member_client.post(url(project, member), {"keys": "delete"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "You left Alpha. Deleted 3 access keys." in response.content.decode()
    assert not resolves(bobs["bob-s3"].s3_access_key)
    assert not Membership.objects.filter(user=member).exists()


def test_members_cannot_remove_others(member_client, project, admin):
    assert member_client.get(url(project, admin)).status_code == 403


def test_the_last_admin_cannot_leave_and_nothing_is_deleted(admin_client, project, admin):
    key = create_access(project, admin, CreateAccessRequest("mine", "s3", passphrase=PHRASE))

    response = admin_client.post(url(project, admin), {"keys": "delete"}, follow=True)

    assert "alice@example.com is the last Admin of Alpha" in response.content.decode()
    assert resolves(key.s3_access_key)
    assert not AuditEvent.objects.filter(action__in=["access_deleted", "member_removed"]).exists()


def test_a_deactivated_account_is_a_former_member_everywhere(
    admin_client, admin_token, project, member
):
    key = make_key(project, member, name="bob-key")
    member.is_active = False
    member.save()

    table = admin_client.get(reverse("accesskeys:index", args=[project.public_id]))
    details = admin_client.get(reverse("accesskeys:detail", args=[project.public_id, key.id]))
    csv = b"".join(
        admin_client.get(reverse("audit_keys_csv", args=[project.public_id])).streaming_content
    )
    api = Client().get(
        f"/api/v1/projects/{project.public_id}/accesses/{key.id}", **bearer(admin_token)
    )

    assert TABLE_FORMER_MEMBER in table.content.decode()
    assert "bob@example.com (former member)" in details.content.decode()
    assert "bob@example.com (former member)" in csv.decode()
    assert api.json()["creator_is_member"] is False
