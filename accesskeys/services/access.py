"""Creating and deleting accesses: the one entry point views and commands call.

`create_access` validates every choice of the New Access dialog, derives the
key material outside the transaction (Argon2id is the slow part), writes the
key, its restrictions and its S3 record in one transaction, and returns the
one-time values. Only the macaroon head, its encrypted secret and the S3
record encrypted under the access key ID are stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accesskeys import keyring
from accesskeys.models import OBJECT_LOCK_PERMISSIONS, PERMISSIONS, AccessKey, S3Credential
from accesskeys.services import caveat as caveat_mod
from accesskeys.services import grant as grant_mod
from accesskeys.services import macaroon, passphrase, s3credentials
from console import keyring as console_keyring
from console.models import Membership

PERMISSION_NAMES = ("read", "write", "list", "delete")
OBJECT_LOCK_NAMES = tuple(label for _, label, _ in OBJECT_LOCK_PERMISSIONS)
# Full Access: every permission and object-lock permission but bypassing governance.
FULL_ACCESS_OBJECT_LOCK = frozenset(OBJECT_LOCK_NAMES) - {"BypassGovernanceRetention"}
PASSPHRASE_CHOICES = ("current", "new", "generate")
NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 500

# Model field and caveat flag for each permission, by the name users see.
PERMISSION_FIELDS = {label.lower(): field for field, label in PERMISSIONS}
OBJECT_LOCK_FIELDS = {label: field for field, label, _ in OBJECT_LOCK_PERMISSIONS}
DISALLOW_FLAGS = {
    "read": "disallow_reads",
    "write": "disallow_writes",
    "list": "disallow_lists",
    "delete": "disallow_deletes",
    "PutObjectRetention": "disallow_put_retention",
    "GetObjectRetention": "disallow_get_retention",
    "BypassGovernanceRetention": "disallow_bypass_governance_retention",
    "PutObjectLegalHold": "disallow_put_legal_hold",
    "GetObjectLegalHold": "disallow_get_legal_hold",
    "PutObjectLockConfiguration": "disallow_put_bucket_object_lock_configuration",
    "GetObjectLockConfiguration": "disallow_get_bucket_object_lock_configuration",
}


class AccessError(Exception):
    """Bad choices for a new access, or a delete that is not allowed.

    `errors` maps a field to its messages. Fields: "name", "description",
    "type", "permissions", "object_lock", "buckets", "expires_at",
    "passphrase", "__all__".
    """

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(" ".join(messages) for messages in errors.values()))


@dataclass(frozen=True)
class AccessChoices:
    """What the New Access dialog (or the create_access command) chose."""

    name: str
    type: str  # AccessKey.Type: "s3", "access_grant" or "api_key"
    description: str = ""
    full_access: bool = True
    # Used only when full_access is False:
    permissions: frozenset[str] = frozenset(PERMISSION_NAMES)
    object_lock: frozenset[str] = frozenset()
    buckets: tuple[str, ...] | None = None  # None: all buckets, current and future
    expires_at: datetime | None = None
    # "current", "new" or "generate"; ignored for API keys and managed projects.
    passphrase_choice: str = "current"
    # The passphrase typed (current/new) or generated in the dialog. With
    # "generate" and no passphrase, one is generated here.
    passphrase: str | None = None
    user_agent: str = ""


@dataclass(frozen=True)
class CreatedAccess:
    """The one-time values: shown once, never stored in plaintext."""

    access_key: AccessKey
    satellite_address: str
    api_key: str | None = None
    access_grant: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_endpoint: str | None = None
    generated_passphrase: str | None = None


# --- validation, usable one step at a time by the dialog ---------------------


def validate_name(project, name: str) -> str:
    """The cleaned name; required, at most 100 characters, unique in the project."""
    name = (name or "").strip()
    if not name:
        raise AccessError({"name": ["Enter a name for the access."]})
    if len(name) > NAME_MAX_LENGTH:
        raise AccessError({"name": [f"The name can be at most {NAME_MAX_LENGTH} characters long."]})
    if AccessKey.objects.active().filter(project=project, name=name).exists():
        raise AccessError({"name": ["This name is already in use"]})
    return name


def validate_type(type_: str) -> str:
    if type_ not in AccessKey.Type.values:
        raise AccessError({"type": ["Choose S3 Credentials, Access Grant or API Key."]})
    return type_


def validate_permissions(permissions: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(permissions)
    unknown = chosen - set(PERMISSION_NAMES)
    if unknown:
        raise AccessError({"permissions": [f"Unknown permission: {', '.join(sorted(unknown))}."]})
    if not chosen:
        raise AccessError({"permissions": ["Select at least one permission."]})
    return chosen


def validate_object_lock(permissions: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(permissions)
    unknown = chosen - set(OBJECT_LOCK_NAMES)
    if unknown:
        raise AccessError(
            {"object_lock": [f"Unknown object lock permission: {', '.join(sorted(unknown))}."]}
        )
    return chosen


def validate_buckets(project, buckets: Iterable[str] | None) -> tuple[str, ...] | None:
    if buckets is None:
        return None
    names = tuple(dict.fromkeys(buckets))  # keep order, drop repeats
    if not names:
        raise AccessError({"buckets": ["Select at least one bucket, or choose All Buckets."]})
    known = set(project.buckets.filter(name__in=names).values_list("name", flat=True))
    unknown = [name for name in names if name not in known]
    if unknown:
        raise AccessError({"buckets": [f"This project has no bucket named {', '.join(unknown)}."]})
    return names


def validate_expiration(expires_at: datetime | None, now: datetime) -> datetime | None:
    if expires_at is not None and expires_at <= now:
        raise AccessError({"expires_at": ["The expiration date must be in the future."]})
    return expires_at


def needs_passphrase(project, type_: str) -> bool:
    """Whether the user must give a passphrase: not for API keys or managed projects."""
    return type_ != AccessKey.Type.API_KEY and not project.is_managed


def validate_passphrase(choice: str, value: str | None) -> str | None:
    """The passphrase to use; None when one must be generated here."""
    if choice not in PASSPHRASE_CHOICES:
        raise AccessError({"passphrase": ["Choose how to set the encryption passphrase."]})
    if choice == "generate":
        if value and not passphrase.is_valid_mnemonic(value):
            raise AccessError(
                {"passphrase": ["The generated passphrase is not a valid 12-word phrase."]}
            )
        return value or None
    if not value:
        message = "Enter your passphrase." if choice == "current" else "Enter a new passphrase."
        raise AccessError({"passphrase": [message]})
    return value


# --- creation ----------------------------------------------------------------


def _restriction_caveat(
    permissions: frozenset[str],
    object_lock: frozenset[str],
    buckets: tuple[str, ...] | None,
    not_before: datetime,
    not_after: datetime | None,
) -> caveat_mod.Caveat:
    """One disallow flag per permission not granted, one Path per bucket."""
    granted = permissions | object_lock
    flags = {flag: name not in granted for name, flag in DISALLOW_FLAGS.items()}
    return caveat_mod.Caveat(
        **flags,
        allowed_paths=[caveat_mod.CaveatPath(bucket=name.encode()) for name in buckets or ()],
        not_before=not_before,
        not_after=not_after,
        nonce=secrets.token_bytes(4),
    )


def _clean(project, choices: AccessChoices, now: datetime) -> dict:
    """Validate every choice, gathering every field's error into one AccessError."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def attempt(key, check, *args):
        try:
            cleaned[key] = check(*args)
        except AccessError as exc:
            errors.update(exc.errors)

    attempt("name", validate_name, project, choices.name)
    if len(choices.description or "") > DESCRIPTION_MAX_LENGTH:
        errors["description"] = [
            f"The description can be at most {DESCRIPTION_MAX_LENGTH} characters long."
        ]
    attempt("type", validate_type, choices.type)
    if choices.full_access:
        cleaned.update(
            permissions=frozenset(PERMISSION_NAMES),
            object_lock=FULL_ACCESS_OBJECT_LOCK,
            buckets=None,
            expires_at=None,
        )
    else:
        attempt("permissions", validate_permissions, choices.permissions)
        attempt("object_lock", validate_object_lock, choices.object_lock)
        attempt("buckets", validate_buckets, project, choices.buckets)
        attempt("expires_at", validate_expiration, choices.expires_at, now)
    if errors.get("type") is None and needs_passphrase(project, choices.type):
        attempt("passphrase", validate_passphrase, choices.passphrase_choice, choices.passphrase)
    if errors:
        raise AccessError(errors)
    return cleaned


