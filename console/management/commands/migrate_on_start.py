"""Apply migrations as an app server starts, one server at a time.

Several app servers may start at once against one PostgreSQL (a rolling
deploy, or `docker compose up --scale web=2`); two `migrate` runs at once
would both try to create the same tables. A PostgreSQL advisory lock makes
the second wait for the first, then find nothing left to do.
"""

import io
import logging

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, SystemCheckError
from django.db import connection

# Any fixed number, the same in every server: it names the lock.
MIGRATE_LOCK = 0x6163636573736B79

log = logging.getLogger("console.migrate")


class Command(BaseCommand):
    help = (
        "Apply migrations, waiting for any other app server doing the same; then run the "
        "system checks, those of the database included."
    )

    def handle(self, *args, **options):
        locking = connection.vendor == "postgresql"
        if locking:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
        # With LOG_FORMAT=json every line a server writes is a JSON object: migrate's
        # own report (plain text) gives way to one log line.
        quiet = settings.LOG_FORMAT == "json"
        try:
            call_command(
                "migrate", interactive=False, verbosity=0 if quiet else options["verbosity"]
            )
            if quiet:
                log.info("Migrations applied")
        finally:
            if locking:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])
        # The checks that read the database, MASTER_KEYS against the stored secrets
        # among them: a server that could not decrypt what it holds does not start.
        try:
            call_command("check", databases=[connection.alias], stdout=io.StringIO())
        except SystemCheckError as refused:
            if quiet:
                log.error("The system checks refuse to start: %s", refused)
            raise
