"""The access-key operations' request and response shapes (accesskeys/api.py); the
OpenAPI document is generated from them."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import WithJsonSchema

from accesskeys import credential_types, permissions
from accesskeys.access_table import SORTS
from accesskeys.models import AccessKey
from accesskeys.services import rotation
from console.api_common import Id, Page, Text, UnstoredText

# Names as the create_access command takes them, from the two tables.
TypeName = Literal[tuple(credential_types.BY_COMMAND_NAME)]
Permission = Literal[permissions.names(permissions.BASIC)]
ObjectLockPermission = Literal[permissions.names(permissions.OBJECT_LOCK)]
NotificationPermission = Literal[permissions.names(permissions.NOTIFICATION)]
# The Access Keys page's sorts ("name", "-last_used", ...), from its one table.
Sort = Literal[tuple(SORTS)]


def permission_name(group: str):
    """A permission name as given: documented as the table's names of the group, and
    checked by the one parser of "create an access", in the dialog's words."""
    names = list(permissions.names(group))
    return Annotated[Text, WithJsonSchema({"type": "string", "enum": names})]


GivenPermission = permission_name(permissions.BASIC)
GivenObjectLockPermission = permission_name(permissions.OBJECT_LOCK)
GivenNotificationPermission = permission_name(permissions.NOTIFICATION)


def _granted(key: AccessKey, group: str) -> list[str]:
    return [p.name for p in permissions.in_group(group) if getattr(key, p.field)]


class PathIn(Schema):
    bucket: Text
    # Plain str: the service's prefix rules (NUL, length, leading "/") give the message.
    prefix: str = Field(
        description="Object-key prefix, e.g. `2026/`: UTF-8 without NUL, at most 1,024 bytes, "
        "not starting with `/`. Empty: the whole bucket."
    )


class PathOut(Schema):
    bucket: str
    prefix: str = Field(description="As given when the key was made, in plain text.")


class AccessOut(Schema):
    """An access as the API shows it, read from the AccessKey (with `creator_is_member`
    set by the view, which knows the project's members)."""

    id: int
    name: str
    description: str
    type: TypeName
    status: Literal["active", "expired", "revoked"]
    created_at: datetime
    created_by: str | None = Field(description="The creator's email; null if the user is gone.")
    creator_is_member: bool
    full_access: bool
    permissions: list[Permission]
    object_lock: list[ObjectLockPermission]
    notification: list[NotificationPermission]
    buckets: list[str] | None = Field(description="null: all buckets, current and future.")
    paths: list[PathOut] = Field(
        description="Object-key prefixes within `buckets`; empty: each bucket whole."
    )
    max_object_ttl_seconds: int | None = Field(
        description="Objects uploaded with the key expire after at most this many seconds."
    )
    other_restrictions: list[str] = Field(
        description="Further restrictions in words, e.g. of grants registered through the "
        'auth service API ("Object lock: not allowed").'
    )
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    replaces: int | None = Field(
        None, description="The id of the access this one replaced by a rotation."
    )
    replaced_by: int | None = Field(
        None, description="The id of the access that replaced this one by a rotation."
    )

    @staticmethod
    def resolve_type(key: AccessKey) -> str:
        return credential_types.BY_VALUE[key.type].command_name

    @staticmethod
    def resolve_created_by(key: AccessKey) -> str | None:
        return key.created_by.email if key.created_by else None

    @staticmethod
    def resolve_permissions(key: AccessKey) -> list[str]:
        return _granted(key, permissions.BASIC)

    @staticmethod
    def resolve_object_lock(key: AccessKey) -> list[str]:
        return _granted(key, permissions.OBJECT_LOCK)

    @staticmethod
    def resolve_notification(key: AccessKey) -> list[str]:
        return _granted(key, permissions.NOTIFICATION)

    @staticmethod
    def resolve_buckets(key: AccessKey) -> list[str] | None:
        return None if key.all_buckets else sorted(b.name for b in key.buckets.all())

    @staticmethod
    def resolve_expires_at(key: AccessKey) -> datetime | None:
        return key.not_after

    @staticmethod
    def resolve_replaces(key: AccessKey) -> int | None:
        return key.replaces_id

    @staticmethod
    def resolve_replaced_by(key: AccessKey) -> int | None:
        """The key that replaced this one (prefetched with it), if any."""
        try:
            return key.replaced_by.id
        except AccessKey.DoesNotExist:
            return None

    @staticmethod
    def resolve_paths(key: AccessKey) -> list[dict]:
        return [{"bucket": bucket, "prefix": prefix} for bucket, prefix in key.prefixes]

    @staticmethod
    def resolve_max_object_ttl_seconds(key: AccessKey) -> int | None:
        ttl = key.max_object_ttl
        return int(ttl.total_seconds()) if ttl is not None else None

    @staticmethod
    def resolve_other_restrictions(key: AccessKey) -> list[str]:
        return list(key.other_restrictions)


class AccessPage(Page):
    items: list[AccessOut]


