"""The audit log: every action writes its event, and no code path rewrites one."""

import pytest
from django.urls import reverse

from accesskeys.models import AccessKey, S3Credential
from console.models import AuditEvent, Membership
from tests.helpers.factories import PASSWORD, make_access_key
from tests.helpers.mail_server import mailed_link

UA = "AuditTest/2.0"
IP = "198.51.100.7"


def ctx():
    return {"HTTP_USER_AGENT": UA, "REMOTE_ADDR": IP}


def only_event(action) -> AuditEvent:
    event = AuditEvent.objects.get(action=action)
    assert event.ip_address == IP
    assert event.user_agent == UA
    return event


def test_it_records_sign_in_sign_out_and_failures(client, admin):
    client.post(reverse("signin"), {"email": admin.email, "password": "wrong"}, **ctx())
    failed = only_event("sign_in_failed")
    assert failed.actor is None and failed.actor_email == admin.email
    assert "wrong" not in str(failed.details)

    client.post(reverse("signin"), {"email": admin.email, "password": PASSWORD}, **ctx())
    signed_in = only_event("sign_in")
    assert signed_in.actor == admin and signed_in.actor_email == admin.email
    assert PASSWORD not in str(signed_in.details)

    client.post(reverse("signout"), **ctx())
    assert only_event("sign_out").actor == admin


def test_it_records_bucket_creation(admin_client, project, admin):
    admin_client.post(reverse("buckets", args=[project.public_id]), {"name": "media"}, **ctx())
    event = only_event("bucket_created")
    assert event.actor == admin and event.project == project
    assert event.details == {"bucket": "media", "object_lock": False}


@pytest.mark.usefixtures("mail_server")
def test_it_records_team_changes_with_actor_ip_and_agent(admin_client, project, admin, member):
    team = reverse("team", args=[project.public_id])
    admin_client.post(team, {"email": "new@example.com", "role": "member"}, **ctx())
    added = only_event("member_invited")
    admin_client.post(team, {"email": "new2@example.com", "role": "member"}, **ctx())
    token = mailed_link("new2@example.com").rstrip("/").rsplit("/", 1)[1]

    bob = Membership.objects.get(user=member)
    admin_client.post(
        reverse("team_role", args=[project.public_id, bob.id]), {"role": "admin"}, **ctx()
    )
    changed = only_event("role_changed")
    admin_client.post(reverse("team_remove", args=[project.public_id, bob.id]), **ctx())
    removed = only_event("member_removed")

    for event in [added, changed, removed]:
        assert event.actor == admin and event.actor_email == admin.email
        assert event.project == project
    # No event carries the one-time value.
    for event in AuditEvent.objects.all():
        assert token not in str(event.details) and token not in event.user_agent


def test_it_refuses_to_update_an_event(admin, project):
    event = AuditEvent.objects.create(project=project, actor=admin, action="sign_in")
    event.action = "sign_out"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(id=event.id).update(action="sign_out")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(project=project).update(user_agent="")
    assert AuditEvent.objects.get(id=event.id).action == "sign_in"


def test_it_refuses_to_delete_an_event(admin, project):
    event = AuditEvent.objects.create(project=project, actor=admin, action="sign_in")
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(id=event.id).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(id=event.id).exists()


def test_it_keeps_events_when_their_actor_goes_away(admin, project):
    AuditEvent.objects.create(
        project=project, actor=admin, actor_email=admin.email, action="sign_in"
    )
    admin.delete()
    event = AuditEvent.objects.get(action="sign_in")
    assert event.actor is None and event.actor_email == "alice@example.com"


class AuditDown(Exception):
    pass


@pytest.fixture
def failing_audit(monkeypatch):
    """The audit log refuses writes: the change it would record must not happen either."""

    def refuse(*args, **kwargs):
        raise AuditDown

    monkeypatch.setattr("console.audit.write", refuse)


def test_no_key_is_created_without_its_event(admin_client, project, failing_audit):
    data = {
        "step": "encryption",
        "name": "unrecorded",
        "type": "s3",
        "access": "full",
        "encryption": "current",
        "new_choice": "enter",
        "passphrase": "a passphrase",
        "seen": ["name", "access"],
    }
    url = reverse("accesskeys:new", args=[project.public_id])
    with pytest.raises(AuditDown):
        admin_client.post(url, data, headers={"HX-Request": "true"})
    assert not AccessKey.objects.exists() and not S3Credential.objects.exists()


def test_no_key_is_deleted_without_its_event(admin_client, project, admin, failing_audit):
    key = make_access_key(project, admin, "kept")
    url = reverse("accesskeys:delete", args=[project.public_id])
    with pytest.raises(AuditDown):
        admin_client.post(url, {"ids": [key.id]})
    key.refresh_from_db()
    assert key.revoked_at is None


def test_no_bucket_or_role_changes_without_its_event(admin_client, project, member, failing_audit):
    with pytest.raises(AuditDown):
        admin_client.post(reverse("buckets", args=[project.public_id]), {"name": "media"})
    assert not project.buckets.filter(name="media").exists()

    bob = Membership.objects.get(user=member)
    with pytest.raises(AuditDown):
        admin_client.post(reverse("team_role", args=[project.public_id, bob.id]), {"role": "admin"})
    with pytest.raises(AuditDown):
        admin_client.post(reverse("team_remove", args=[project.public_id, bob.id]))
    bob.refresh_from_db()
    assert bob.role == Membership.Role.MEMBER
