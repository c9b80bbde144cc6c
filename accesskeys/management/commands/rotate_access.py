"""Rotate an access from the command line and print the new one-time values as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError

from accesskeys.management.commands.create_access import Command as CreateAccessCommand
from accesskeys.models import AccessKey
from accesskeys.services import rotation
from accesskeys.services.access import AccessError
from console.audit import Origin
from console.models import User

ORIGIN = Origin(user_agent="manage.py rotate_access")


class Command(BaseCommand):
    help = (
        "Replace an access key by a new one with the same type, restrictions and expiration. "
        "The new key takes the name; the old one is renamed '<name> (replaced <date>)' and "
        "keeps working until the overlap ends. Prints the new one-time values as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="Project name (or public id).")
        parser.add_argument("--user", required=True, help="Email of a member of the project.")
        parser.add_argument("--access", required=True, help="The access key's name (or id).")
        parser.add_argument(
            "--overlap",
            default=rotation.DEFAULT_OVERLAP,
            choices=[o.code for o in rotation.OVERLAPS],
            help="How long the old key keeps working (default: %(default)s).",
        )
        parser.add_argument("--passphrase", help="The encryption passphrase to derive from.")
        parser.add_argument("--generate-passphrase", action="store_true")

    def handle(self, *args, **options):
        if options["passphrase"] and options["generate_passphrase"]:
            raise CommandError("Use either --passphrase or --generate-passphrase, not both.")
        user = User.objects.filter(email=options["user"].lower()).first()
        if user is None:
            raise CommandError(f"No user with the email {options['user']}.")
        creating = CreateAccessCommand()
        project = creating.find_project(options["project"], user)
        key = self.find_key(project, options["access"])
        try:
            rotated = rotation.rotate_access(
                project,
                user,
                key.id,
                overlap=options["overlap"],
                passphrase_choice="generate" if options["generate_passphrase"] else "current",
                passphrase=options["passphrase"],
                origin=ORIGIN,
            )
        except AccessError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
                for field, messages in exc.errors.items()
            )
            raise CommandError(f"The access was not rotated. {problems}") from None
        out = creating.output(rotated.created)
        out["replaced"] = rotated.replaced.name
        out["replaced_until"] = rotated.replaced.not_after.isoformat()
        self.stdout.write(json.dumps(out, indent=2))

    def find_key(self, project, name: str) -> AccessKey:
        live = AccessKey.objects.not_revoked().filter(project=project)
        key = live.filter(name=name).first()
        if key is None and name.isascii() and name.isdecimal() and len(name) <= 18:
            key = live.filter(id=int(name)).first()
        if key is None:
            raise CommandError(f"{project.name} has no access key named {name!r}.")
        return key
