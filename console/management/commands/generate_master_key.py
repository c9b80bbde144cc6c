"""Print a new master key for the MASTER_KEYS setting."""

from django.core.management.base import BaseCommand, CommandError

from console.masterkeys import MasterKeyError, generate_master_key_value


class Command(BaseCommand):
    help = (
        "Print 'id:base64key' for a new 32-byte master key. To rotate, put it first in "
        "MASTER_KEYS (keep the old ones after it), then run rotate_master_keys."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--id", default="k1", help="The key's id, stored beside what it encrypts."
        )

    def handle(self, *args, **options):
        try:
            self.stdout.write(generate_master_key_value(options["id"]))
        except MasterKeyError as exc:
            raise CommandError(str(exc)) from None
