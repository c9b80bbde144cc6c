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
from django.utils import timezone

from accesskeys import permissions
from accesskeys.credential_types import CREDENTIAL_TYPES
from console.models import Bucket, Project


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
    created_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=512, blank=True)

    # The macaroon's public head, and its secret encrypted under a master key.
    head = models.BinaryField(max_length=32, unique=True)
    secret_encrypted = models.BinaryField()
    secret_key_id = models.CharField(max_length=64)

    # The restrictions written into the key's caveat, kept for display and audit:
    # full_access, then one boolean per permission (can_read, ...; added below
    # from the permissions table), then the buckets and the validity window.
    full_access = models.BooleanField(default=False)
    all_buckets = models.BooleanField(default=True)
    buckets = models.ManyToManyField(Bucket, blank=True, related_name="access_keys")
    not_before = models.DateTimeField()
    not_after = models.DateTimeField(null=True, blank=True)

    revoked_at = models.DateTimeField(null=True, blank=True)
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
        indexes = [
            models.Index(fields=["project", "revoked_at", "name"]),
            # Names sort case-insensitively on the page, on every database.
            models.Index(F("project"), F("revoked_at"), Lower("name"), name="access_name_ci"),
            models.Index(fields=["project", "revoked_at", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_expired(self) -> bool:
        return self.not_after is not None and self.not_after <= timezone.now()

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "active"

    def granted(self) -> frozenset[str]:
        """The names of the permissions this key allows."""
        return frozenset(p.name for p in permissions.PERMISSIONS if getattr(self, p.field))

    def permission_labels(self, group: str = permissions.BASIC) -> list[str]:
        return [p.label for p in permissions.in_group(group) if getattr(self, p.field)]

    def object_lock_labels(self) -> list[str]:
        return self.permission_labels(permissions.OBJECT_LOCK)


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
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"S3 credentials of {self.access_key}"
