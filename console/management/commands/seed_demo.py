"""Create the demo account and projects. Running it again changes nothing."""

import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from mnemonic import Mnemonic

from console import keyring
from console.models import Bucket, Membership, Project, User

DEMO_PROJECT = "Demo"
# The same buckets in a project of each passphrase mode.
DEMO_PROJECTS = [
    (DEMO_PROJECT, "Demo project", Project.PassphraseMode.USER),
    ("Demo (Automatic)", "Demo project, server-managed passphrase", Project.PassphraseMode.MANAGED),
]
DEMO_BUCKETS = [("photos", False), ("backups", True), ("logs", False)]


class Command(BaseCommand):
    help = (
        "Create a demo user who is Admin of the projects 'Demo' (Self-Managed passphrase) "
        "and 'Demo (Automatic)', each with three buckets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="demo@example.com")
        parser.add_argument("--password", help="Default: a random password, printed once.")
        parser.add_argument(
            "--passphrase",
            help=f"The encryption passphrase to print for {DEMO_PROJECT!r}. "
            "Default: 12 random words, printed once.",
        )
        parser.add_argument(
            "--member-email", help=f"Also add this user as a Member of {DEMO_PROJECT!r}."
        )
        parser.add_argument("--member-password")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users (for the run script).",
        )
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="The console's address to print."
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if options["if_empty"] and User.objects.exists():
            self.print_how_to_sign_in(options)
            return
        changes = []
        admin, password = self.ensure_user(options["email"], options["password"], changes)
        projects = []
        passphrase = None
        for name, description, mode in DEMO_PROJECTS:
            project, project_created = self.ensure_project(admin, name, description, mode, changes)
            if name == DEMO_PROJECT and project_created:
                # A Self-Managed project stores no passphrase: this is only the one
                # to use, printed with the account so the demo's keys all match.
                passphrase = options["passphrase"] or Mnemonic("english").generate(strength=128)
            self.ensure_membership(admin, project, Membership.Role.ADMIN, changes)
            for bucket, object_lock in DEMO_BUCKETS:
                _, created = Bucket.objects.get_or_create(
                    project=project, name=bucket, defaults={"object_lock": object_lock}
                )
                if created:
                    changes.append(f"bucket {bucket} in {name}")
            projects.append(project)

        member_password = None
        if options["member_email"]:
            member, member_password = self.ensure_user(
                options["member_email"], options["member_password"], changes
            )
            self.ensure_membership(member, projects[0], Membership.Role.MEMBER, changes)

        if not changes:
            self.stdout.write(
                f"The demo account {admin.email} and its projects already exist; nothing changed."
            )
            return

        # One line per thing made: a list reads better than one long sentence.
        self.stdout.write(self.style.SUCCESS("Demo account ready. Created:"))
        for change in changes:
            self.stdout.write(f"  - {change}")
        self.stdout.write(f"  Sign in at: {options['url'].rstrip('/')}/signin/")
        self.stdout.write(f"  Email:      {admin.email}")
        if password:
            self.stdout.write(f"  Password:   {password}")
        if passphrase:
            self.stdout.write(f"  Passphrase: {passphrase}")
            self.stdout.write(
                f"              for the {DEMO_PROJECT!r} project's access keys (New Access, "
                "Encryption step). Any passphrase is accepted, but data written with one "
                "is readable only with the same one."
            )
        if member_password:
            self.stdout.write(f"  Member:     {options['member_email']} / {member_password}")

    def print_how_to_sign_in(self, options):
        """On a later run (bin/run again): where to sign in, and how to get back in."""
        email = options["email"].strip().lower()
        self.stdout.write(f"Sign in at: {options['url'].rstrip('/')}/signin/")
        try:
            # Checked first: PostgreSQL refuses a NUL byte in a query's text.
            validate_email(email)
            known = User.objects.filter(email=email).exists()
        except ValidationError:
            known = False
        account = email if known else "EMAIL"
        if account == email:
            self.stdout.write(f"  Demo account: {email} (its password was printed on first run)")
        self.stdout.write(
            "  Forgot a password? Set a new one with:\n"
            f"    .venv/bin/python manage.py changepassword {account}"
        )

    def ensure_user(self, email, password, changes):
        """Return the user and, when it was created here, its password."""
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address.") from None
        if len(email) > User._meta.get_field("email").max_length:
            raise CommandError(f"{email!r} is not a valid email address: it is too long.")
        user = User.objects.filter(email=email).first()
        if user is not None:
            return user, None
        # 16 random characters: past every validator, as a given password must be.
        password = password or secrets.token_urlsafe(12)
        try:
            password_validation.validate_password(password, User(email=email))
        except ValidationError as exc:
            problems = " ".join(exc.messages)
            raise CommandError(f"The password for {email} is too weak: {problems}") from None
        user = User.objects.create_user(email=email, password=password)
        changes.append(f"user {email}")
        return user, password

    def ensure_project(self, admin, name, description, mode, changes):
        project = Project.objects.filter(
            name=name, memberships__user=admin, memberships__role=Membership.Role.ADMIN
        ).first()
        if project is not None:
            return project, False
        project = Project(name=name, description=description, passphrase_mode=mode)
        if project.is_managed:
            keyring.new_managed_passphrase(project)
        project.save()
        changes.append(f"project {name}")
        return project, True

    def ensure_membership(self, user, project, role, changes):
        _, created = Membership.objects.get_or_create(
            user=user, project=project, defaults={"role": role}
        )
        if created:
            changes.append(f"{user.email} as {role}")
