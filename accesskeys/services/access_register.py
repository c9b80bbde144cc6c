"""Registering S3 credentials for a grant made from one of our keys: the auth
service API's POST /v1/access (storj/edge `pkg/auth/authdb/db.go` `Database.Put`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accesskeys import macaroon_secrets, permissions
from accesskeys.credential_types import BY_VALUE as CREDENTIAL_TYPES
from accesskeys.models import AccessKey
from accesskeys.services.access_create import register_s3_credentials
from accesskeys.services.access_rules import (
    NAME_MAX_LENGTH,
    USER_AGENT_MAX_LENGTH,
    free_name,
    restrictions_of,
)
from console import audit, metrics
from console.audit import Origin
from console.models import AuditEvent
from storjformat import caveat as caveat_mod
from storjformat import grant as grant_mod
from storjformat import macaroon
from storjformat.errors import FormatError

# Edge registers a grant no sooner than a minute before it expires
# (pkg/auth/authdb/db.go, Database.Put).
MIN_REGISTERED_LIFETIME = timedelta(minutes=1)


# The usage tags edge knows (authdb.processUsageTags); anything else is refused.
KNOWN_USAGE_TAGS = frozenset({"mcp"})


REGISTERED_SUFFIX = " (S3 via API)"


class RegistrationError(Exception):
    """A grant the auth service refuses to register; the message is edge's wording.

    Edge answers these with 400 and the error text, whose class prefix
    ("access grant: ", "invalid tag: ") says what was wrong.
    """


@dataclass(frozen=True)
class RegisteredCredentials:
    key: AccessKey  # the new row in the project's Access Keys list
    s3_access_key: str
    s3_secret_key: str
    s3_endpoint: str


def usage_tags_of(tags: Iterable[str]) -> tuple[str, ...]:
    """Edge's processUsageTags: lowercased, sorted, deduplicated, known tags only."""
    cleaned = sorted({tag.lower() for tag in tags})
    for tag in cleaned:
        if "," in tag:
            raise RegistrationError("invalid tag: can't contain commas")
        if tag and tag not in KNOWN_USAGE_TAGS:
            raise RegistrationError(f"invalid tag: unknown tag {json.dumps(tag)}")
    return tuple(tag for tag in cleaned if tag)


def _grant_restrictions(project, caveats: list[caveat_mod.Caveat]) -> dict:
    """What a grant's caveats allow, as the restriction fields of an AccessKey.

    Every caveat must allow an action, so a permission is kept only when no
    caveat disallows it, the buckets are those every path-restricting caveat
    names, and the validity window is the narrowest one.
    """
    fields = {
        p.field: not any(getattr(cav, p.caveat_flag) for cav in caveats)
        for p in permissions.PERMISSIONS
    }
    # The legacy disallow_locks (field 5) denies every object-lock action
    # (storj/common macaroon/apikey.go).
    locks_disallowed = any(cav.disallow_locks for cav in caveats)
    if locks_disallowed:
        for p in permissions.in_group(permissions.OBJECT_LOCK):
            fields[p.field] = False
    ttls = [cav.max_object_ttl for cav in caveats if cav.max_object_ttl is not None]
    unknown = sorted({num for cav in caveats for num in cav.unknown_fields})
    others = ["Object lock: not allowed"] if locks_disallowed else []
    others += [
        f"Caveat field {num}: a restriction this console does not know; "
        "it may allow less than shown"
        for num in unknown
    ]
    bucket_names: set[str] | None = None
    prefixed = False
    for cav in caveats:
        if not cav.allowed_paths:
            continue
        names = {p.bucket.decode("utf-8", "replace") for p in cav.allowed_paths}
        prefixed = prefixed or any(p.encrypted_path_prefix for p in cav.allowed_paths)
        bucket_names = names if bucket_names is None else bucket_names & names
    ends = [cav.not_after for cav in caveats if cav.not_after is not None]
    starts = [cav.not_before for cav in caveats if cav.not_before is not None]
    granted = {p.name for p in permissions.PERMISSIONS if fields[p.field]}
    return {
        **fields,
        "full_access": (
            granted == permissions.FULL_ACCESS
            and bucket_names is None
            and not ends
            and not ttls
            and not others
        ),
        "max_object_ttl": min(ttls) if ttls else None,
        "other_restrictions": others,
        "all_buckets": bucket_names is None,
        "bucket_objects": (
            list(project.buckets.filter(name__in=bucket_names)) if bucket_names else []
        ),
        "prefixed": prefixed,
        "not_after": min(ends) if ends else None,
        "not_before": max(starts) if starts else None,
    }


