"""Print an access grant as `uplink access inspect` does."""

from django.core.management.base import BaseCommand, CommandError

from storjformat import uplink_inspect
from storjformat.errors import FormatError


class Command(BaseCommand):
    help = "Decode an access grant and print its fields as JSON, like `uplink access inspect`."

    def add_arguments(self, parser):
        parser.add_argument("grant", help="The serialized access grant.")

    def handle(self, *args, **options):
        try:
            text = uplink_inspect.inspect_json(options["grant"].strip())
        except FormatError as exc:
            raise CommandError(f"This is not a valid access grant: {exc}") from None
        self.stdout.write(text)
