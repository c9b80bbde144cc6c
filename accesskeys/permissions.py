"""The one table of what an access may do. Everything else derives from it.

The model's boolean fields, the dialog's checkboxes and their help, the
service's validation and caveat flags, Full Access, the key's details page,
the Audit page's filter, the CSV columns, the audit log and the
create_access command all read `PERMISSIONS`. Adding a permission is one
entry here plus the migration that adds its model field.

Plain Python, no Django: the service layer and the models both import it.
"""

from __future__ import annotations

from dataclasses import dataclass

# The groups the dialog, the details page and the CSV show apart.
BASIC = "basic"
OBJECT_LOCK = "object_lock"
NOTIFICATION = "notification"


@dataclass(frozen=True)
class Permission:
    # The name in forms, commands, the API and the audit log ("read", "PutObjectRetention").
    name: str
    # What people see; also the label in audit details and CSV cells.
    label: str
    # The AccessKey boolean kept for display and audit ("can_read").
    field: str
    # The Caveat flag set when the permission is NOT granted (storj/common macaroon).
    caveat_flag: str
    # The help under the checkbox in the dialog (object lock text from the seed guide).
    description: str
    group: str
    # Whether Full Access grants it.
    in_full_access: bool

    @property
    def model_default(self) -> bool:
        """The model field's default: basic permissions are on unless removed."""
        return self.group == BASIC


PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        "read",
        "Read",
        "can_read",
        "disallow_reads",
        "Download objects and read their metadata.",
        BASIC,
        in_full_access=True,
    ),
    Permission(
        "write",
        "Write",
        "can_write",
        "disallow_writes",
        "Upload objects and create buckets.",
        BASIC,
        in_full_access=True,
    ),
    Permission(
        "list",
        "List",
        "can_list",
        "disallow_lists",
        "List buckets and the objects in them.",
        BASIC,
        in_full_access=True,
    ),
    Permission(
        "delete",
        "Delete",
        "can_delete",
        "disallow_deletes",
        "Delete objects and buckets.",
        BASIC,
        in_full_access=True,
    ),
    Permission(
        "PutObjectRetention",
        "PutObjectRetention",
        "can_put_object_retention",
        "disallow_put_retention",
        "Allows you to set retention policies, protecting objects from deletion or "
        "modification until the retention period expires.",
        OBJECT_LOCK,
        in_full_access=True,
    ),
    Permission(
        "GetObjectRetention",
        "GetObjectRetention",
        "can_get_object_retention",
        "disallow_get_retention",
        "Allows you to view the retention settings of objects, helping ensure compliance "
        "with retention policies.",
        OBJECT_LOCK,
        in_full_access=True,
    ),
    Permission(
        "BypassGovernanceRetention",
        "BypassGovernanceRetention",
        "can_bypass_governance_retention",
        "disallow_bypass_governance_retention",
        "Allows you to bypass governance-mode retention, enabling deletion of objects "
        "before the retention period ends.",
        OBJECT_LOCK,
        # Full Access never bypasses governance retention, as in Storj's console.
        in_full_access=False,
    ),
    Permission(
        "PutObjectLegalHold",
        "PutObjectLegalHold",
        "can_put_object_legal_hold",
        "disallow_put_legal_hold",
        "Allows you to place a legal hold on objects, preventing deletion or modification "
        "regardless of retention policies.",
        OBJECT_LOCK,
        in_full_access=True,
    ),
    Permission(
        "GetObjectLegalHold",
        "GetObjectLegalHold",
        "can_get_object_legal_hold",
        "disallow_get_legal_hold",
        "Allows you to view the legal hold status of objects, which is useful for auditing "
        "and compliance purposes.",
        OBJECT_LOCK,
        in_full_access=True,
    ),
    Permission(
        "PutObjectLockConfiguration",
        "PutObjectLockConfiguration",
        "can_put_object_lock_configuration",
        "disallow_put_bucket_object_lock_configuration",
        "Allows you to set retention policies on the specified bucket, automatically "
        "applying them to every new object added to that bucket.",
        OBJECT_LOCK,
        in_full_access=True,
    ),
    Permission(
        "GetObjectLockConfiguration",
        "GetObjectLockConfiguration",
        "can_get_object_lock_configuration",
        "disallow_get_bucket_object_lock_configuration",
        "Allows you to view the default retention policies configured for the specified bucket.",
        OBJECT_LOCK,
        in_full_access=True,
    ),
    # Storj's console refuses both on every restricted key unless chosen (caveat
    # fields 14, 15) and allows both with Full Access; texts from its
    # BucketNotificationPermissionsStep.vue.
    Permission(
        "PutBucketNotificationConfiguration",
        "PutBucketNotificationConfiguration",
        "can_put_bucket_notification_configuration",
        "disallow_put_bucket_notification_configuration",
        "Allows you to configure bucket event notifications, enabling you to receive alerts "
        "when objects are created, deleted, or modified in the bucket.",
        NOTIFICATION,
        in_full_access=True,
    ),
    Permission(
        "GetBucketNotificationConfiguration",
        "GetBucketNotificationConfiguration",
        "can_get_bucket_notification_configuration",
        "disallow_get_bucket_notification_configuration",
        "Allows you to retrieve the current notification configuration for a bucket, so you "
        "can view which events are being monitored.",
        NOTIFICATION,
        in_full_access=True,
    ),
)

BY_NAME: dict[str, Permission] = {p.name: p for p in PERMISSIONS}


def in_group(group: str) -> tuple[Permission, ...]:
    return tuple(p for p in PERMISSIONS if p.group == group)


def names(group: str | None = None) -> tuple[str, ...]:
    """Permission names in table order, of one group or all."""
    return tuple(p.name for p in PERMISSIONS if group is None or p.group == group)


FULL_ACCESS: frozenset[str] = frozenset(p.name for p in PERMISSIONS if p.in_full_access)
# Granted when an access is made without choosing (the dialog's initial ticks).
DEFAULT: frozenset[str] = frozenset(names(BASIC))


def name_for(value: str) -> str | None:
    """The permission a person typed, in any case ("READ", "putobjectretention")."""
    folded = value.strip().lower()
    return next((p.name for p in PERMISSIONS if p.name.lower() == folded), None)


# How each group is named in sentences ("the object lock permissions ...").
GROUP_NOUNS: dict[str, str] = {
    BASIC: "permissions",
    OBJECT_LOCK: "object lock permissions",
    NOTIFICATION: "bucket notification permissions",
}


def join_words(words: list[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def full_access_granted() -> list[tuple[str, tuple[str, ...]]]:
    """(group noun, labels) of every permission Full Access grants, group by group."""
    return [
        (GROUP_NOUNS[group], tuple(p.label for p in in_group(group) if p.in_full_access))
        for group in GROUP_NOUNS
    ]


def full_access_summary() -> str:
    """What Full Access grants, in words a person reads, written from the table."""
    return f"{full_access_grants()}. In every bucket, with no expiration."


def full_access_grants() -> str:
    """The permissions Full Access grants, as one sentence without its full stop."""
    parts = []
    for group, noun in GROUP_NOUNS.items():
        granted = [p.label for p in in_group(group) if p.in_full_access]
        withheld = [p.label for p in in_group(group) if not p.in_full_access]
        if group == BASIC:
            parts.append(join_words([label.lower() for label in granted]))
        elif granted and withheld:
            parts.append(f"the {noun} except {join_words(withheld, 'and')}")
        elif granted:
            parts.append(f"the {noun}")
    sentence = "; ".join(parts)
    return f"{sentence[0].upper()}{sentence[1:]}"
