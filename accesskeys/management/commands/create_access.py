"""Create an access from the command line and print its one-time values as JSON."""

import contextlib
import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accesskeys import permissions
from accesskeys.credential_types import BY_COMMAND_NAME
from accesskeys.services.access import (
    AccessError,
    CreateAccessRequest,
    create_access,
    parse_bucket_prefix,
    parse_object_ttl,
)
from console.audit import Origin
from console.models import Project, User

ORIGIN = Origin(user_agent="manage.py create_access")


def comma_list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def permission_names(values: list[str]) -> frozenset[str]:
    """Names in any case; unknown ones are kept for the service to name in its error."""
    return frozenset(permissions.name_for(value) or value for value in values)


class Command(BaseCommand):
    help = "Create an access key in a project and print the one-time values as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="Project name (or public id).")
        parser.add_argument("--user", required=True, help="Email of a member of the project.")
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True, choices=sorted(BY_COMMAND_NAME))
        parser.add_argument("--description", default="")
        parser.add_argument("--full-access", action="store_true")
        basic = ",".join(permissions.names(permissions.BASIC))
        parser.add_argument("--permissions", help=f"Comma-separated, from: {basic}.")
        object_lock = ",".join(permissions.names(permissions.OBJECT_LOCK))
        parser.add_argument("--object-lock", help=f"Comma-separated, from: {object_lock}.")
        notification = ",".join(permissions.names(permissions.NOTIFICATION))
        parser.add_argument(
            "--notification",
            help=f"Bucket notification permissions, comma-separated, from: {notification}. "
            "A restricted key refuses both unless named.",
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
        project = self.find_project(options["project"], user)
        try:
            created = create_access(project, user, self.access_request(options), ORIGIN)
        except AccessError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.errors.items()
            )
            raise CommandError(f"The access was not created. {problems}") from None
        self.stdout.write(json.dumps(self.output(created), indent=2))

    def access_request(self, options) -> CreateAccessRequest:
        """The same request the dialog builds, from the command's options."""
        restrictions = (
            "permissions",
            "object_lock",
            "notification",
            "buckets",
            "prefix",
            "max_object_ttl",
            "expires",
        )
        advanced = any(options[o] for o in restrictions)
        if options["full_access"] and advanced:
            raise CommandError(
                "--full-access cannot be combined with --permissions, "
                "--object-lock, --notification, --buckets, --prefix, --max-object-ttl "
                "or --expires."
            )
        if options["passphrase"] and options["generate_passphrase"]:
            raise CommandError("Use either --passphrase or --generate-passphrase, not both.")
        request = CreateAccessRequest(
            name=options["name"],
            type=BY_COMMAND_NAME[options["type"]].value,
            description=options["description"],
            full_access=not advanced,
            passphrase_choice="generate" if options["generate_passphrase"] else "current",
            passphrase=options["passphrase"],
        )
        if not advanced:
            return request
        # A list given but empty (",,,") is an empty choice, which the service refuses.
        chosen = (
            comma_list(options["permissions"])
            if options["permissions"] is not None
            else list(permissions.DEFAULT)
        )
        buckets = options["buckets"]
        try:
            prefixes = tuple(parse_bucket_prefix(text) for text in options["prefix"] or ())
            ttl = parse_object_ttl(options["max_object_ttl"])
        except ValidationError as exc:
            raise CommandError(f"The access was not created. {' '.join(exc.messages)}") from None
        return replace(
            request,
            permissions=permission_names(
                chosen + comma_list(options["object_lock"]) + comma_list(options["notification"])
            ),
            buckets=tuple(comma_list(buckets)) if buckets is not None else None,
            expires_at=self.parse_date(options["expires"]),
            prefixes=prefixes,
            max_object_ttl=ttl,
        )

    def output(self, created) -> dict:
        """The one-time values under stable JSON keys: what the type's result shows,
        and the grant behind S3 credentials too."""
        shown = {item.attribute for item in created.credential_type.result}
        out = {
            "access_key": created.s3_access_key,
            "secret_key": created.s3_secret_key,
            "endpoint": created.s3_endpoint,
            "access_grant": created.access_grant,
            "api_key": created.api_key if "api_key" in shown else None,
            "satellite_address": created.satellite_address
            if "satellite_address" in shown
            else None,
            "passphrase": created.generated_passphrase,
        }
        return {k: v for k, v in out.items() if v}

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