def create_access(
    project, user, choices: AccessChoices, now: datetime | None = None
) -> CreatedAccess:
    """Validate everything, write it in one transaction, return the one-time values."""
    now = now or timezone.now()
    cleaned = _clean(project, choices, now)
    type_ = cleaned["type"]

    root, secret = macaroon.new_root_key()
    restriction = _restriction_caveat(
        cleaned["permissions"],
        cleaned["object_lock"],
        cleaned["buckets"],
        not_before=now,
        not_after=cleaned["expires_at"],
    )
    api_key = macaroon.restrict(root, caveat_mod.encode(restriction))
    api_key_string = macaroon.to_api_key_string(api_key)

    generated = None
    access_grant = None
    if type_ != AccessKey.Type.API_KEY:
        if project.is_managed:
            phrase = console_keyring.managed_passphrase(project)
        else:
            phrase = cleaned["passphrase"]
            if phrase is None:
                phrase = generated = passphrase.generate_mnemonic()
        root_key = passphrase.derive_root_key(phrase, bytes(project.salt))
        buckets = list(cleaned["buckets"]) if cleaned["buckets"] is not None else None
        access_grant = grant_mod.serialize_grant(
            grant_mod.Scope(
                satellite_addr=settings.SATELLITE_ADDRESS,
                api_key=macaroon.serialize(api_key),
                encryption_access=grant_mod.encryption_access_for(root_key, buckets),
            )
        )

    secret_encrypted, secret_key_id = keyring.encrypt_macaroon_secret(root.head, secret)
    permissions, object_lock = cleaned["permissions"], cleaned["object_lock"]
    key = AccessKey(
        project=project,
        name=cleaned["name"],
        description=(choices.description or "").strip(),
        type=type_,
        created_by=user,
        created_at=now,
        user_agent=(choices.user_agent or "")[:512],
        head=root.head,
        secret_encrypted=secret_encrypted,
        secret_key_id=secret_key_id,
        full_access=choices.full_access,
        all_buckets=cleaned["buckets"] is None,
        not_before=now,
        not_after=cleaned["expires_at"],
        **{field: name in permissions for name, field in PERMISSION_FIELDS.items()},
        **{field: name in object_lock for name, field in OBJECT_LOCK_FIELDS.items()},
    )

    s3 = {}
    try:
        with transaction.atomic():
            key.save()
            if cleaned["buckets"] is not None:
                key.buckets.set(project.buckets.filter(name__in=cleaned["buckets"]))
            if type_ == AccessKey.Type.S3_CREDENTIALS:
                s3 = _register_s3_credentials(key, access_grant, now)
    except IntegrityError as exc:
        # Two creations with the same name at once: the unique index picks one.
        if AccessKey.objects.active().filter(project=project, name=key.name).exists():
            raise AccessError({"name": ["This name is already in use"]}) from exc
        raise

    return CreatedAccess(
        access_key=key,
        satellite_address=settings.SATELLITE_ADDRESS,
        api_key=api_key_string,
        access_grant=access_grant,
        s3_access_key=s3.get("access_key"),
        s3_secret_key=s3.get("secret_key"),
        s3_endpoint=settings.S3_ENDPOINT if s3 else None,
        generated_passphrase=generated,
    )


