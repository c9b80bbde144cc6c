"""Create an access from the command line and print its one-time values as JSON."""

import contextlib
import json
import uuid
from datetime import UTC, datetime, time

from django.core.management.base import BaseCommand, CommandError

from accesskeys.services.access import (
    OBJECT_LOCK_NAMES,
    PERMISSION_NAMES,
    AccessChoices,
    AccessError,
    create_access,
    restrictions_of,
)
from console import audit
from console.models import AuditEvent, Project, User

TYPES = {"s3": "s3", "access-grant": "access_grant", "api-key": "api_key"}


def comma_list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


class Command(BaseCommand):
    help = "Create an access key in a project and print the one-time values as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="Project name (or public id).")
        parser.add_argument("--user", required=True, help="Email of a member of the project.")
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True, choices=sorted(TYPES))
        parser.add_argument("--description", default="")
        parser.add_argument("--full-access", action="store_true")
        parser.add_argument(
            "--permissions", help=f"Comma-separated, from: {','.join(PERMISSION_NAMES)}."
        )
        parser.add_argument(
            "--object-lock", help=f"Comma-separated, from: {','.join(OBJECT_LOCK_NAMES)}."
        )
        parser.add_argument("--buckets", help="Comma-separated bucket names (default: all).")
        parser.add_argument(
            "--expires", help="YYYY-MM-DD: the key stops working at its start (UTC)."
        )
        parser.add_argument("--passphrase", help="The encryption passphrase to derive from.")
        parser.add_argument("--generate-passphrase", action="store_true")

    def handle(self, *args, **options):
        user = User.objects.filter(email=options["user"].lower()).first()
        if user is None:
            raise CommandError(f"No user with the email {options['user']}.")
        project = self.find_project(options["project"], user)
        advanced = any(options[o] for o in ("permissions", "object_lock", "buckets", "expires"))
        if options["full_access"] and advanced:
            raise CommandError(
                "--full-access cannot be combined with --permissions, "
                "--object-lock, --buckets or --expires."
            )
        if options["passphrase"] and options["generate_passphrase"]:
            raise CommandError("Use either --passphrase or --generate-passphrase, not both.")

        choices = AccessChoices(
            name=options["name"],
            type=TYPES[options["type"]],
            description=options["description"],
            full_access=not advanced,
            # A list given but empty (",,,") is an empty choice, refused as such.
            permissions=frozenset(
                p.lower()
                for p in (
                    comma_list(options["permissions"])
                    if options["permissions"] is not None
                    else PERMISSION_NAMES
                )
            ),
            object_lock=frozenset(comma_list(options["object_lock"])),
            buckets=tuple(comma_list(options["buckets"]))
            if options["buckets"] is not None
            else None,
            expires_at=self.parse_date(options["expires"]),
            passphrase_choice="generate" if options["generate_passphrase"] else "current",
            passphrase=options["passphrase"],
            user_agent="manage.py create_access",
        )
        try:
            created = create_access(project, user, choices)
        except AccessError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.errors.items()
            )
            raise CommandError(f"The access was not created. {problems}") from None
        audit.write(
            AuditEvent.Action.ACCESS_CREATED,
            project=project,
            actor=user,
            user_agent=choices.user_agent,
            **restrictions_of(created.access_key),
        )

        values = {
            "access_key": created.s3_access_key,
            "secret_key": created.s3_secret_key,
            "endpoint": created.s3_endpoint,
            "access_grant": created.access_grant,
            "api_key": created.api_key if choices.type == "api_key" else None,
            "satellite_address": created.satellite_address if choices.type == "api_key" else None,
            "passphrase": created.generated_passphrase,
        }
        self.stdout.write(json.dumps({k: v for k, v in values.items() if v}, indent=2))

    def find_project(self, name: str, user):
        projects = Project.objects.filter(memberships__user=user)
        matches = list(projects.filter(name=name))
        if not matches:
            with contextlib.suppress(ValueError):  # not an id either
                matches = list(projects.filter(public_id=uuid.UUID(name)))
        if not matches:
            raise CommandError(f"{user.email} is not a member of a project named {name!r}.")
        if len(matches) > 1:
            ids = ", ".join(str(p.public_id) for p in matches)
            raise CommandError(f"Several projects are named {name!r}; give its id: {ids}.")
        return matches[0]

    def parse_date(self, value: str | None):
        if not value:
            return None
        try:
            day = datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            raise CommandError(f"--expires must be a date as YYYY-MM-DD, not {value!r}.") from None
        return datetime.combine(day, time.min, tzinfo=UTC)
