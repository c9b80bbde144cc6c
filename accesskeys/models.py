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

from console.models import Bucket, Project

PERMISSIONS = [
    ("can_read", "Read"),
    ("can_write", "Write"),
    ("can_list", "List"),
    ("can_delete", "Delete"),
]

# Field name, label and the description users see (from the seed guide).
OBJECT_LOCK_PERMISSIONS = [
    (
        "can_put_object_retention",
        "PutObjectRetention",
        "Allows you to set retention policies, protecting objects from deletion or "
        "modification until the retention period expires.",
    ),
    (
        "can_get_object_retention",
        "GetObjectRetention",
        "Allows you to view the retention settings of objects, helping ensure compliance "
        "with retention policies.",
    ),
    (
        "can_bypass_governance_retention",
        "BypassGovernanceRetention",
        "Allows you to bypass governance-mode retention, enabling deletion of objects "
        "before the retention period ends.",
    ),
    (
        "can_put_object_legal_hold",
        "PutObjectLegalHold",
        "Allows you to place a legal hold on objects, preventing deletion or modification "
        "regardless of retention policies.",
    ),
    (
        "can_get_object_legal_hold",
        "GetObjectLegalHold",
        "Allows you to view the legal hold status of objects, which is useful for auditing "
        "and compliance purposes.",
    ),
    (
        "can_put_object_lock_configuration",
        "PutObjectLockConfiguration",
        "Allows you to set retention policies on the specified bucket, automatically "
        "applying them to every new object added to that bucket.",
    ),
    (
        "can_get_object_lock_configuration",
        "GetObjectLockConfiguration",
        "Allows you to view the default retention policies configured for the specified bucket.",
    ),
]


class AccessKeyQuerySet(models.QuerySet):
    def active(self):
        """Keys that have not been deleted (revoked). Expired keys are included."""
        return self.filter(revoked_at__isnull=True)


class AccessKey(models.Model):
    class Type(models.TextChoices):
        S3_CREDENTIALS = "s3", "S3 Credentials"
        ACCESS_GRANT = "access_grant", "Access Grant"
        API_KEY = "api_key", "API Key"

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
    # S3 credentials registered through the auth service API (POST /v1/access)
    # carry a grant made from another key's macaroon: they have no head or
    # secret of their own, only the key they were made from.
    head = models.BinaryField(max_length=32, unique=True, null=True)
    secret_encrypted = models.BinaryField(null=True)
    secret_key_id = models.CharField(max_length=64, blank=True)
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="registered"
    )

    # The restrictions written into the key's caveat, kept for display and audit.
    full_access = models.BooleanField(default=False)
    can_read = models.BooleanField(default=True)
    can_write = models.BooleanField(default=True)
    can_list = models.BooleanField(default=True)
    can_delete = models.BooleanField(default=True)
    can_put_object_retention = models.BooleanField(default=False)
    can_get_object_retention = models.BooleanField(default=False)
    can_bypass_governance_retention = models.BooleanField(default=False)
    can_put_object_legal_hold = models.BooleanField(default=False)
    can_get_object_legal_hold = models.BooleanField(default=False)
    can_put_object_lock_configuration = models.BooleanField(default=False)
    can_get_object_lock_configuration = models.BooleanField(default=False)
    all_buckets = models.BooleanField(default=True)
    buckets = models.ManyToManyField(Bucket, blank=True, related_name="access_keys")
    not_before = models.DateTimeField()
    not_after = models.DateTimeField(null=True, blank=True)

    revoked_at = models.DateTimeField(null=True, blank=True)
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

    @property
    def registered_through_api(self) -> bool:
        return self.parent_id is not None

    def permission_labels(self) -> list[str]:
        return [label for field, label in PERMISSIONS if getattr(self, field)]

    def object_lock_labels(self) -> list[str]:
        return [label for field, label, _ in OBJECT_LOCK_PERMISSIONS if getattr(self, field)]


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
