"""Access keys and the S3 credentials made from them.

Only what Storj's servers keep is stored: the macaroon head, its secret
(encrypted under a master key) and the S3 record encrypted under the access
key ID. Beside them we keep the non-secret restrictions chosen at creation,
so that keys can be shown and audited later.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from accesskeys import permissions
from accesskeys.credential_types import CREDENTIAL_TYPES
from console.models import Bucket, Project

# Keys not deleted (revoked): the Access Keys table shows these.
LIVE = Q(revoked_at__isnull=True)
# Keys with any object-lock permission: few in most projects, so filtering the
# Audit page by one of them reads a small partial index.
ANY_OBJECT_LOCK = Q(
    *[Q(**{p.field: True}) for p in permissions.in_group(permissions.OBJECT_LOCK)],
    _connector=Q.OR,
)
# The Audit page's order of keys: by name without case, newest first among equal names.
AUDIT_ORDER = (Lower("name"), F("created_at").desc(), F("id"))
AUDIT_ORDER_INDEXED = (F("project"), *AUDIT_ORDER)


# What the pages call each status (the badges on the Access Keys and Audit pages, the CSV).
STATUS_LABELS = {"active": "Active", "expired": "Expired", "revoked": "Revoked"}


def key_status(revoked_at, not_after, now) -> str:
    """ "revoked" (deleted), "expired" or "active": the rule `AccessKey.status` and the
    keys CSV (which reads plain values, not keys) share."""
    if revoked_at:
        return "revoked"
    if not_after is not None and not_after <= now:
        return "expired"
    return "active"


class AccessKeyQuerySet(models.QuerySet):
    def not_revoked(self):
        """Keys that have not been deleted (revoked), expired ones included.

        The Access Keys page lists these; `AccessKey.status` tells "active"
        (usable now) from "expired" among them.
        """
        return self.filter(revoked_at__isnull=True)


class AccessKey(models.Model):
    # From the credential types table: AccessKey.Type.S3_CREDENTIALS == "s3", and so on.
    Type = models.TextChoices("Type", [(t.constant, (t.value, t.label)) for t in CREDENTIAL_TYPES])

    project = models.ForeignKey(Project, models.CASCADE, related_name="access_keys")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=500)
    type = models.CharField(max_length=16, choices=Type.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="access_keys"
    )
    # The creator's email beside the key, so that the Access Keys table sorts and
    # searches by creator through an index of this table instead of a join over
    # every key. Set on save, kept in step by signals; NULL once the user is deleted
    # (NULL, not "", so that deleted creators sort last both ways, as NULLS LAST).
    creator_email = models.EmailField(  # noqa: DJ001
        max_length=254, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=512, blank=True)

    # The macaroon's public head, and its secret encrypted under a master key.
    # S3 credentials registered through the auth service API (POST /v1/access)
    # carry a grant made from another key's macaroon: they have no head or
    # secret of their own, only the key they were made from.
    head = models.BinaryField(max_length=32, unique=True, null=True)
    secret_encrypted = models.BinaryField(null=True)
    secret_key_id = models.CharField(max_length=64, blank=True)
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="registered"
    )

    # The restrictions written into the key's caveat, kept for display and audit:
    # full_access, then one boolean per permission (can_read, ...; added below
    # from the permissions table), then the buckets and the validity window.
    full_access = models.BooleanField(default=False)
    all_buckets = models.BooleanField(default=True)
    buckets = models.ManyToManyField(Bucket, blank=True, related_name="access_keys")
    not_before = models.DateTimeField()
    not_after = models.DateTimeField(null=True, blank=True)
    # Object-key prefixes within the buckets, as [bucket, prefix] pairs in the
    # order chosen, the prefix as typed (plain text; the caveat holds it encrypted).
    # Empty: each bucket whole.
    prefixes = models.JSONField(default=list, db_default=[], blank=True)
    # Objects uploaded with the key expire after at most this long (caveat max_object_ttl).
    max_object_ttl = models.DurationField(null=True, blank=True)
    # What else the key's caveats restrict, in words, for grants registered through
    # the auth service API that carry fields the console does not otherwise model
    # (e.g. "Object lock: not allowed" for the legacy disallow_locks).
    other_restrictions = models.JSONField(default=list, db_default=[], blank=True)
    # A share link's public URL ("Share" on the Buckets page): public by design, as
    # it holds only the access key ID of public S3 credentials (read and list).
    share_url = models.CharField(max_length=4096, blank=True, db_default="", default="")

    revoked_at = models.DateTimeField(null=True, blank=True)
    # The key this one was made to replace by a rotation (same type and restrictions);
    # the replaced key keeps working until its overlap ends (its not_after).
    replaces = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    # Written at most once a minute per key (see services/lookup.py).
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = AccessKeyQuerySet.as_manager()

    class Meta:
        constraints = [
            # Deleted (revoked) keys keep their row for the audit; their name is free again.
            models.UniqueConstraint(
                fields=["project", "name"],
                condition=Q(revoked_at__isnull=True),
                name="access_name_unique_in_project",
            )
        ]
        # Every ordering of the Access Keys table and of the Audit page has an index
        # that yields it, so a page of a million keys reads ten index entries, not a
        # million rows. Trigram indexes for substring search exist on PostgreSQL only
        # (migration 0005).
        indexes = [
            # Access Keys table (live keys): by name (without case), date, creator.
            # `name` rides along (INCLUDE, PostgreSQL only) so that counting and paging
            # read this index alone: PostgreSQL does not see LOWER(name) as name.
            models.Index(
                F("project"),
                Lower("name"),
                F("id"),
                name="access_live_name",
                condition=LIVE,
                include=["name"],
            ),
            models.Index(
                fields=["project", "created_at", "id"], name="access_live_created", condition=LIVE
            ),
            # Ascending puts NULLs (deleted creators) last on PostgreSQL; the descending
            # order, NULLs last too, has its own index there (migration 0005), as
            # SQLite cannot index NULLS LAST.
            models.Index(
                F("project"),
                F("creator_email"),
                Lower("name"),
                F("id"),
                name="access_live_creator",
                condition=LIVE,
                include=["name"],
            ),
            # Audit page: every key by name (without case, as on the Access Keys page),
            # and the filters that pick few keys.
            # Each carries `name` too, as access_live_name does (counts and far pages
            # then read the index alone on PostgreSQL).
            models.Index(*AUDIT_ORDER_INDEXED, name="access_audit_ci", include=["name"]),
            models.Index(
                F("project"),
                F("created_by"),
                *AUDIT_ORDER,
                name="access_audit_creator_ci",
                include=["name"],
            ),
            models.Index(
                *AUDIT_ORDER_INDEXED,
                name="access_audit_revoked_ci",
                condition=Q(revoked_at__isnull=False),
                include=["name"],
            ),
            models.Index(
                fields=["project", "not_after"],
                name="access_audit_expiry",
                condition=Q(not_after__isnull=False),
            ),
            models.Index(
                *AUDIT_ORDER_INDEXED,
                name="access_audit_object_lock_ci",
                condition=ANY_OBJECT_LOCK,
                include=["name"],
            ),
            # The few keys that replace or were registered from another, apart: SQLite's
            # statistics count the NULLs of the whole columns' indexes as one value
            # shared by every key, and it then scanned every key to find a key's
            # replacement (key details, the API) or a deleted key's registered ones.
            models.Index(
                fields=["replaces"], name="access_replaces_set", condition=Q(replaces__isnull=False)
            ),
            models.Index(
                fields=["parent"], name="access_parent_set", condition=Q(parent__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.created_by_id is not None and self.creator_email is None:
            self.creator_email = self.created_by.email
        super().save(*args, **kwargs)

    @property
    def is_expired(self) -> bool:
        return self.not_after is not None and self.not_after <= timezone.now()

    @property
    def status(self) -> str:
        return key_status(self.revoked_at, self.not_after, timezone.now())

    def get_status_display(self) -> str:
        return STATUS_LABELS[self.status]

    def granted(self) -> frozenset[str]:
        """The names of the permissions this key allows."""
        return frozenset(p.name for p in permissions.PERMISSIONS if getattr(self, p.field))

    def permission_labels(self, group: str = permissions.BASIC) -> list[str]:
        return [p.label for p in permissions.in_group(group) if getattr(self, p.field)]

    def object_lock_labels(self) -> list[str]:
        return self.permission_labels(permissions.OBJECT_LOCK)

    def notification_labels(self) -> list[str]:
        return self.permission_labels(permissions.NOTIFICATION)

    def prefix_labels(self) -> list[str]:
        """Each prefix in plain text: "photos/2026/" (bucket, then the prefix as typed)."""
        return [f"{bucket}/{prefix}" for bucket, prefix in self.prefixes]

    @property
    def max_object_ttl_text(self) -> str:
        """ "Objects expire after at most 30 days", or "" without a limit."""
        return restriction_notes((), self.max_object_ttl, ())[0] if self.max_object_ttl else ""

    def restriction_notes(self) -> list[str]:
        """The restrictions beyond permissions, buckets and expiration, in words."""
        return restriction_notes(self.prefixes, self.max_object_ttl, self.other_restrictions)


def restriction_notes(prefixes, max_object_ttl, other_restrictions) -> list[str]:
    """ "Only objects under photos/2026/", "Objects expire after at most 30 days", and
    the other restrictions of a registered grant: from a key's plain column values."""
    notes = [f"Only objects under {bucket}/{prefix}" for bucket, prefix in prefixes or ()]
    if max_object_ttl is not None:
        notes.append(f"Objects expire after at most {duration_text(max_object_ttl)}")
    return notes + list(other_restrictions or ())


