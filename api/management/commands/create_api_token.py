"""Create a personal API token for a user in one of their projects, and print it."""

from django.core.management.base import BaseCommand, CommandError

from accesskeys.management.commands.create_access import Command as CreateAccessCommand
from api import tokens
from console import mail, two_factor
from console.models import User

MAX_DAYS = 3650


class Command(BaseCommand):
    help = (
        "Create an API token that acts as USER in PROJECT, with their role there, and print it "
        "(once: only its hash is stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Email of a member of the project.")
        parser.add_argument("--project", required=True, help="Project name (or public id).")
        parser.add_argument("--name", default="", help="Name of the token (default: script).")
        parser.add_argument(
            "--expires",
            type=int,
            metavar="DAYS",
            help=f"Days until the token stops working, 1 to {MAX_DAYS} (default: never).",
        )

    def handle(self, *args, **options):
        user = User.objects.filter(email=options["user"].lower()).first()
        if user is None:
            raise CommandError(f"No user with the email {options['user']}.")
        if not user.is_active:
            raise CommandError(f"{user.email} is deactivated.")
        project = CreateAccessCommand().find_project(options["project"], user)
        if options["expires"] is not None and not 1 <= options["expires"] <= MAX_DAYS:
            raise CommandError(f"--expires must be a number of days from 1 to {MAX_DAYS}.")
        name = options["name"].strip() or "script"
        if len(name) > 100:
            raise CommandError("--name can be at most 100 characters long.")
        if two_factor.missing_for(project, user):
            raise CommandError(two_factor.tokens_refused_message(project))
        _, plaintext = tokens.issue(
            user, project, name, options["expires"], user_agent="manage.py create_api_token"
        )
        mail.send_notice(
            None,
            user,
            "security_notice",
            {"event": "api_token", "token_name": name, "project_name": project.name},
        )
        self.stdout.write(plaintext)
