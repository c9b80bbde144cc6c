"""Auditing a project's keys: what each key allows, filters and risk flags.

Plain Python over the non-secret restrictions stored beside each key (the
same booleans the key's caveat was built from, full access included), so an
Admin can ask "which keys can delete data in bucket X" without opening a
macaroon.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Aggregate, CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.lookups import In
from django.utils import timezone

from accesskeys import permissions
from accesskeys.models import STATUS_LABELS, AccessKey, key_status, restriction_notes
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
FORMER_MEMBER = "Created by a former member"


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


def risks(
    key: AccessKey, now: datetime | None = None, member_ids: set[int] | None = None
) -> list[str]:
    """Why a live key deserves a second look. Deleted and expired keys allow nothing.
    With the project's `member_ids`, a key whose creator has left is flagged too."""
    now = now or timezone.now()
    return _risks(
        key.status,
        key.full_access,
        key.can_bypass_governance_retention,
        key.not_after,
        key.created_at,
        now,
        former_member=member_ids is not None and key.created_by_id not in member_ids,
    )


def _risks(
    status, full_access, bypass_governance, not_after, created_at, now, former_member=False
) -> list[str]:
    if status != "active":
        return []
    flags = []
    if full_access and not_after is None:
        flags.append(FULL_ACCESS_NO_EXPIRATION)
    if bypass_governance:
        flags.append(BYPASS_GOVERNANCE)
    if not_after is None and created_at < now - OLD_WITHOUT_EXPIRATION:
        flags.append(OLD_NO_EXPIRATION)
    if former_member:
        flags.append(FORMER_MEMBER)
    return flags


def former_member_q(member_ids: set[int]) -> Q:
    """Keys whose creator is not a current member: left, deactivated or deleted."""
    return Q(created_by__isnull=True) | ~Q(created_by_id__in=member_ids)


def risky_q(now: datetime, member_ids: set[int] | None = None) -> Q:
    """The database side of `risks`: a live key with at least one flag."""
    live = Q(revoked_at__isnull=True) & (Q(not_after__isnull=True) | Q(not_after__gt=now))
    flagged = (
        Q(full_access=True, not_after__isnull=True)
        | Q(can_bypass_governance_retention=True)
        | Q(not_after__isnull=True, created_at__lt=now - OLD_WITHOUT_EXPIRATION)
    )
    if member_ids is not None:
        flagged |= former_member_q(member_ids)
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
    former_member: bool = False  # created by someone who is no longer a member
    # The project's current members: the former-member flag and filter need them.
    member_ids: frozenset[int] | None = None

    @property
    def narrowed(self) -> bool:
        """Whether any filter is chosen (all keys otherwise)."""
        return any(value for name, value in vars(self).items() if name != "member_ids")


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
        # "X IN (the key's buckets)", a probe of one index for each key read, and only
        # until the page and the bounded count are full: "the key IN (X's keys)" would
        # first gather every key limited to X (50,000 of a million).
        buckets_of_key = AccessKey.buckets.through.objects.filter(accesskey_id=OuterRef("pk"))
        in_bucket = In(Value(filters.bucket), buckets_of_key.values("bucket_id"))
        keys = keys.filter(Q(all_buckets=True) | Q(in_bucket))
    if filters.expiring_soon:
        keys = keys.filter(not_after__gt=now, not_after__lte=now + EXPIRING_SOON)
    if filters.risky:
        keys = keys.filter(risky_q(now, filters.member_ids))
    if filters.former_member and filters.member_ids is not None:
        keys = keys.filter(former_member_q(filters.member_ids))
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
    "Restrictions",
    "Expires",
    "Last used",
    "Risks",
    "Created by a former member",
    "Description",
]


# What an audited key's row reads: plain values of each key's row, no model
# instances (building a million of them cost most of an export's time, and most
# of the Audit page's).
_COLUMNS = (
    "id",
    "name",
    "type",
    "revoked_at",
    "not_after",
    "created_by_id",
    "created_by__email",
    "created_at",
    "full_access",
    "can_bypass_governance_retention",
    "all_buckets",
    "bucket_list",
    "last_used_at",
    "description",
    "prefixes",
    "max_object_ttl",
    "other_restrictions",
)
# The permission booleans follow them, in the table's order.
_PERMISSION_COLUMNS = tuple(p.field for p in PERMISSIONS)


