"""Create an access from the command line and print its one-time values as JSON."""

import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accesskeys import permissions
from accesskeys.credential_types import BY_COMMAND_NAME
from accesskeys.services.access_create import create_access
from accesskeys.services.access_input import AccessInput, parse_create
from console.audit import Origin
from console.membership import project_named
from console.models import Project, User

ORIGIN = Origin(user_agent="manage.py create_access", channel="command")


def comma_list(value: str | None) -> list[str] | None:
    """None when the option is absent; a list (maybe empty: an empty choice) when given."""
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def problems(error: ValidationError) -> str:
    return "; ".join(
        f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
    )


class Command(BaseCommand):
    help = (
        "Create an access key in a project and print the one-time values as JSON. "
        "Without --permissions, --object-lock, --notification, --buckets, --prefix, "
        "--max-object-ttl or --expires it has Full Access; with any of them it is "
        "restricted to what they name (an empty list is an empty choice, refused for "
        "permissions and buckets)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="Project name (or public id).")
        parser.add_argument("--user", required=True, help="Email of a member of the project.")
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True, choices=sorted(BY_COMMAND_NAME))
        parser.add_argument("--description", default="")
        parser.add_argument(
            "--full-access",
            action="store_true",
            help="Full Access (the default without restrictions); refused with any of them.",
        )
        basic = ",".join(permissions.names(permissions.BASIC))
        parser.add_argument(
            "--permissions", help=f"Comma-separated, spelled exactly: {basic} (default: all)."
        )
        object_lock = ",".join(permissions.names(permissions.OBJECT_LOCK))
        parser.add_argument(
            "--object-lock", help=f"Comma-separated, spelled exactly: {object_lock}."
        )
        notification = ",".join(permissions.names(permissions.NOTIFICATION))
        parser.add_argument(
            "--notification",
            help=f"Bucket notification permissions, comma-separated, spelled exactly: "
            f"{notification}. A restricted key refuses both unless named.",
        )
        parser.add_argument("--buckets", help="Comma-separated bucket names (default: all).")
        parser.add_argument(
            "--prefix",
            action="append",
            metavar="BUCKET/PREFIX",
            help="Only objects under this prefix of this bucket, e.g. photos/2026/; repeat "
            "for more (at most 10). The bucket joins --buckets.",
        )
        parser.add_argument(
            "--max-object-ttl",
            metavar="12h|30d",
            help="Objects uploaded with the key expire after at most this many hours or days.",
        )
        parser.add_argument(
            "--expires", help="YYYY-MM-DD: the key stops working at its start (UTC)."
        )
        parser.add_argument("--passphrase", help="The encryption passphrase to derive from.")
        parser.add_argument("--generate-passphrase", action="store_true")

    def handle(self, *args, **options):
        user = User.objects.filter(email=options["user"].lower()).first()
        if user is None:
            raise CommandError(f"No user with the email {options['user']}.")
        try:
            project = project_named(options["project"], user)
        except Project.DoesNotExist as exc:
            raise CommandError(str(exc)) from None
        try:
            request = parse_create(self.access_input(options))
            created = create_access(project, user, request, ORIGIN)
        except ValidationError as exc:
            raise CommandError(f"The access was not created. {problems(exc)}") from None
        values = {k: v for k, v in created.one_time_values().items() if v}
        self.stdout.write(json.dumps(values, indent=2))

    def access_input(self, options) -> AccessInput:
        """The options as they were given: the parser owns what they mean."""
        return AccessInput(
            name=options["name"],
            type=options["type"],
            description=options["description"],
            full_access=True if options["full_access"] else None,
            permissions=comma_list(options["permissions"]),
            object_lock=comma_list(options["object_lock"]),
            notification=comma_list(options["notification"]),
            buckets=comma_list(options["buckets"]),
            paths=options["prefix"],
            max_object_ttl=options["max_object_ttl"],
            expires=self.parse_date(options["expires"]),
            passphrase=options["passphrase"],
            generate_passphrase=options["generate_passphrase"],
        )

    def parse_date(self, value: str | None):
        if value is None:
            return None
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            raise CommandError(f"--expires must be a date as YYYY-MM-DD, not {value!r}.") from None
