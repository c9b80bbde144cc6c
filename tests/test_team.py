from datetime import timedelta
from urllib.parse import urlparse

from django.urls import reverse
from django.utils import timezone

from console.models import AuditEvent, Invitation, Membership, User
from tests.conftest import PASSWORD, make_user
from tests.key_factory import make_key

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
    return urlparse(response.context["invite"]["link"]).path


def test_it_lists_members_for_every_member(member_client, project, admin, member):
    response = member_client.get(team_url(project))
    assert response.status_code == 200
    body = response.content.decode()
    assert "alice@example.com" in body and "bob@example.com" in body
    assert "Admin" in body and "Member" in body
    # A Member sees the team but cannot change it.
    assert "Add a member" not in body
    assert "Remove" not in body


def test_it_adds_an_existing_user_at_once(admin_client, project, admin):
    dora = make_user("dora@example.com")
    response = add(admin_client, project, "Dora@Example.com")
    assert response.status_code == 302
    membership = Membership.objects.get(project=project, user=dora)
    assert membership.role == "member"
    assert not Invitation.objects.filter(user=dora).exists()
    event = AuditEvent.objects.get(action="member_added")
    assert event.actor == admin
    assert event.details == {"member": "dora@example.com", "role": "member", "new_account": False}
    assert event.ip_address == "203.0.113.9"
    assert event.user_agent == UA


def test_it_refuses_to_add_someone_twice(admin_client, project, member):
    response = add(admin_client, project, member.email)
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_it_creates_an_account_and_a_one_time_link(admin_client, project, client):
    response = add(admin_client, project, "erin@example.com", role="admin")
    assert response.status_code == 200
    erin = User.objects.get(email="erin@example.com")
    assert not erin.has_usable_password()
    assert Membership.objects.get(project=project, user=erin).role == "admin"

    path = link_path(response)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert response.content.decode().count(token) == 1
    invitation = Invitation.objects.get(user=erin)
    # Only the hash is stored; nothing in the audit carries the token.
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert timedelta(hours=71) < invitation.expires_at - timezone.now() <= timedelta(hours=72)
    for event in AuditEvent.objects.all():
        assert token not in str(event.details)

    page = client.get(path)
    assert page.status_code == 200
    assert "erin@example.com" in page.content.decode()

    new_password = "a-long-fresh-password-9"
    done = client.post(
        path, {"password1": new_password, "password2": new_password}, HTTP_USER_AGENT=UA
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accesskeys:index", args=[project.public_id])
    erin.refresh_from_db()
    assert erin.check_password(new_password)
    event = AuditEvent.objects.get(action="password_set")
    assert event.actor == erin and event.project == project and event.user_agent == UA
    assert token not in str(event.details)

    # The link works once.
    assert client.get(path).status_code == 404
    again = client.post(path, {"password1": "another-pass-77x", "password2": "another-pass-77x"})
    assert again.status_code == 404
    erin.refresh_from_db()
    assert erin.check_password(new_password)


def test_it_expires_the_link_after_72_hours(admin_client, project, client):
    response = add(admin_client, project, "frank@example.com")
    path = link_path(response)
    Invitation.objects.filter(user__email="frank@example.com").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    page = client.get(path)
    assert page.status_code == 404
    assert "expired" in page.content.decode()
    posted = client.post(path, {"password1": "whatever-pass-123", "password2": "whatever-pass-123"})
    assert posted.status_code == 404
    assert not User.objects.get(email="frank@example.com").has_usable_password()


def test_it_checks_the_new_password(admin_client, project, client):
    path = link_path(add(admin_client, project, "gina@example.com"))
    response = client.post(path, {"password1": "mismatch-one-11", "password2": "mismatch-two-22"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    response = client.post(path, {"password1": "123", "password2": "123"})
    assert "too short" in response.content.decode()
    # A failed attempt does not use up the link.
    assert client.get(path).status_code == 200


def test_it_rejects_an_unknown_token(client, db):
    assert client.get(reverse("set_password", args=["nope"])).status_code == 404


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
    response = admin_client.post(reverse("team_remove", args=[project.public_id, membership.id]))
    assert response.status_code == 302
    assert not Membership.objects.filter(project=project, user=member).exists()
    key.refresh_from_db()
    assert key.revoked_at is None and key.created_by == member
    event = AuditEvent.objects.get(action="member_removed")
    assert event.actor == admin and event.details == {"member": member.email, "role": "member"}

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


def test_it_stops_a_pending_link_when_the_member_is_removed(admin_client, project, client):
    path = link_path(add(admin_client, project, "hank@example.com"))
    membership = Membership.objects.get(user__email="hank@example.com")
    admin_client.post(reverse("team_remove", args=[project.public_id, membership.id]))
    assert client.get(path).status_code == 404


def test_it_gives_a_new_link_when_added_again(admin_client, project, client):
    first = link_path(add(admin_client, project, "ivy@example.com"))
    membership = Membership.objects.get(user__email="ivy@example.com")
    admin_client.post(reverse("team_remove", args=[project.public_id, membership.id]))
    second = link_path(add(admin_client, project, "ivy@example.com"))
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_it_signs_in_with_the_new_password(admin_client, project, client):
    path = link_path(add(admin_client, project, "jay@example.com"))
    client.post(path, {"password1": PASSWORD + "-j", "password2": PASSWORD + "-j"})
    client.logout()
    response = client.post(
        reverse("signin"), {"email": "jay@example.com", "password": PASSWORD + "-j"}
    )
    assert response.status_code == 302
