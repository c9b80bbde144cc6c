"""The rules of an access, written once: their words, who may change a key, and
the validators every verb and the dialog's steps call.

Every rule raises Django's `ValidationError` with the rule's name as its code
(e.g. "name_taken"); the REST API maps codes to HTTP statuses (403, 404, 422).
Errors name fields in one vocabulary: name, description, type, full_access,
permissions, object_lock, notification, buckets, paths, max_object_ttl,
expires, passphrase, or NON_FIELD_ERRORS for the request as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from accesskeys import permissions
from accesskeys.credential_types import BY_VALUE as CREDENTIAL_TYPES
from accesskeys.models import AccessKey
from console import key_lifetimes
from console.models import Membership
from console.text_rules import has_control_characters
from storjformat import passphrase

NAME_MAX_LENGTH = AccessKey._meta.get_field("name").max_length


DESCRIPTION_MAX_LENGTH = AccessKey._meta.get_field("description").max_length


USER_AGENT_MAX_LENGTH = AccessKey._meta.get_field("user_agent").max_length


# How the encryption passphrase is chosen; the audit log keeps the choice, never the
# passphrase. The dialog's labels and the event log's sentences are keyed by these.
CURRENT, NEW, GENERATE = "current", "new", "generate"


PASSPHRASE_CHOICES = (CURRENT, NEW, GENERATE)


# Object-key prefixes: Storj's console caps the paths of a shared access; an object
# key is at most 1,024 bytes on Storj's satellite, and so is a prefix of one.
MAX_PREFIXES = 10


MAX_PREFIX_BYTES = 1024


# Uploaded objects' maximum lifetime (caveat max_object_ttl): whole hours, up to ten years.
MIN_OBJECT_TTL = timedelta(hours=1)


MAX_OBJECT_TTL = timedelta(days=3650)


MIN_OBJECT_TTL_TEXT, MAX_OBJECT_TTL_TEXT = "1 hour", "3,650 days"


# Every rule's one wording, for the service and the dialog's step forms alike.
# Rules that list values use %(value)s, as Django's own choice errors do.
MESSAGES = {
    "name_required": "Enter a name for this access.",
    "name_too_long": f"The name can be at most {NAME_MAX_LENGTH} characters long.",
    "name_taken": "This name is already in use",
    "name_control": "The name cannot contain control characters.",
    "description_too_long": (
        f"The description can be at most {DESCRIPTION_MAX_LENGTH} characters long."
    ),
    "description_control": "The description cannot contain control characters.",
    "type_unknown": "Choose "
    + ", ".join(t.label for t in list(CREDENTIAL_TYPES.values())[:-1])
    + f" or {list(CREDENTIAL_TYPES.values())[-1].label}.",
    "full_access_conflict": (
        "Full Access cannot be combined with permissions, object_lock, notification, "
        "buckets, paths, max_object_ttl or expires."
    ),
    "permission_required": "Choose at least one permission.",
    "permission_unknown": "Unknown permission: %(value)s.",
    "bucket_required": "Choose at least one bucket.",
    "bucket_unknown": "This project has no bucket named %(value)s.",
    "expiration_past": "Choose a date in the future.",
    "prefix_too_many": f"An access can be limited to at most {MAX_PREFIXES} prefixes.",
    "prefix_leading_slash": "A prefix cannot start with “/”: %(value)s.",
    "prefix_nul": "A prefix cannot contain the NUL character.",
    "prefix_not_text": "A prefix must be text (valid UTF-8).",
    "prefix_too_long": (
        f"A prefix can be at most {MAX_PREFIX_BYTES:,} bytes long in UTF-8: %(value)s."
    ),
    "prefix_api_key": (
        "An API key carries no encryption key, so in a project that encrypts object keys "
        "it cannot be limited to prefixes. Choose S3 Credentials or Access Grant."
    ),
    "object_ttl_format": "Enter the object lifetime as hours or days, like 12h or 30d.",
    "prefix_format": "Give a prefix as bucket/prefix, like photos/2026/: %(value)s.",
    "object_ttl_range": (
        f"The object lifetime must be between {MIN_OBJECT_TTL_TEXT} and {MAX_OBJECT_TTL_TEXT}."
    ),
    "passphrase_choice": "Choose how to set the encryption passphrase.",
    "passphrase_conflict": "Give a passphrase or ask to generate one, not both.",
    "passphrase_current_required": "Enter your encryption passphrase.",
    "passphrase_new_required": "Enter a new passphrase.",
    "passphrase_generated_invalid": "The generated passphrase is not a valid 12-word phrase.",
    "update_not_allowed": (
        "Only project Admins and the key's creator can rename it or change its description."
    ),
    "update_gone": "This access key has been deleted: it can no longer be changed.",
    "delete_none": "Select at least one access key to delete.",
    "not_member": "You are not a member of this project.",
    "delete_gone": "Some of the selected access keys no longer exist. Nothing was deleted.",
    "delete_not_yours": (
        "Members can delete only the access keys they created. "
        "Not yours: %(value)s. Nothing was deleted."
    ),
}


# The fields errors name, in the API's and the command's words: "name", "description",
# "type", "full_access", "permissions", "object_lock", "notification", "buckets",
# "expires", "passphrase", or NON_FIELD_ERRORS ("__all__") for the request as a whole.
EXPIRES = "expires"


PATHS = "paths"  # the request's `prefixes`, as the API names them


def refusal(rule: str, value: Iterable[str] | None = None) -> ValidationError:
    """The error of one rule, its name as the code (callers map codes to HTTP statuses)."""
    params = {"value": ", ".join(value)} if value is not None else None
    return ValidationError(MESSAGES[rule], code=rule, params=params)


def refuse(field_name: str, rule: str, value: Iterable[str] | None = None) -> ValidationError:
    """A rule's error on a field (NON_FIELD_ERRORS for the request as a whole)."""
    return ValidationError({field_name: [refusal(rule, value)]})


