import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from console.models import AuditEvent, Invitation, Membership, User
from tests.helpers.factories import make_key
from tests.helpers.mail_server import mailed_link

pytestmark = pytest.mark.usefixtures("mail_server")

UA = "TeamTest/1.0"


def team_url(project):
    return reverse("team", args=[project.public_id])


def add(client, project, email, role="member"):
    return client.post(
        team_url(project),
        {"email": email, "role": role},
        HTTP_USER_AGENT=UA,
        REMOTE_ADDR="203.0.113.9",
    )


def link_path(response) -> str:
    """The path of the link mailed by the Add member `response` (followed)."""
    email = response.wsgi_request.POST["email"].strip().lower()
    return urlparse(mailed_link(email)).path


def test_it_lists_members_for_every_member(member_client, project, admin, member):
    response = member_client.get(team_url(project))
    assert response.status_code == 200
    body = response.content.decode()
    assert "alice@example.com" in body and "bob@example.com" in body
    assert "Admin" in body and "Member" in body
    # A Member sees the team but cannot change it.
    assert "Add a member" not in body
    assert "Remove" not in body


def page_text(response, *variables) -> str:
    """The page's text with the values that differ between two invitations blanked."""
    text = response.content.decode()
    for value in variables:
        text = text.replace(value, "…")
    return text


def test_it_answers_the_same_whether_or_not_the_email_has_an_account(
    admin_client, project, admin, outsider, mail_server
):
    known = add(admin_client, project, "Charlie@Example.com")
    unknown = add(admin_client, project, "nobody@example.com")

    assert known.status_code == unknown.status_code == 302
    answers = []
    for response, email in [(known, "charlie@example.com"), (unknown, "nobody@example.com")]:
        mail = mail_server.to(email)[-1]
        # The mails differ only in the address, the link and the minute it expires.
        link = mail.links()[0]
        answers.append(mail.text.replace(email, "…").replace(link, "…"))
    expiry = re.compile(r"until \w+ \d+, \d+, \d+:\d+ UTC")
    assert expiry.sub("", answers[0]) == expiry.sub("", answers[1])

    # Nobody became a member, and no account was made for the unknown email.
    assert not Membership.objects.filter(project=project, user=outsider).exists()
    assert not User.objects.filter(email="nobody@example.com").exists()
    events = AuditEvent.objects.filter(action="member_invited").order_by("id")
    assert [e.details for e in events] == [
        {"member": "charlie@example.com", "role": "member"},
        {"member": "nobody@example.com", "role": "member"},
    ]
    event = events[0]
    assert event.actor == admin and event.project == project
    assert event.ip_address == "203.0.113.9" and event.user_agent == UA


def test_it_refuses_to_add_someone_twice(admin_client, project, member):
    response = add(admin_client, project, member.email)
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_it_mails_a_one_time_link_and_stores_only_its_hash(admin_client, project):
    response = add(admin_client, project, "erin@example.com", role="admin")
    assert response.status_code == 302
    token = link_path(response).rstrip("/").rsplit("/", 1)[1]
    page = admin_client.get(response.url).content.decode()
    assert "Invitation sent to erin@example.com." in page
    assert token not in page
    invitation = Invitation.objects.get(email="erin@example.com")
    assert invitation.role == "admin" and invitation.project == project
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert timedelta(hours=71) < invitation.expires_at - timezone.now() <= timedelta(hours=72)
    for event in AuditEvent.objects.all():
        assert token not in str(event.details)


def test_it_lists_pending_invitations_to_admins_only(admin_client, member_client, project):
    add(admin_client, project, "gina@example.com", role="admin")
    page = admin_client.get(team_url(project)).content.decode()
    assert "1 invitation not accepted yet" in page and "gina@example.com" in page
    assert "Cancel the invitation of gina@example.com" in page
    assert "gina@example.com" not in member_client.get(team_url(project)).content.decode()


def test_it_cancels_an_invitation(admin_client, project, admin, client):
    path = link_path(add(admin_client, project, "hank@example.com"))
    invitation = Invitation.objects.get(email="hank@example.com")
    url = reverse("team_invitation_cancel", args=[project.public_id, invitation.id])
    response = admin_client.post(url, follow=True)
    assert "The invitation of hank@example.com no longer works." in response.content.decode()
    assert client.get(path, follow=True).status_code == 404
    event = AuditEvent.objects.get(action="invitation_cancelled")
    assert event.actor == admin and event.details == {
        "member": "hank@example.com",
        "role": "member",
    }
    # Another project's Admin cannot cancel it.
    assert admin_client.post(url).status_code == 404


def test_it_gives_a_new_link_when_added_again(admin_client, project, client):
    first = link_path(add(admin_client, project, "ivy@example.com"))
    # Asked first, then sent again.
    admin_client.post(
        team_url(project), {"email": "ivy@example.com", "role": "member", "again": "on"}
    )
    second = urlparse(mailed_link("ivy@example.com")).path
    assert first != second
    assert client.get(first, follow=True).status_code == 404
    assert client.get(second, follow=True).status_code == 200
    assert Invitation.objects.filter(email="ivy@example.com").count() == 1


