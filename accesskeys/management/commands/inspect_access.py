"""Print an access grant as `uplink access inspect` does."""

import json

from django.core.management.base import BaseCommand, CommandError

from accesskeys.services import grant
from accesskeys.services.errors import FormatError


class Command(BaseCommand):
    help = "Decode an access grant and print its fields as JSON, like `uplink access inspect`."

    def add_arguments(self, parser):
        parser.add_argument("grant", help="The serialized access grant.")

    def handle(self, *args, **options):
        try:
            fields = grant.inspect(options["grant"].strip())
        except FormatError as exc:
            raise CommandError(f"This is not a valid access grant: {exc}") from None
        self.stdout.write(json.dumps(fields, indent=2))
