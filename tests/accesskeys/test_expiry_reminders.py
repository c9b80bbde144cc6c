"""send_expiry_reminders: each live key's creator hears 7 days and 1 day before the
key expires, once per threshold, even from two processes at once; deleted keys
and projects that turned reminders off are left out."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accesskeys import reminders
from accesskeys.models import ExpiryReminder
from console.models import AuditEvent, Membership
from tests.helpers import PROJECT_DIR
from tests.helpers.factories import make_access_key, make_user


@pytest.fixture
def now():
    return timezone.now()


def key(project, user, name, expires_in):
    return make_access_key(project, user, name, not_after=timezone.now() + expires_in)


def run() -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_expiry_reminders", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_mails_each_creator_once_listing_their_keys(
    project, other_project, admin, member, mail_server, settings
):
    settings.CONSOLE_URL = "https://console.example.com"
    Membership.objects.create(user=admin, project=other_project, role="admin")
    soon = key(project, admin, "deploy-bot", timedelta(days=5))
    sooner = key(other_project, admin, "nightly-backup", timedelta(hours=20))
    key(project, admin, "far-away", timedelta(days=30))
    make_access_key(project, admin, "forever")
    key(project, admin, "already-expired", timedelta(hours=-1))
    key(project, admin, "deleted", timedelta(days=2)).__class__.objects.filter(
        name="deleted"
    ).update(revoked_at=timezone.now())
    bobs = key(project, member, "bobs-key", timedelta(days=6))

    assert run() == "Sent 2 reminder mails about 3 keys.\n"
    [alice_mail] = mail_server.to(admin.email)
    [bob_mail] = mail_server.to(member.email)
    text = alice_mail.text
    assert "nightly-backup" in text and "deploy-bot" in text
    for absent in ["far-away", "forever", "already-expired", "deleted", "bobs-key"]:
        assert absent not in text
    assert text.index("nightly-backup") < text.index("deploy-bot")  # soonest first
    assert "2 of your access keys expire" in alice_mail.subject
    detail = reverse("accesskeys:detail", args=[project.public_id, soon.id])
    assert f"https://console.example.com{detail}" in alice_mail.links()
    assert f'href="https://console.example.com{detail}"' in alice_mail.html
    assert "Alpha" in text and "Other" in text
    assert f"“{bobs.name}” expires" in bob_mail.subject
    assert "turn these reminders off in its Settings" in bob_mail.text
    assert sooner  # reminded at the 1-day threshold


def test_a_second_run_sends_nothing_new(project, admin, mail_server):
    key(project, admin, "deploy-bot", timedelta(days=5))
    run()
    assert run() == "Sent 0 reminder mails about 0 keys.\n"
    assert len(mail_server.messages) == 1


def test_it_reminds_again_one_day_before(project, admin, mail_server, monkeypatch):
    expiring = key(project, admin, "deploy-bot", timedelta(days=5))
    run()
    later = expiring.not_after - timedelta(hours=12)
    monkeypatch.setattr(timezone, "now", lambda: later)
    run()
    run()
    assert len(mail_server.messages) == 2
    assert sorted(ExpiryReminder.objects.values_list("days_before", flat=True)) == [1, 7]


def test_a_project_can_turn_reminders_off(admin_client, project, admin, mail_server):
    key(project, admin, "deploy-bot", timedelta(days=5))
    response = admin_client.post(
        reverse("project_expiry_reminders", args=[project.public_id]), follow=True
    )
    assert "No more expiry reminders for this project" in response.content.decode()
    project.refresh_from_db()
    assert not project.expiry_reminders
    event = AuditEvent.objects.get(action="project_updated")
    assert event.details == {"expiry_reminders": False}
    run()
    assert not mail_server.messages

    admin_client.post(
        reverse("project_expiry_reminders", args=[project.public_id]), {"expiry_reminders": "on"}
    )
    run()
    assert len(mail_server.messages) == 1


def test_settings_show_the_switch_to_admins_only(admin_client, member_client, project):
    url = reverse("project_settings", args=[project.public_id])
    assert "Save reminders" in admin_client.get(url).content.decode()
    html = member_client.get(url).content.decode()
    assert "Expiry reminders" in html and "Save reminders" not in html
    response = member_client.post(reverse("project_expiry_reminders", args=[project.public_id]))
    assert response.status_code == 403


def test_a_key_deleted_meanwhile_is_not_mentioned(project, admin, mail_server, monkeypatch):
    kept = key(project, admin, "kept", timedelta(days=3))
    gone = key(project, admin, "gone", timedelta(days=3))
    claim = reminders._claim

    def claim_then_delete(now, run_id):
        claimed = claim(now, run_id)
        gone.__class__.objects.filter(id=gone.id).update(revoked_at=timezone.now())
        return claimed

    monkeypatch.setattr(reminders, "_claim", claim_then_delete)
    run()
    [mail] = mail_server.messages
    assert kept.name in mail.text and "gone" not in mail.text


def test_a_key_given_another_expiry_meanwhile_is_not_mentioned(
    project, admin, mail_server, monkeypatch
):
    kept = key(project, admin, "kept", timedelta(days=3))
    renewed = key(project, admin, "renewed", timedelta(days=3))
    claim = reminders._claim

    def claim_then_renew(now, run_id):
        claimed = claim(now, run_id)
        renewed.__class__.objects.filter(id=renewed.id).update(
            not_after=timezone.now() + timedelta(days=90)
        )
        return claimed

    monkeypatch.setattr(reminders, "_claim", claim_then_renew)
    run()
    [mail] = mail_server.messages
    assert kept.name in mail.text and "renewed" not in mail.text


def test_a_former_member_is_not_mailed(project, admin, member, mail_server):
    key(project, member, "bobs-key", timedelta(days=3))
    Membership.objects.filter(user=member).delete()
    run()
    assert not mail_server.messages


def test_a_mail_that_cannot_go_is_tried_again_next_run(project, admin, settings, mail_server):
    key(project, admin, "deploy-bot", timedelta(days=5))
    good = {name: getattr(settings, name) for name in ("EMAIL_PORT",)}
    settings.EMAIL_PORT = 1  # nothing listens there
    result = reminders.send_due_reminders()
    assert result.failed == 1 and result.mails == 0
    assert ExpiryReminder.objects.get().claimed_at is None
    settings.EMAIL_PORT = good["EMAIL_PORT"]
    assert reminders.send_due_reminders().mails == 1
    assert len(mail_server.messages) == 1


def database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    return (
        f"postgresql://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:{params['PORT']}"
        f"/{params['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_two_processes_at_once_send_each_reminder_once(project, mail_server):
    people = [make_user(f"person{i}@example.com") for i in range(8)]
    for i, person in enumerate(people):
        Membership.objects.create(user=person, project=project, role="member")
        for n in range(5):
            key(project, person, f"key-{i}-{n}", timedelta(days=1 + n, hours=i))
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": mail_server.url,
        "SSL_CERT_FILE": str(mail_server.certificate),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    command = [sys.executable, "manage.py", "send_expiry_reminders"]
    processes = [
        subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()
    # Every person got one mail, listing their five keys: no mail twice, no key left out.
    assert sorted(r for m in mail_server.messages for r in m.recipients) == sorted(
        p.email for p in people
    )
    for mail in mail_server.messages:
        assert mail.text.count("key-") == 5
    assert ExpiryReminder.objects.filter(sent_at__isnull=False).count() == 40
