"""Using issued credentials: what Storj's auth service and satellite answer.

`find_s3_credentials` is the auth service's lookup by access key ID (storj/edge
`pkg/auth/authdb/db.go` `Database.Get`): it refuses keys that were deleted
(revoked) or have expired, and records when a key was last used. (The
satellite's own check of an API key against an action is a test oracle,
tests/helpers/satellite.py: the console never makes that check.)

"Last used" must not turn every gateway request into a database write, and the
console runs as several processes, so the coalescing lives in the database: a
key's `last_used_at` is rewritten only when it is older than
`LAST_USED_INTERVAL`, by a conditional UPDATE that at most one of several
concurrent requests wins. A lookup that finds a fresh `last_used_at` issues no
write at all.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accesskeys.models import AccessKey, S3Credential
from console.models import Project
from storjformat import s3credentials
from storjformat.errors import FormatError

LAST_USED_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class S3Access:
    access_key_id: int  # the AccessKey row the credentials belong to
    secret_key: str
    access_grant: str
    public: bool
    usage_tags: tuple[str, ...]
    project_public_id: UUID
    project_created_at: datetime


# The hot path of every gateway request. Built once: compiling the equivalent
# ORM query costs far more than running it (benchmarks/auth_lookup.py). One
# statement finds the record by its key hash, checks that its key (and the key
# it was registered from) is live and the record unexpired, says whether
# "Last used" is stale, and brings what the answer needs.
# Only table names are interpolated, from the models; values are parameters.
_LOOKUP_SQL = f"""
    SELECT c.secret_key_encrypted, c.access_grant_encrypted, c.public, c.usage_tags,
           k.id, (k.last_used_at IS NULL OR k.last_used_at < %s), p.public_id, p.created_at
      FROM {S3Credential._meta.db_table} c
      JOIN {AccessKey._meta.db_table} k ON k.id = c.access_key_id
      JOIN {Project._meta.db_table} p ON p.id = k.project_id
      LEFT JOIN {AccessKey._meta.db_table} parent ON parent.id = k.parent_id
     WHERE c.key_hash = %s
       AND k.revoked_at IS NULL
       AND parent.revoked_at IS NULL
       AND (c.expires_at IS NULL OR c.expires_at > %s)
"""  # noqa: S608


def _lookup_cursor():
    """A cursor for the lookup's statement: on PostgreSQL, one that prepares it.

    PostgreSQL plans this join (the keys' table has a score of indexes) in about
    0.4 ms and runs it in 0.05 ms; prepared, each connection plans it once
    (benchmarks.page_cost at a million keys). Django binds parameters on the client,
    where nothing is prepared; this cursor binds them on the server and prepares its
    statement, which the settings' `prepare_threshold` allows (config/settings.py).
    It is wrapped as Django wraps its own (errors, execute wrappers). While queries
    are logged (DEBUG, or a test counting them) the lookup takes Django's own cursor,
    whose log shows the statement: psycopg keeps no text of a prepared one.
    """
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    with connection.cursor() as cursor:  # connects, or checks the connection's health
        raw = cursor.cursor.connection
    return connection.make_cursor(_prepared_cursor_class()(raw))


@functools.cache
def _prepared_cursor_class():
    import psycopg  # only on PostgreSQL

    class PreparedCursor(psycopg.Cursor):
        """Server-side binding, and each statement prepared on its first run."""

        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)

    return PreparedCursor


def _as_datetime(value) -> datetime:
    # PostgreSQL answers an aware datetime; SQLite a naive one (or text) in UTC.
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def find_s3_credentials(access_key_id: str, now: datetime | None = None) -> S3Access | None:
    """The secret key and grant for an access key ID; None if unknown, expired or revoked.

    Raises FormatError only when a stored record does not decrypt with its own
    key, which edge treats as a server error.
    """
    now = now or timezone.now()
    try:
        k = s3credentials.parse_access_key_id(access_key_id)
    except FormatError:
        return None
    adapt = connection.ops.adapt_datetimefield_value
    with _lookup_cursor() as cursor:
        cursor.execute(
            _LOOKUP_SQL,
            [adapt(now - LAST_USED_INTERVAL), s3credentials.key_hash(k), adapt(now)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    enc_secret, enc_grant, public, usage_tags, key_id, stale, project_id, project_created = row
    secret_key, access_grant = s3credentials.decrypt_record(k, bytes(enc_secret), bytes(enc_grant))
    if stale:
        mark_used(key_id, None, now)
    return S3Access(
        access_key_id=key_id,
        secret_key=secret_key,
        access_grant=access_grant,
        public=bool(public),
        usage_tags=tuple(tag for tag in usage_tags.split(",") if tag),
        project_public_id=project_id if isinstance(project_id, UUID) else UUID(project_id),
        project_created_at=_as_datetime(project_created),
    )


_MISS_SQL = f"""
    SELECT k.revoked_at IS NOT NULL OR parent.revoked_at IS NOT NULL, c.expires_at
      FROM {S3Credential._meta.db_table} c
      JOIN {AccessKey._meta.db_table} k ON k.id = c.access_key_id
      LEFT JOIN {AccessKey._meta.db_table} parent ON parent.id = k.parent_id
     WHERE c.key_hash = %s
"""  # noqa: S608


def why_not_found(key_hash: bytes) -> str:
    """For the metrics, why a lookup found nothing: unknown, deleted or expired.
    A second query, on misses only: the hot path of a found key stays one."""
    with connection.cursor() as cursor:
        cursor.execute(_MISS_SQL, [key_hash])
        row = cursor.fetchone()
    if row is None:
        return "unknown"
    return "deleted" if row[0] else "expired"


def mark_used(key_id: int, last_used_at: datetime | None, now: datetime) -> bool:
    """Record a use of the key, writing at most once per LAST_USED_INTERVAL.

    `last_used_at` is the value the caller just read: when it is fresh no
    statement is sent. Otherwise the UPDATE's own condition decides, so that
    of several processes racing past the first check only one changes the row.
    Returns whether this call wrote.
    """
    cutoff = now - LAST_USED_INTERVAL
    if last_used_at is not None and last_used_at >= cutoff:
        return False
    updated = (
        AccessKey.objects.filter(pk=key_id)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=cutoff))
        .update(last_used_at=now)
    )
    return updated == 1
