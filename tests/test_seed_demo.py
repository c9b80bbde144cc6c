"""seed_demo: a demo admin with a Self-Managed and an Automatic project."""

from io import StringIO

from django.core.management import call_command

from accesskeys import keyring
from console.models import Membership, Project, User


def seed(*args):
    out = StringIO()
    call_command("seed_demo", "--password", "demo-password", *args, stdout=out)
    return out.getvalue()


def demo_projects():
    admin = User.objects.get(email="demo@example.com")
    memberships = Membership.objects.filter(user=admin, role=Membership.Role.ADMIN)
    return {m.project.name: m.project for m in memberships.select_related("project")}


def test_it_creates_a_project_of_each_passphrase_mode(db):
    seed()
    projects = demo_projects()
    assert set(projects) == {"Demo", "Demo (Automatic)"}
    assert projects["Demo"].passphrase_mode == Project.PassphraseMode.USER
    assert projects["Demo"].managed_passphrase_encrypted is None
    automatic = projects["Demo (Automatic)"]
    assert automatic.is_managed
    assert automatic.managed_passphrase_key_id == keyring.current_master_key().id
    assert keyring.managed_passphrase(automatic)
    for project in projects.values():
        assert sorted(project.buckets.values_list("name", "object_lock")) == [
            ("backups", True),
            ("logs", False),
            ("photos", False),
        ]


def test_it_changes_nothing_when_run_twice(db):
    seed("--member-email", "member@example.com", "--member-password", "member-password")
    passphrase = keyring.managed_passphrase(demo_projects()["Demo (Automatic)"])
    out = seed("--member-email", "member@example.com")
    assert "nothing changed" in out
    projects = demo_projects()
    assert Project.objects.count() == 2
    assert all(p.buckets.count() == 3 for p in projects.values())
    assert keyring.managed_passphrase(projects["Demo (Automatic)"]) == passphrase
    member = User.objects.get(email="member@example.com")
    assert set(member.memberships.values_list("project__name", "role")) == {
        ("Demo", "member"),
        ("Demo (Automatic)", "member"),
    }


def test_it_does_nothing_with_if_empty_when_users_exist(db):
    User.objects.create_user(email="someone@example.com", password="x")
    seed("--if-empty")
    assert not Project.objects.exists()