def _plain_prefixes(scope: grant_mod.Scope, caveats: list[caveat_mod.Caveat]) -> list[list[str]]:
    """The prefixes of a registered grant in plain text, from its own encryption store.

    `uplink share --prefix` writes, for each shared path, a store entry holding
    both the encrypted prefix the caveat names and the unencrypted one. The last
    caveat that names paths is the narrowest; a path without such an entry is left
    out (the description then says the key is limited to prefixes).
    """
    with_paths = [cav for cav in caveats if cav.allowed_paths]
    if not with_paths:
        return []
    plain = {
        (entry.bucket, entry.encrypted_path): entry.unencrypted_path
        for entry in scope.encryption_access.store_entries
    }
    out = []
    for path in with_paths[-1].allowed_paths:
        found = plain.get((path.bucket, path.encrypted_path_prefix))
        if path.encrypted_path_prefix and found:
            try:
                out.append([path.bucket.decode("utf-8"), found.decode("utf-8")])
            except UnicodeDecodeError:
                continue
    return out


def _registered_name(parent: AccessKey) -> str:
    """A free name in the project: the parent's name, marked, numbered if taken."""
    base = parent.name[: NAME_MAX_LENGTH - len(REGISTERED_SUFFIX) - 4] + REGISTERED_SUFFIX
    return free_name(parent.project_id, base)


def register_grant(
    access_grant: str,
    public: bool = False,
    usage_tags: Iterable[str] = (),
    origin: Origin | None = None,
    now: datetime | None = None,
) -> RegisteredCredentials:
    """Register S3 credentials for a grant made from one of our keys, as edge's Put does.

    The grant's API key must be a live key of one of our projects with a valid
    signature chain (we hold its head and secret); its satellite must be ours.
    The credentials become a new row of that project's Access Keys list,
    linked to the key the grant was made from, and the audit event says they
    were registered through the API: one transaction.
    """
    now = now or timezone.now()
    origin = origin or Origin()
    tags = usage_tags_of(usage_tags)
    try:
        scope = grant_mod.parse_grant(access_grant)
        api_key = macaroon.parse(scope.api_key)
        caveats = [caveat_mod.decode(raw) for raw in api_key.caveats]
    except FormatError as exc:
        raise RegistrationError(f"access grant: {exc}") from None
    if scope.satellite_addr != settings.SATELLITE_ADDRESS:
        raise RegistrationError(
            f"access grant: disallowed satellite: {json.dumps(scope.satellite_addr)}"
        )
    _check_lifetime(caveats, now)

    with transaction.atomic():
        # Locked so that a deletion of the key and this registration cannot interleave.
        parent = (
            AccessKey.objects.select_for_update()
            .select_related("project")
            .filter(head=api_key.head, parent__isnull=True)
            .first()
        )
        if parent is None or not macaroon.verify(
            api_key,
            macaroon_secrets.decrypt_macaroon_secret(
                parent.head, parent.secret_encrypted, parent.secret_key_id
            ),
        ):
            # Unknown head and forged signature read alike: nothing to probe.
            raise RegistrationError("access grant: the API key was not issued by this console")
        if parent.revoked_at is not None:
            raise RegistrationError("access grant: the API key has been deleted")
        project = parent.project
        restrictions = _grant_restrictions(project, caveats)
        prefixes = _plain_prefixes(scope, caveats)
        key = AccessKey.objects.create(
            project=project,
            parent=parent,
            name=_registered_name(parent),
            description=(
                f"Registered through the auth service API from “{parent.name}”."
                + (
                    " Limited to object key prefixes within its buckets."
                    if restrictions["prefixed"] and not prefixes
                    else ""
                )
            ),
            type=AccessKey.Type.S3_CREDENTIALS,
            created_by=parent.created_by,
            created_at=now,
            user_agent=origin.user_agent[:USER_AGENT_MAX_LENGTH],
            full_access=restrictions["full_access"],
            all_buckets=restrictions["all_buckets"],
            not_before=restrictions["not_before"] or now,
            not_after=restrictions["not_after"],
            max_object_ttl=restrictions["max_object_ttl"],
            other_restrictions=restrictions["other_restrictions"],
            prefixes=prefixes,
            **{p.field: restrictions[p.field] for p in permissions.PERMISSIONS},
        )
        if not restrictions["all_buckets"]:
            key.buckets.set(restrictions["bucket_objects"])
        s3 = register_s3_credentials(key, access_grant, now, public=public, usage_tags=tags)
        audit.write(
            AuditEvent.Action.ACCESS_CREATED,
            project=project,
            ip_address=origin.ip_address,
            user_agent=origin.user_agent,
            **restrictions_of(key),
            registered_through="auth service API (POST /v1/access)",
            registered_from=parent.name,
            public=public,
        )
    metrics.ACCESSES_CREATED.labels(CREDENTIAL_TYPES[key.type].command_name, "auth_service").inc()
    return RegisteredCredentials(
        key=key,
        s3_access_key=s3["access_key"],
        s3_secret_key=s3["secret_key"],
        s3_endpoint=settings.S3_ENDPOINT,
    )


def _check_lifetime(caveats: list[caveat_mod.Caveat], now: datetime) -> None:
    """Refuse a grant that expires within a minute (or already has), as edge does."""
    ends = [cav.not_after for cav in caveats if cav.not_after is not None]
    if ends and min(ends) < now + MIN_REGISTERED_LIFETIME:
        raise RegistrationError("access grant: expiration cannot be shorter than a minute")