class AccessCreate(Schema):
    """The choices of the New Access dialog, named as the create_access command names them.

    Leave out `permissions`, `object_lock`, `notification`, `buckets`, `paths`,
    `max_object_ttl` and `expires` for Full Access; give any of them, or
    `full_access: false`, for Advanced (`full_access: true` with any of them is
    refused). A list given empty is an empty choice, never "all": no permission or
    no bucket is refused, as the dialog refuses it. Permission names are spelled
    exactly as listed.
    """

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"name": "deploy", "type": "s3", "passphrase": "my project passphrase"},
                {
                    "name": "nightly-backup",
                    "type": "api-key",
                    "permissions": ["read", "list"],
                    "buckets": ["backups"],
                    "expires": "2030-01-01T00:00:00Z",
                },
                {
                    "name": "invoices-2026",
                    "type": "s3",
                    "permissions": ["read", "list"],
                    "paths": [{"bucket": "invoices", "prefix": "2026/"}],
                    "max_object_ttl": "30d",
                    "passphrase": "my project passphrase",
                },
            ]
        }
    }

    name: Text
    type: TypeName
    description: Text = ""
    full_access: bool | None = Field(
        None,
        description="true: Full Access; false: Advanced. Default: Advanced when any "
        "restriction is given, else Full Access.",
    )
    permissions: list[GivenPermission] | None = Field(
        None,
        description="Advanced: the permissions granted (left out: all four; empty: refused).",
    )
    object_lock: list[GivenObjectLockPermission] | None = Field(
        None, description="Advanced: object lock permissions granted (default: none)."
    )
    notification: list[GivenNotificationPermission] | None = Field(
        None,
        description="Advanced: bucket notification permissions granted (default: none).",
    )
    buckets: list[Text] | None = Field(
        None,
        description="Advanced: bucket names the access is limited to; left out: all. "
        "Empty: refused (choose at least one bucket).",
    )
    paths: list[PathIn] | None = Field(
        None,
        description="Advanced: only objects under these prefixes (at most 10); each path's "
        "bucket joins `buckets`.",
    )
    max_object_ttl: Text | None = Field(
        None,
        description="Advanced: objects uploaded with the access expire after at most this "
        "long, in hours or days: `12h`, `30d` (1 hour to 3650 days).",
    )
    expires: datetime | None = Field(
        None, description="Advanced: when the access stops working (ISO 8601; UTC if no zone)."
    )
    passphrase: UnstoredText | None = Field(
        None,
        description="Self-Managed projects, S3 credentials and access grants: the encryption "
        "passphrase. Used once, never stored.",
    )
    generate_passphrase: bool = Field(
        False, description="Instead of `passphrase`: generate a 12-word passphrase, returned once."
    )


class CreatedAccessOut(Schema):
    """The new access and its one-time values, under the create_access command's keys."""

    access: AccessOut
    access_key: str | None = Field(description="S3 credentials: the access key ID.")
    secret_key: str | None = Field(description="S3 credentials: the secret key.")
    endpoint: str | None = Field(description="S3 credentials: the S3 endpoint.")
    access_grant: str | None = Field(description="S3 credentials and access grants.")
    api_key: str | None = Field(description="API keys: the API key.")
    satellite_address: str | None = Field(description="API keys: the satellite to use it with.")
    passphrase: str | None = Field(description="The generated passphrase, if one was asked for.")


class DeleteAccesses(Schema):
    ids: list[Id] = Field(min_length=1, max_length=1000)


class AccessUpdate(Schema):
    """Rename an access or change its description; leave out what stays.

    What the access allows cannot change: it is written inside the key.
    """

    model_config = {"json_schema_extra": {"examples": [{"description": "CI deploys"}]}}

    name: Text | None = Field(None, description="The new name (same rules as at creation).")
    description: Text | None = Field(None, description="The new description.")


class Deleted(Schema):
    deleted: list[str] = Field(description="The names of the deleted accesses.")


Overlap = Literal[tuple(o.code for o in rotation.OVERLAPS)]


class AccessRotate(Schema):
    """How long the old access keeps working, and the passphrase for types that encrypt."""

    model_config = {
        "json_schema_extra": {"examples": [{"overlap": "7d", "passphrase": "my passphrase"}]}
    }

    overlap: Overlap = Field(
        rotation.DEFAULT_OVERLAP,
        description="How long the old access keeps working: now, 1d, 7d or 30d. Then it "
        "expires: gateways no longer resolve it.",
    )
    passphrase: UnstoredText | None = Field(
        None,
        description="Self-Managed projects, S3 credentials and access grants: the encryption "
        "passphrase, asked again. Used once, never stored.",
    )
    generate_passphrase: bool = Field(
        False, description="Instead of `passphrase`: generate a 12-word passphrase, returned once."
    )


class RotatedAccessOut(CreatedAccessOut):
    """The new access and its one-time values, and the old access, renamed and expiring."""

    replaced: AccessOut