def test_it_changes_a_role(admin_client, project, admin, member):
    membership = Membership.objects.get(project=project, user=member)
    url = reverse("team_role", args=[project.public_id, membership.id])
    response = admin_client.post(url, {"role": "admin"}, HTTP_USER_AGENT=UA)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "admin"
    event = AuditEvent.objects.get(action="role_changed")
    assert event.actor == admin and event.user_agent == UA and event.ip_address == "127.0.0.1"
    assert event.details == {"member": member.email, "old_role": "member", "new_role": "admin"}


def test_it_removes_a_member_and_keeps_their_keys(admin_client, project, admin, member):
    key = make_key(project, member, name="bobs-key")
    membership = Membership.objects.get(project=project, user=member)
    response = admin_client.post(
        reverse("team_remove", args=[project.public_id, membership.id]), {"keys": "keep"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(project=project, user=member).exists()
    key.refresh_from_db()
    assert key.revoked_at is None and key.created_by == member
    event = AuditEvent.objects.get(action="member_removed")
    assert event.actor == admin
    assert event.details == {
        "member": member.email,
        "role": "member",
        "access_keys_deleted": 0,
        "access_keys_kept": 1,
    }

    details = admin_client.get(reverse("accesskeys:detail", args=[project.public_id, key.id]))
    assert "bob@example.com (former member)" in details.content.decode()


def test_it_protects_the_last_admin(admin_client, project, admin, member):
    own = Membership.objects.get(project=project, user=admin)
    demote = admin_client.post(
        reverse("team_role", args=[project.public_id, own.id]), {"role": "member"}, follow=True
    )
    assert "alice@example.com is the last Admin of Alpha" in demote.content.decode()
    remove = admin_client.post(
        reverse("team_remove", args=[project.public_id, own.id]), follow=True
    )
    assert "last Admin" in remove.content.decode()
    own.refresh_from_db()
    assert own.role == "admin"
    assert not AuditEvent.objects.filter(action__in=["role_changed", "member_removed"]).exists()


def test_it_offers_the_only_admin_no_change_the_rules_refuse(admin_client, project, member):
    body = admin_client.get(reverse("team", args=[project.public_id])).content.decode()
    assert 'aria-label="Remove alice@example.com"' not in body
    assert "Role of alice@example.com" not in body
    assert "The only Admin. Make another member an Admin" in body
    # The Member can be promoted or removed.
    assert 'aria-label="Remove bob@example.com"' in body
    assert "Role of bob@example.com" in body

    Membership.objects.filter(user=member).update(role="admin")
    body = admin_client.get(reverse("team", args=[project.public_id])).content.decode()
    assert 'aria-label="Remove alice@example.com"' in body
    assert 'aria-label="Remove bob@example.com"' in body
    assert "The only Admin" not in body


def test_it_lets_an_admin_step_down_when_another_admin_remains(
    admin_client, project, admin, member
):
    Membership.objects.filter(user=member).update(role="admin")
    own = Membership.objects.get(project=project, user=admin)
    admin_client.post(reverse("team_role", args=[project.public_id, own.id]), {"role": "member"})
    own.refresh_from_db()
    assert own.role == "member"


def test_it_refuses_team_changes_by_a_member(member_client, project, admin):
    own = Membership.objects.get(project=project, user=admin)
    assert add(member_client, project, "x@example.com").status_code == 403
    role = member_client.post(
        reverse("team_role", args=[project.public_id, own.id]), {"role": "member"}
    )
    assert role.status_code == 403
    assert "Only project Admins" in role.content.decode()
    assert (
        member_client.post(reverse("team_remove", args=[project.public_id, own.id])).status_code
        == 403
    )
    assert not User.objects.filter(email="x@example.com").exists()


def test_it_cannot_touch_a_membership_of_another_project(admin_client, project, outsider):
    theirs = Membership.objects.get(user=outsider)
    url = reverse("team_remove", args=[project.public_id, theirs.id])
    assert admin_client.post(url).status_code == 404
    assert Membership.objects.filter(id=theirs.id).exists()


def test_it_asks_before_removing_a_member(admin_client, project, member):
    theirs = Membership.objects.get(project=project, user=member)
    url = reverse("team_remove", args=[project.public_id, theirs.id])
    page = admin_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Remove bob@example.com?" in body
    assert "They have no live access keys in Alpha." in body
    dialog = admin_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert dialog.lstrip().startswith("<dialog")
    assert f'action="{url}"' in dialog
    # Asking changes nothing.
    assert Membership.objects.filter(id=theirs.id).exists()
    assert not AuditEvent.objects.filter(action="member_removed").exists()


def test_it_asks_before_cancelling_an_invitation(admin_client, project):
    admin_client.post(
        reverse("team", args=[project.public_id]), {"email": "dana@example.com", "role": "member"}
    )
    invitation = Invitation.objects.get(email="dana@example.com")
    url = reverse("team_invitation_cancel", args=[project.public_id, invitation.id])
    body = admin_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Cancel the invitation of dana@example.com?" in body
    assert "Keep it" in body
    assert Invitation.objects.filter(id=invitation.id).exists()
