"""Mail each live key's creator 7 days and 1 day before the key expires."""

from django.core.management.base import BaseCommand

from accesskeys.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Mail each live access key's creator 7 days and 1 day before the key expires: one "
        "mail per person, listing their keys. Run it every hour (several servers may run it "
        "at once: each reminder is sent once)."
    )

    def handle(self, *args, **options):
        result = send_due_reminders()
        self.stdout.write(
            f"Sent {result.mails} reminder mail{'s' if result.mails != 1 else ''} "
            f"about {result.keys} key{'s' if result.keys != 1 else ''}."
        )
        if result.failed:
            self.stderr.write(
                f"{result.failed} mail{'s' if result.failed != 1 else ''} could not be sent "
                "(see the log); the next run tries again."
            )