def codes(error: ValidationError) -> set[str]:
    """The rule names (codes) of every message in an error."""
    groups = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return {e.code for group in groups for e in group}


def validate_name(project, name: str, renamed: AccessKey | None = None) -> str:
    """The cleaned name; required, not too long, unique among the project's live keys
    (other than `renamed`, the key being renamed, which may keep its name)."""
    name = (name or "").strip()
    if not name:
        raise refusal("name_required")
    if len(name) > NAME_MAX_LENGTH:
        raise refusal("name_too_long")
    if has_control_characters(name):
        raise refusal("name_control")
    others = AccessKey.objects.not_revoked().filter(project=project, name=name)
    if renamed is not None:
        others = others.exclude(id=renamed.id)
    if others.exists():
        raise refusal("name_taken")
    return name


def free_name(project_id: int, base: str) -> str:
    """`base`, or `base 2`, `base 3`...: the first no live key of the project has.
    For names the console makes itself (registered credentials, replaced keys)."""
    taken = set(
        AccessKey.objects.not_revoked()
        .filter(project_id=project_id, name__startswith=base)
        .values_list("name", flat=True)
    )
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base} {number}"
    return name


def validate_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise refusal("description_too_long")
    # Line breaks and tabs are fine in a description; other control characters are not.
    if has_control_characters(description, multiline=True):
        raise refusal("description_control")
    return description


def validate_type(type_: str) -> str:
    if type_ not in CREDENTIAL_TYPES:
        raise refusal("type_unknown")
    return type_


def validate_permissions(names: Iterable[str]) -> frozenset[str]:
    """Known names, at least one of them a basic permission (read, write, list, delete)."""
    chosen = frozenset(names)
    unknown = chosen - set(permissions.BY_NAME)
    if unknown:
        raise refusal("permission_unknown", sorted(unknown))
    if not chosen & set(permissions.names(permissions.BASIC)):
        raise refusal("permission_required")
    return chosen


def validate_buckets(project, buckets: Iterable[str] | None) -> tuple[str, ...] | None:
    if buckets is None:
        return None
    names = tuple(dict.fromkeys(buckets))  # keep order, drop repeats
    if not names:
        raise refusal("bucket_required")
    known = set(project.buckets.filter(name__in=names).values_list("name", flat=True))
    unknown = [name for name in names if name not in known]
    if unknown:
        raise refusal("bucket_unknown", unknown)
    return names


