"""The API's request and response shapes; the OpenAPI document is generated from them."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Path, Schema
from pydantic import AfterValidator

from accesskeys import credential_types, permissions
from accesskeys.services import rotation
from console.models import AuditEvent

# Names as the create_access command takes them, from the two tables.
TypeName = Literal[tuple(credential_types.BY_COMMAND_NAME)]
Permission = Literal[permissions.names(permissions.BASIC)]
ObjectLockPermission = Literal[permissions.names(permissions.OBJECT_LOCK)]
NotificationPermission = Literal[permissions.names(permissions.NOTIFICATION)]
Action = Literal[tuple(AuditEvent.Action.values)]
Sort = Literal["name", "-name", "created", "-created", "creator", "-creator"]


def _no_surrogates(value: str) -> str:
    # Unpaired surrogates decode from JSON but cannot be stored.
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise ValueError("Text must not contain unpaired surrogate characters.")
    return value


# Text without NUL characters (PostgreSQL cannot store them).
Text = Annotated[str, Field(pattern=r"^[^\x00]*$"), AfterValidator(_no_surrogates)]


# A database id: larger numbers cannot name anything (and overflow SQLite).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


PathId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class FieldError(Schema):
    field: str = Field(description='The field in error; "" for the request as a whole.')
    message: str


class Error(Schema):
    detail: str
    errors: list[FieldError] = []


ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}
# Operations with a body also answer 400 when it is not JSON.
BODY_ERRORS = {400: Error, **ERRORS}


class Page(Schema):
    count: int = Field(description="How many items match, on every page.")
    page: int
    size: int
    pages: int


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


class AccessPage(Page):
    items: list[AccessOut]


class AccessCreate(Schema):
    """The choices of the New Access dialog, named as the create_access command names them.

    Leave out `permissions`, `object_lock`, `notification`, `buckets`, `paths`,
    `max_object_ttl` and `expires` for Full Access; give any of them, or
    `full_access: false`, for Advanced.
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
    permissions: list[Permission] | None = Field(
        None, description="Advanced: the permissions granted (default: all four)."
    )
    object_lock: list[ObjectLockPermission] | None = Field(
        None, description="Advanced: object lock permissions granted (default: none)."
    )
    notification: list[NotificationPermission] | None = Field(
        None,
        description="Advanced: bucket notification permissions granted (default: none).",
    )
    buckets: list[Text] | None = Field(
        None, description="Advanced: bucket names the access is limited to; empty or null: all."
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
    passphrase: Annotated[str, AfterValidator(_no_surrogates)] | None = Field(
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


class BucketOut(Schema):
    name: str
    object_lock: bool
    created_at: datetime


class BucketCreate(Schema):
    name: Text = Field(examples=["backups-2027"])
    object_lock: bool = False


class MemberOut(Schema):
    email: str
    role: Literal["admin", "member"]
    joined_at: datetime


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    action: Action
    action_label: str
    actor: str = Field(description="The email of who did it; empty if unknown.")
    ip_address: str | None
    user_agent: str
    details: dict


class AuditEventPage(Page):
    items: list[AuditEventOut]


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
    passphrase: Annotated[str, AfterValidator(_no_surrogates)] | None = Field(
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
