"""The project settings page: Admins edit, Members read, outsiders see nothing."""

import pytest
from django.urls import reverse

from console.models import AuditEvent, Project


@pytest.fixture
def url(project):
    return reverse("project_settings", args=[project.public_id])


def test_it_is_in_the_side_menu(member_client, url, project):
    html = member_client.get(reverse("buckets", args=[project.public_id])).content.decode()
    assert f'href="{url}"' in html
    assert "Settings</a>" in html


def test_it_shows_the_project_to_an_admin_with_a_form(admin_client, url, project):
    r = admin_client.get(url)
    html = r.content.decode()
    assert r.status_code == 200
    assert 'name="name"' in html and 'value="Alpha"' in html
    assert 'name="description"' in html
    assert "Save changes" in html
    assert str(project.public_id) in html
    assert project.created_at.strftime("%b") in html
    assert "Self-Managed" in html
    assert "cannot be changed after the project is created" in html
    assert "derived from this project's passphrase" in html


def test_it_says_when_the_passphrase_is_automatic(admin_client, url, project):
    Project.objects.filter(pk=project.pk).update(passphrase_mode=Project.PassphraseMode.MANAGED)
    assert "Automatic" in admin_client.get(url).content.decode()


def test_it_shows_a_member_the_settings_read_only(member_client, url, project):
    r = member_client.get(url)
    html = r.content.decode()
    assert r.status_code == 200
    assert "Alpha" in html
    assert str(project.public_id) in html
    assert "Only project Admins can change these settings." in html
    assert 'name="name"' not in html
    assert "Save changes" not in html


def test_it_refuses_a_member_who_posts(member_client, url, project):
    r = member_client.post(url, {"name": "Hijacked", "description": ""})
    assert r.status_code == 403
    project.refresh_from_db()
    assert project.name == "Alpha"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PROJECT_UPDATED).exists()


def test_it_does_not_exist_for_outsiders(outsider_client, url, project):
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"name": "Hijacked"}).status_code == 404
    project.refresh_from_db()
    assert project.name == "Alpha"


def test_it_lets_an_admin_rename_and_describe(admin_client, admin, url, project):
    r = admin_client.post(url, {"name": "  Alpha Prime ", "description": "Production data"})
    assert r.status_code == 302 and r["Location"] == url
    project.refresh_from_db()
    assert project.name == "Alpha Prime"
    assert project.description == "Production data"

    event = AuditEvent.objects.get(action=AuditEvent.Action.PROJECT_UPDATED)
    assert event.project == project
    assert event.actor == admin
    assert event.details == {
        "name": {"from": "Alpha", "to": "Alpha Prime"},
        "description": {"from": "", "to": "Production data"},
    }
    page = admin_client.get(url).content.decode()
    assert "Project settings saved." in page
    # The switcher shows the new name.
    assert "Alpha Prime" in page


def test_it_records_nothing_when_nothing_changed(admin_client, url, project):
    admin_client.post(url, {"name": "Alpha", "description": ""})
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PROJECT_UPDATED).exists()


def test_it_requires_a_name(admin_client, url, project):
    r = admin_client.post(url, {"name": "", "description": "x"})
    assert r.status_code == 200
    assert "Enter a name for the project." in r.content.decode()
    project.refresh_from_db()
    assert project.name == "Alpha" and project.description == ""


def test_it_refuses_a_name_too_long(admin_client, url, project):
    r = admin_client.post(url, {"name": "n" * 101, "description": ""})
    assert "The name can be at most 100 characters (it has 101)." in r.content.decode()
    project.refresh_from_db()
    assert project.name == "Alpha"


def test_it_does_not_change_the_passphrase_mode(admin_client, url, project):
    admin_client.post(url, {"name": "Alpha", "description": "", "passphrase_mode": "managed"})
    project.refresh_from_db()
    assert project.passphrase_mode == Project.PassphraseMode.USER