def _register_s3_credentials(key: AccessKey, access_grant: str, now: datetime) -> dict:
    """Store the record as Storj's auth service does, encrypted under the key ID."""
    k, access_key_id = s3credentials.generate_access_key_id()
    secret_key = s3credentials.generate_secret_key()
    enc_secret, enc_grant = s3credentials.encrypt_record(k, secret_key, access_grant)
    S3Credential.objects.create(
        access_key=key,
        key_hash=s3credentials.key_hash(k),
        secret_key_encrypted=enc_secret,
        access_grant_encrypted=enc_grant,
        expires_at=key.not_after,
        public=False,
        created_at=now,
    )
    return {"access_key": access_key_id, "secret_key": secret_key}


def restrictions_of(key: AccessKey) -> dict:
    """What a key allows, for the audit log: never a secret."""
    return {
        "access": key.name,
        "type": key.type,
        "full_access": key.full_access,
        "permissions": key.permission_labels(),
        "object_lock": key.object_lock_labels(),
        "buckets": sorted(b.name for b in key.buckets.all()) if not key.all_buckets else "all",
        "expires_at": key.not_after.isoformat() if key.not_after else None,
    }


# --- deletion ----------------------------------------------------------------


def delete_accesses(project, user, ids: Iterable[int], now: datetime | None = None) -> list[str]:
    """Revoke the accesses with these ids, all or nothing; returns their names.

    A Member may delete only the accesses they created, an Admin any. Revoking
    makes every grant and S3 credential made from the key stop working.
    """
    now = now or timezone.now()
    ids = {int(i) for i in ids}
    if not ids:
        raise AccessError({"__all__": ["Select at least one access key to delete."]})
    role = (
        Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()
    )
    if role is None:
        raise AccessError({"__all__": ["You are not a member of this project."]})

    with transaction.atomic():
        keys = list(
            AccessKey.objects.active()
            .select_for_update()
            .filter(project=project, id__in=ids)
            .order_by("name")
        )
        if len(keys) != len(ids):
            raise AccessError(
                {
                    "__all__": [
                        "Some of the selected access keys no longer exist. Nothing was deleted."
                    ]
                }
            )
        if role != Membership.Role.ADMIN:
            others = [key.name for key in keys if key.created_by_id != user.id]
            if others:
                raise AccessError(
                    {
                        "__all__": [
                            "Members can delete only the access keys they created. "
                            f"Not yours: {', '.join(others)}. Nothing was deleted."
                        ]
                    }
                )
        AccessKey.objects.filter(id__in=[key.id for key in keys]).update(revoked_at=now)
    return [key.name for key in keys]