def validate_prefixes(
    project, type_: str, prefixes: Iterable[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """(bucket, prefix) pairs: existing buckets, UTF-8 text without NUL, not starting
    with "/", at most MAX_PREFIX_BYTES, at most MAX_PREFIXES. Repeats are dropped;
    an empty prefix means the whole bucket and is dropped too (the bucket stays)."""
    pairs = tuple(dict.fromkeys((bucket, prefix) for bucket, prefix in prefixes if prefix))
    if len(pairs) > MAX_PREFIXES:
        raise refusal("prefix_too_many")
    for _, prefix in pairs:
        try:
            raw = prefix.encode("utf-8")
        except UnicodeEncodeError:
            raise refusal("prefix_not_text") from None
        if "\x00" in prefix:
            raise refusal("prefix_nul")
        if prefix.startswith("/"):
            raise refusal("prefix_leading_slash", [prefix])
        if len(raw) > MAX_PREFIX_BYTES:
            raise refusal("prefix_too_long", [f"{len(raw):,} bytes"])
    validate_buckets(project, [bucket for bucket, _ in pairs] or None)
    credential_type = CREDENTIAL_TYPES.get(type_)
    encrypts = credential_type is None or credential_type.encrypts
    if pairs and not encrypts and project.path_encryption:
        # No encryption key to encrypt the prefixes with (an API key).
        raise refusal("prefix_api_key")
    return pairs


def validate_max_object_ttl(ttl: timedelta | None) -> timedelta | None:
    if ttl is not None and not MIN_OBJECT_TTL <= ttl <= MAX_OBJECT_TTL:
        raise refusal("object_ttl_range")
    return ttl


def validate_expiration(project, expires_at: datetime | None, now: datetime) -> datetime | None:
    """A moment in the future, within the project's maximum lifetime if it has one."""
    if expires_at is not None and expires_at <= now:
        raise refusal("expiration_past")
    broken = key_lifetimes.policy_error(project, expires_at, now)
    if broken:
        raise ValidationError(broken, code="expiration_policy")
    return expires_at


def needs_passphrase(project, type_: str) -> bool:
    """Whether the user gives a passphrase: only for types that encrypt, in self-managed projects.

    An unknown type counts as encrypting, so the dialog keeps its Encryption step.
    """
    credential_type = CREDENTIAL_TYPES.get(type_)
    encrypts = credential_type.encrypts if credential_type else True
    return encrypts and not project.is_managed


def validate_passphrase(choice: str, value: str | None) -> str | None:
    """The passphrase to use; None when one must be generated here."""
    if choice not in PASSPHRASE_CHOICES:
        raise refusal("passphrase_choice")
    if choice == GENERATE:
        if value and not passphrase.is_valid_mnemonic(value):
            raise refusal("passphrase_generated_invalid")
        return value or None
    # A new passphrase of spaces alone is refused; a current one is whatever the user has.
    if not value or (choice == NEW and not value.strip()):
        rule = "passphrase_current_required" if choice == CURRENT else "passphrase_new_required"
        raise refusal(rule)
    return value


def restrictions_of(key: AccessKey) -> dict:
    """What a key allows, for the audit log: never a secret."""
    return {
        "access": key.name,
        "type": key.type,
        "full_access": key.full_access,
        "permissions": key.permission_labels(),
        "object_lock": key.object_lock_labels(),
        "notification": key.notification_labels(),
        "buckets": sorted(b.name for b in key.buckets.all()) if not key.all_buckets else "all",
        "expires_at": key.not_after.isoformat() if key.not_after else None,
        **({"prefixes": key.prefix_labels()} if key.prefixes else {}),
        **({"max_object_ttl": key.max_object_ttl_text} if key.max_object_ttl else {}),
        **({"other_restrictions": key.other_restrictions} if key.other_restrictions else {}),
        **({"public_link": True} if key.share_url else {}),
    }


def may_change(membership, key: AccessKey) -> bool:
    """Who may change a key (rename, describe, delete): Admins any key, Members the keys
    they created. The one rule: the services, the row menu and the API ask it."""
    return membership.is_admin or key.created_by_id == membership.user_id


def may_offer_rotation(membership, key: AccessKey) -> bool:
    """Whether the row menu offers Rotate: the rule of change, for an unexpired key the
    console issued (not registered through the API). Whether it was replaced already,
    the dialog says (services/rotation.py; one query a key would be too many for a menu)."""
    return may_change(membership, key) and key.parent_id is None and not key.is_expired


def membership_of(project, actor) -> Membership:
    """The actor's membership of the project; refuses with "not_member" when none."""
    membership = Membership.objects.filter(project=project, user=actor).first()
    if membership is None:
        raise refuse(NON_FIELD_ERRORS, "not_member")
    return membership
