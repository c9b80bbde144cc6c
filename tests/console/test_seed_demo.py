import base64
from io import StringIO

import pytest
from django.contrib.auth import password_validation
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accesskeys.models import AccessKey
from console import keyring
from console.models import Bucket, Membership, Project, User
from storjformat import passphrase
from tests.helpers import PROJECT_DIR


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_demo_account_and_prints_how_to_sign_in(db):
    output = seed("--password", "pw-123456-demo")

    assert "demo@example.com" in output and "pw-123456-demo" in output and "/signin/" in output
    user = User.objects.get(email="demo@example.com")
    assert user.check_password("pw-123456-demo")
    project = Project.objects.get(name="Demo")
    assert project.passphrase_mode == Project.PassphraseMode.USER
    assert Membership.objects.get(user=user, project=project).role == "admin"
    buckets = {b.name: b.object_lock for b in Bucket.objects.filter(project=project)}
    assert buckets == {"photos": False, "backups": True, "logs": False}


def test_it_prints_a_random_password_when_none_is_given(db):
    output = seed()
    password = output.split("Password:")[1].split()[0]
    user = User.objects.get(email="demo@example.com")
    assert user.check_password(password)
    # It passes the validators every password form runs.
    password_validation.validate_password(password, user)


@pytest.mark.parametrize("password", [" " * 8, "98765432101", "demo@example.com"])
def test_it_refuses_a_weak_password_and_creates_nothing(db, password):
    with pytest.raises(CommandError, match="too weak"):
        seed("--password", password)
    assert not User.objects.exists() and not Project.objects.exists()


def test_it_changes_nothing_the_second_time_and_says_so(db):
    seed("--member-email", "m@example.com")
    counts = (User.objects.count(), Project.objects.count(), Bucket.objects.count())

    output = seed("--member-email", "m@example.com")

    assert "nothing changed" in output
    assert "Password" not in output
    assert (User.objects.count(), Project.objects.count(), Bucket.objects.count()) == counts


def test_it_adds_a_member_when_asked(db):
    seed(
        "--email",
        "a@example.com",
        "--member-email",
        "B@example.com",
        "--member-password",
        "members-password-1",
    )
    member = User.objects.get(email="b@example.com")
    assert member.memberships.get().role == "member"
    assert member.check_password("members-password-1")


def test_it_does_nothing_with_if_empty_when_users_exist(db):
    User.objects.create_user(email="someone@example.com", password="x")
    assert seed("--if-empty") == ""
    assert not Project.objects.exists()


def admin_projects(email="demo@example.com") -> dict[str, Project]:
    memberships = Membership.objects.filter(user__email=email, role=Membership.Role.ADMIN)
    return {m.project.name: m.project for m in memberships.select_related("project")}


def test_it_also_creates_an_automatic_project_with_the_same_buckets(db):
    seed()
    projects = admin_projects()
    assert set(projects) == {"Demo", "Demo (Automatic)"}
    assert projects["Demo"].managed_passphrase_encrypted is None
    automatic = projects["Demo (Automatic)"]
    assert automatic.is_managed
    assert automatic.managed_passphrase_key_id == keyring.current_master_key().id
    assert len(base64.b64decode(keyring.managed_passphrase(automatic))) == 32
    buckets = {b.name: b.object_lock for b in Bucket.objects.filter(project=automatic)}
    assert buckets == {"photos": False, "backups": True, "logs": False}


def test_it_leaves_two_projects_of_three_buckets_when_run_twice(db):
    seed()
    passphrase = keyring.managed_passphrase(admin_projects()["Demo (Automatic)"])
    seed()
    projects = admin_projects()
    assert Project.objects.count() == 2
    assert [p.buckets.count() for p in projects.values()] == [3, 3]
    # The managed passphrase is kept, or the keys issued in between would stop matching.
    assert keyring.managed_passphrase(projects["Demo (Automatic)"]) == passphrase


def printed(output: str, label: str) -> str:
    return output.split(f"{label}:")[1].splitlines()[0].strip()


def test_it_prints_a_passphrase_for_the_demo_project_once(db):
    output = seed()
    words = printed(output, "Passphrase")
    assert len(words.split()) == 12 and passphrase.is_valid_mnemonic(words)
    assert "Any passphrase is accepted" in output
    # Never stored: a Self-Managed project keeps no passphrase.
    project = admin_projects()["Demo"]
    assert project.managed_passphrase_encrypted is None
    assert "Passphrase" not in seed()


def test_it_prints_the_passphrase_it_is_given(db):
    output = seed("--passphrase", "my demo passphrase")
    assert printed(output, "Passphrase") == "my demo passphrase"


def test_the_quick_start_prints_what_a_new_user_needs_and_it_works(db):
    """`bin/run` seeds as below; what it prints signs in and makes an access."""
    run_script = (PROJECT_DIR / "bin" / "run").read_text()
    assert "manage.py seed_demo --if-empty --url" in run_script
    output = seed("--if-empty", "--url", "http://127.0.0.1:8000/")
    assert printed(output, "Sign in at") == "http://127.0.0.1:8000/signin/"

    client = Client()
    signin = {"email": printed(output, "Email"), "password": printed(output, "Password")}
    response = client.post("/signin/", signin, follow=True)
    assert response.status_code == 200 and response.wsgi_request.user.is_authenticated
    demo = admin_projects()["Demo"]
    created = client.post(
        reverse("accesskeys:new", args=[demo.public_id]),
        {
            "step": "encryption",
            "name": "first",
            "type": "access_grant",
            "access": "full",
            "encryption": "current",
            "new_choice": "enter",
            "passphrase": printed(output, "Passphrase"),
        },
        headers={"HX-Request": "true"},
    )
    assert "Access created" in created.content.decode()
    assert AccessKey.objects.get(name="first").project == demo