@dataclass(slots=True)
class AuditedKey:
    """A key as the Audit page and the keys CSV say it: words, lists and times."""

    id: int
    name: str
    type: str  # "S3 Credentials"
    status: str  # active, expired or revoked
    creator: str  # "bob@example.com", "… (former member)", "Deleted user (former member)"
    former_member: bool
    created_at: datetime
    full_access: bool
    permissions: list[str]  # basic, then object lock, then bucket notification
    object_lock: list[str]
    notification: list[str]
    all_buckets: bool
    buckets: list[str]  # the buckets it is limited to (none with all_buckets)
    restrictions: list[str]  # prefixes, object lifetime, a registered grant's others
    not_after: datetime | None
    last_used_at: datetime | None
    risks: list[str]
    description: str


def audited_keys(keys: QuerySet, member_ids: set[int], now=None, chunk_size: int | None = None):
    """Each of `keys` (annotated by with_bucket_list, in their order) as an
    AuditedKey; with `chunk_size`, read through a server-side cursor that many
    rows at a time (the exports)."""
    now = now or timezone.now()
    types = dict(AccessKey.Type.choices)
    first_permission = len(_COLUMNS)
    basic, object_lock, notification = (
        [(first_permission + i, p.label) for i, p in enumerate(PERMISSIONS) if p.group == group]
        for group in (permissions.BASIC, permissions.OBJECT_LOCK, permissions.NOTIFICATION)
    )
    values = keys.values_list(*_COLUMNS, *_PERMISSION_COLUMNS)
    rows = values.iterator(chunk_size=chunk_size) if chunk_size else values
    for row in rows:
        (id_, name, type_, revoked_at, not_after, creator_id, creator_email, created_at,
         full_access, bypass, all_buckets, bucket_list, last_used_at, description,
         prefixes, max_object_ttl, other_restrictions) = row[
            :first_permission
        ]  # fmt: skip
        status = key_status(revoked_at, not_after, now)
        former = creator_id not in member_ids
        yield AuditedKey(
            id=id_,
            name=name,
            type=types.get(type_, type_),
            status=status,
            creator=_creator_label(creator_id, creator_email, member_ids),
            former_member=former,
            created_at=created_at,
            full_access=full_access,
            permissions=[label for i, label in basic if row[i]],
            object_lock=[label for i, label in object_lock if row[i]],
            notification=[label for i, label in notification if row[i]],
            all_buckets=all_buckets,
            buckets=[] if all_buckets else sorted((bucket_list or "").split()),
            restrictions=restriction_notes(prefixes, max_object_ttl, other_restrictions),
            not_after=not_after,
            last_used_at=last_used_at,
            risks=_risks(status, full_access, bypass, not_after, created_at, now, former),
            description=description,
        )


def key_csv_rows(keys: QuerySet, member_ids: set[int], chunk_size: int, now=None):
    """The CSV rows of `keys` (annotated by with_bucket_list, in the export's order):
    what the Audit page says of each, read `chunk_size` rows at a time."""
    for key in audited_keys(keys, member_ids, now, chunk_size=chunk_size):
        yield [
            key.name,
            key.type,
            STATUS_LABELS[key.status],
            key.creator,
            _iso(key.created_at),
            ", ".join(key.permissions),
            ", ".join(key.object_lock),
            ", ".join(key.notification),
            "All buckets" if key.all_buckets else ", ".join(key.buckets),
            "; ".join(key.restrictions),
            _iso(key.not_after) or "Never",
            _iso(key.last_used_at) or "Never",
            "; ".join(key.risks),
            "yes" if key.former_member else "no",
            key.description,
        ]


def creator_label(key: AccessKey, member_ids: set[int]) -> str:
    # The creator's email kept on the key: no query for the user.
    return _creator_label(key.created_by_id, key.creator_email, member_ids)


def _creator_label(user_id: int | None, email: str | None, member_ids: set[int]) -> str:
    if user_id is None:
        return "Deleted user (former member)"
    if user_id not in member_ids:
        return f"{email} (former member)"
    return email
