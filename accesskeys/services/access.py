"""Creating and deleting accesses: the one entry point the views and commands call.

INTERFACE DRAFT: the implementation lands next; the signatures below are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

PERMISSION_NAMES = ("read", "write", "list", "delete")
OBJECT_LOCK_NAMES = (
    "PutObjectRetention",
    "GetObjectRetention",
    "BypassGovernanceRetention",
    "PutObjectLegalHold",
    "GetObjectLegalHold",
    "PutObjectLockConfiguration",
    "GetObjectLockConfiguration",
)
# Full Access: every permission and object-lock permission but bypassing governance.
FULL_ACCESS_OBJECT_LOCK = frozenset(OBJECT_LOCK_NAMES) - {"BypassGovernanceRetention"}


class AccessError(Exception):
    """Bad choices for a new access. `errors` maps a field to its messages.

    Fields: "name", "description", "type", "permissions", "object_lock",
    "buckets", "expires_at", "passphrase", "__all__".
    """

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


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

    access_key: object  # the AccessKey row
    satellite_address: str
    api_key: str | None = None
    access_grant: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_endpoint: str | None = None
    generated_passphrase: str | None = None
    extra: dict = field(default_factory=dict)


def validate_name(project, name: str) -> str:
    """Return the cleaned name or raise AccessError({"name": [...]}) (required,
    at most 100 characters, "This name is already in use")."""
    raise NotImplementedError


def create_access(
    project, user, choices: AccessChoices, now: datetime | None = None
) -> CreatedAccess:
    """Validate everything, write it in one transaction, return the one-time values."""
    raise NotImplementedError


def delete_accesses(project, user, ids) -> list:
    """Revoke the accesses with these ids, all or nothing. A Member may delete only
    their own; raises AccessError({"__all__": [...]}) naming the keys they may not."""
    raise NotImplementedError
