"""Auditing a project's keys: what each key allows, filters and risk flags.

Plain Python over the non-secret restrictions stored beside each key (the
same booleans the key's caveat was built from, full access included), so an
Admin can ask "which keys can delete data in bucket X" without opening a
macaroon.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Aggregate, CharField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.permissions import PERMISSIONS

# Permission filter choices: the model field (kept in the URL) and the label.
PERMISSION_CHOICES: list[tuple[str, str]] = [(p.field, p.label) for p in PERMISSIONS]
PERMISSION_FIELDS = {p.field for p in PERMISSIONS}

EXPIRING_SOON = timedelta(days=7)
OLD_WITHOUT_EXPIRATION = timedelta(days=90)
# "Not used in 90 days": a stale key, last used (or, never used, created) that long ago.
STALE_AFTER = timedelta(days=90)

FULL_ACCESS_NO_EXPIRATION = "Full access, no expiration"
BYPASS_GOVERNANCE = "Can bypass governance retention"
OLD_NO_EXPIRATION = "No expiration, older than 90 days"


def bucket_names(key: AccessKey) -> list[str]:
    """The key's buckets; empty means all buckets of the project, current and future.

    Reads `bucket_list` when the query annotated it (with_bucket_list), else the
    prefetched or related buckets.
    """
    if key.all_buckets:
        return []
    if hasattr(key, "bucket_list"):
        # Bucket names have no spaces (they are DNS-like), so a space separates them.
        return sorted((key.bucket_list or "").split())
    return sorted(bucket.name for bucket in key.buckets.all())


class _SpaceSeparated(Aggregate):
    """Names joined by spaces: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ' ')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def with_bucket_list(keys: QuerySet) -> QuerySet:
    """Each key's bucket names in the key's own row, so that an export of a million
    keys is one query read through a cursor, never a query per key or per chunk."""
    names = (
        AccessKey.buckets.through.objects.filter(accesskey_id=OuterRef("pk"))
        .values("accesskey_id")
        .annotate(names=_SpaceSeparated("bucket__name"))
        .values("names")
    )
    return keys.annotate(bucket_list=Subquery(names))


def risks(key: AccessKey, now: datetime | None = None) -> list[str]:
    """Why a live key deserves a second look. Deleted and expired keys allow nothing."""
    now = now or timezone.now()
    if key.status != "active":
        return []
    flags = []
    if key.full_access and key.not_after is None:
        flags.append(FULL_ACCESS_NO_EXPIRATION)
    if key.can_bypass_governance_retention:
        flags.append(BYPASS_GOVERNANCE)
    if key.not_after is None and key.created_at < now - OLD_WITHOUT_EXPIRATION:
        flags.append(OLD_NO_EXPIRATION)
    return flags


def risky_q(now: datetime) -> Q:
    """The database side of `risks`: a live key with at least one flag."""
    live = Q(revoked_at__isnull=True) & (Q(not_after__isnull=True) | Q(not_after__gt=now))
    flagged = (
        Q(full_access=True, not_after__isnull=True)
        | Q(can_bypass_governance_retention=True)
        | Q(not_after__isnull=True, created_at__lt=now - OLD_WITHOUT_EXPIRATION)
    )
    return live & flagged


@dataclass
class KeyFilters:
    creator: int | None = None  # user id
    type: str = ""
    status: str = ""  # active, expired, revoked or "" for any
    permission: str = ""  # a field name from PERMISSION_CHOICES
    bucket: int | None = None  # bucket id
    expiring_soon: bool = False
    risky: bool = False
    not_used_recently: bool = False


def filter_keys(keys: QuerySet, filters: KeyFilters, now: datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    if filters.creator:
        keys = keys.filter(created_by_id=filters.creator)
    if filters.type:
        keys = keys.filter(type=filters.type)
    if filters.status == "revoked":
        keys = keys.filter(revoked_at__isnull=False)
    elif filters.status == "expired":
        keys = keys.filter(revoked_at__isnull=True, not_after__lte=now)
    elif filters.status == "active":
        keys = keys.filter(revoked_at__isnull=True).filter(
            Q(not_after__isnull=True) | Q(not_after__gt=now)
        )
    if filters.permission in PERMISSION_FIELDS:
        keys = keys.filter(**{filters.permission: True})
    if filters.bucket:
        # A key for all buckets reaches bucket X too; one limited to others does not.
        # A subquery rather than a join: no DISTINCT over every key of the project.
        limited_to = AccessKey.buckets.through.objects.filter(bucket_id=filters.bucket)
        keys = keys.filter(Q(all_buckets=True) | Q(id__in=limited_to.values("accesskey_id")))
    if filters.expiring_soon:
        keys = keys.filter(not_after__gt=now, not_after__lte=now + EXPIRING_SOON)
    if filters.risky:
        keys = keys.filter(risky_q(now))
    if filters.not_used_recently:
        keys = keys.filter(stale_q(now))
    return keys


def stale_q(now: datetime) -> Q:
    """Keys not used in STALE_AFTER; a key never used counts from its creation."""
    cutoff = now - STALE_AFTER
    return Q(last_used_at__lt=cutoff) | Q(last_used_at__isnull=True, created_at__lt=cutoff)


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else ""


KEYS_CSV_HEADER = [
    "Name",
    "Type",
    "Status",
    "Created by",
    "Created",
    "Permissions",
    "Object lock permissions",
    "Bucket notification permissions",
    "Buckets",
    "Expires",
    "Last used",
    "Risks",
    "Description",
]


def key_csv_rows(keys: Iterable[AccessKey], member_ids: set[int], now: datetime | None = None):
    now = now or timezone.now()
    for key in keys:
        yield [
            key.name,
            key.get_type_display(),
            key.status,
            creator_label(key, member_ids),
            _iso(key.created_at),
            " ".join(key.permission_labels()),
            " ".join(key.object_lock_labels()),
            " ".join(key.notification_labels()),
            " ".join(bucket_names(key)) or "All buckets",
            _iso(key.not_after) or "Never",
            _iso(key.last_used_at) or "Never",
            "; ".join(risks(key, now)),
            key.description,
        ]


def creator_label(key: AccessKey, member_ids: set[int]) -> str:
    if key.created_by is None:
        return "Deleted user (former member)"
    if key.created_by_id not in member_ids:
        return f"{key.created_by.email} (former member)"
    return key.created_by.email
