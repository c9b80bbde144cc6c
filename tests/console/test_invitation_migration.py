"""Upgrading a database from before invitations needed the link: a member whose
account never had a password was never really in the project, so the upgrade
leaves them as a pending invitation (same link, same role) or not at all, and
another project's link cannot take the account over into our project."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("console", "0001_initial")]
AFTER = [("console", "0002_invitation_by_email")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_it_turns_passwordless_members_into_pending_invitations():
    old = migrate(BEFORE)
    User = old.get_model("console", "User")
    Project = old.get_model("console", "Project")
    Membership = old.get_model("console", "Membership")
    Invitation = old.get_model("console", "Invitation")

    project = Project.objects.create(name="Alpha")
    admin = User.objects.create(email="alice@example.com", password="pbkdf2_sha256$x")
    pending = User.objects.create(email="erin@example.com", password="!unusable")
    lapsed = User.objects.create(email="finn@example.com", password="!unusable")
    Membership.objects.create(user=admin, project=project, role="admin")
    Membership.objects.create(user=pending, project=project, role="admin")
    Membership.objects.create(user=lapsed, project=project, role="member")
    later = timezone.now() + timedelta(hours=1)
    Invitation.objects.create(
        user=pending, project=project, created_by=admin, token_hash="a" * 64, expires_at=later
    )

    new = migrate(AFTER)
    Membership = new.get_model("console", "Membership")
    Invitation = new.get_model("console", "Invitation")
    members = set(Membership.objects.values_list("user__email", flat=True))
    assert members == {"alice@example.com"}
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.token_hash) == (
        "erin@example.com",
        "admin",
        "a" * 64,
    )


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    yield
    call_command("migrate", verbosity=0)