def duration_text(value) -> str:
    """ "1 hour", "36 hours", "30 days", "1 year": the largest whole unit that fits."""
    seconds = int(value.total_seconds())
    for unit, size in (("year", 365 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


# One boolean per permission, named and defaulted by the table: a new
# permission is a new entry there and the migration makemigrations writes.
for _permission in permissions.PERMISSIONS:
    AccessKey.add_to_class(
        _permission.field, models.BooleanField(default=_permission.model_default)
    )
del _permission


class S3Credential(models.Model):
    """The record Storj's auth service keeps for a set of S3 credentials."""

    access_key = models.ForeignKey(AccessKey, models.CASCADE, related_name="s3_credentials")
    # sha256 of the access key ID's 16 bytes; the ID itself is never stored.
    key_hash = models.BinaryField(max_length=32, unique=True)
    # Encrypted under the access key ID: the database alone cannot open them.
    secret_key_encrypted = models.BinaryField()
    access_grant_encrypted = models.BinaryField()
    expires_at = models.DateTimeField(null=True, blank=True)
    public = models.BooleanField(default=False)
    # Edge's usage tags, lowercased and comma-joined ("mcp" is the only one edge knows).
    usage_tags = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"S3 credentials of {self.access_key}"


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def keep_creator_email(sender, instance, update_fields=None, **kwargs):
    """A changed email shows (and sorts) on the keys its owner created."""
    if update_fields is not None and "email" not in update_fields:
        return  # e.g. a sign-in updating last_login
    AccessKey.objects.filter(created_by=instance).exclude(creator_email=instance.email).update(
        creator_email=instance.email
    )


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def forget_creator_email(sender, instance, **kwargs):
    """Keys of a deleted user show "Deleted user" and sort last, as before."""
    AccessKey.objects.filter(created_by=instance).update(creator_email=None)


class ExpiryReminder(models.Model):
    """One reminder of one key's expiry at one threshold (7 days, 1 day before).

    send_expiry_reminders claims rows with a conditional UPDATE, so that of
    several servers running it at once one sends each reminder; a row is
    marked sent once its mail has gone, and released for the next run if the
    mail could not be sent (or its sender stopped halfway, after a while).
    """

    access_key = models.ForeignKey(AccessKey, models.CASCADE, related_name="expiry_reminders")
    # Days before the expiry: 7 or 1.
    days_before = models.PositiveSmallIntegerField()
    # The expiry it was for: a key whose expiry changed is reminded afresh.
    not_after = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["access_key", "days_before", "not_after"], name="one_reminder_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder {self.days_before} day(s) before {self.access_key} expires"
