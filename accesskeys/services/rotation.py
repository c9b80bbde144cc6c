"""Rotating a key: a new key with the same type, restrictions and expiration, and an overlap.

The new key is made by the creation service (the same rules, the same key
material, the same passphrase choices) and takes the old key's name and
description. The old key is renamed "<name> (replaced <date>)" and expires
when the overlap chosen ends, so the tools that use it keep working until
they have switched: from then on the auth service stops resolving its S3
credentials and the satellite refuses it. The rename, the expiry, the new key
and the one audit event naming both keys are one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accesskeys.models import AccessKey, S3Credential
from accesskeys.services import access_create, access_rules
from accesskeys.services.access_create import CreateAccessRequest, CreatedAccess
from console import audit, key_lifetimes
from console.audit import Origin
from console.models import AuditEvent, Membership


@dataclass(frozen=True)
class Overlap:
    code: str  # in URLs, forms, the API and the command
    label: str
    length: timedelta


# How long the old key keeps working after a rotation.
OVERLAPS = (
    Overlap("now", "Now (stop the old key at once)", timedelta(0)),
    Overlap("1d", "1 day", timedelta(days=1)),
    Overlap("7d", "7 days", timedelta(days=7)),
    Overlap("30d", "30 days", timedelta(days=30)),
)
OVERLAP_BY_CODE = {o.code: o for o in OVERLAPS}
DEFAULT_OVERLAP = "7d"
REPLACED_SUFFIX = " (replaced {date})"

MESSAGES = {
    "not_allowed": "Only project Admins and the key's creator can rotate it.",
    "gone": "This access key has been deleted: it can no longer be rotated.",
    "expired": "This access key has expired: create a new one instead of rotating it.",
    "replaced": "This access key has already been replaced by “%(value)s”.",
    "registered": (
        "These S3 credentials were registered through the auth service API: "
        "rotate the access key they were made from."
    ),
    "overlap": "Choose how long the old key keeps working: "
    + ", ".join(o.code for o in OVERLAPS[:-1])
    + f" or {OVERLAPS[-1].code}.",
}


def _refuse(rule: str, value: str | None = None, field: str = "__all__") -> ValidationError:
    message = MESSAGES[rule]
    if value is not None:
        message = message % {"value": value}
    # The code names the rule ("rotation_replaced"): the API answers by it.
    return ValidationError({field: [ValidationError(message, code=f"rotation_{rule}")]})


@dataclass(frozen=True)
class RotatedAccess:
    created: CreatedAccess  # the new key and its one-time values
    replaced: AccessKey  # the old key, renamed, expiring at the overlap's end

    @property
    def old_key_stops_at(self) -> datetime:
        return self.replaced.not_after


def may_rotate(membership, key: AccessKey) -> bool:
    """The rule of deletion and renaming: Admins for any key, Members for their own."""
    return access_rules.may_change(membership, key)


def replacement_of(key: AccessKey) -> AccessKey | None:
    """The key made to replace this one, if any: one query, then kept on the key."""
    try:
        return key.replaced_by
    except AccessKey.DoesNotExist:
        return None


def refusal(membership, key: AccessKey | None, now: datetime) -> ValidationError | None:
    """Why this member may not rotate this key now; None when they may."""
    if membership is None:
        return access_rules.refuse("__all__", "not_member")
    if key is None or key.revoked_at is not None:
        return _refuse("gone")
    if not may_rotate(membership, key):
        return _refuse("not_allowed")
    if key.parent_id is not None:
        return _refuse("registered")
    replacement = replacement_of(key)
    if replacement is not None:
        return _refuse("replaced", replacement.name)
    if key.not_after is not None and key.not_after <= now:
        return _refuse("expired")
    return None


def replacement_request(
    project, key: AccessKey, now: datetime, passphrase_choice: str, passphrase: str | None
) -> CreateAccessRequest:
    """The new key: the old one's name, description and stored restrictions as a whole,
    its expiration kept unless the project's maximum lifetime now ends sooner."""
    restrictions = access_create.stored_restrictions(key)
    latest = key_lifetimes.latest_expiration(project, now)
    expires = restrictions["expires_at"]
    if latest is not None and (expires is None or expires > latest):
        restrictions["expires_at"] = latest
    return CreateAccessRequest(
        name=key.name,
        description=key.description,
        **restrictions,
        passphrase_choice=passphrase_choice,
        passphrase=passphrase,
    )


def replaced_name(key: AccessKey, now: datetime) -> str:
    """'<name> (replaced 2026-12-04)', shortened to fit and numbered if already taken."""
    suffix = REPLACED_SUFFIX.format(date=now.date().isoformat())
    base = key.name[: access_rules.NAME_MAX_LENGTH - len(suffix) - 3].rstrip() + suffix
    return access_rules.free_name(key.project_id, base)


def rotate_access(
    project,
    actor,
    key_id: int,
    overlap: str = DEFAULT_OVERLAP,
    passphrase_choice: str = access_rules.PASSPHRASE_CHOICES[0],  # "current"
    passphrase: str | None = None,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> RotatedAccess:
    """Replace a live key by a new one with the same restrictions; the old key
    stops when the overlap ends. One transaction, one audit event."""
    return rotate_accesses(
        project, actor, [key_id], overlap, passphrase_choice, passphrase, origin, now
    )[0]


def rotate_accesses(
    project,
    actor,
    key_ids: list[int],
    overlap: str = DEFAULT_OVERLAP,
    passphrase_choice: str = access_rules.PASSPHRASE_CHOICES[0],  # "current"
    passphrase: str | None = None,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> list[RotatedAccess]:
    """Rotate several keys with one overlap and passphrase: all of them, or none.
    One audit event per key, each naming both of its keys."""
    now = now or timezone.now()
    origin = origin or Origin()
    if overlap not in OVERLAP_BY_CODE:
        raise _refuse("overlap", field="overlap")
    ends = now + OVERLAP_BY_CODE[overlap].length
    several = len(key_ids) > 1

    membership = Membership.objects.filter(project=project, user=actor).first()
    keys = {
        key.id: key
        for key in AccessKey.objects.prefetch_related("buckets").filter(
            project=project, id__in=key_ids
        )
    }
    # Validated and derived (Argon2id) before the transaction, as a creation is.
    prepared = []
    for key_id in key_ids:
        key = keys.get(key_id)
        refused = refusal(membership, key, now)
        if refused:
            raise _named(refused, key) if several else refused
        request = replacement_request(project, key, now, passphrase_choice, passphrase)
        try:
            prepared.append(
                access_create.prepare_access(project, actor, request, origin, now, replacing=key)
            )
        except ValidationError as exc:
            raise _named(exc, key) if several else exc from None

    with transaction.atomic():
        # Locked in id order, so that two rotations of overlapping keys wait in turn.
        rows = AccessKey.objects.select_for_update().filter(project=project, id__in=key_ids)
        locked = {key.id: key for key in rows.order_by("id")}
        membership = Membership.objects.filter(project=project, user=actor).first()
        return [
            _replace(
                project, actor, locked.get(key_id), membership, new, overlap, ends, origin, now
            )
            for key_id, new in zip(key_ids, prepared, strict=True)
        ]


def _named(error: ValidationError, key: AccessKey | None) -> ValidationError:
    """In a rotation of several keys, which key a message is about."""
    name = f"“{key.name}”: " if key is not None else ""
    return ValidationError(
        {
            field: [
                ValidationError(name + e.message % (e.params or {}), code=e.code) for e in errors
            ]
            for field, errors in error.error_dict.items()
        }
    )


def _replace(project, actor, old, membership, prepared, overlap, ends, origin, now):
    """Rename and expire the locked old key, save the new one, write the event."""
    refused = refusal(membership, old, now)
    if refused:
        raise refused
    old.name = replaced_name(old, now)
    if old.not_after is None or old.not_after > ends:
        old.not_after = ends
    old.save(update_fields=["name", "not_after"])
    _expire_credentials(old, ends)
    prepared.key.replaces = old
    created = access_create.save_access(project, actor, prepared, origin, now, audited=False)
    audit.write_from(
        origin,
        AuditEvent.Action.ACCESS_ROTATED,
        project=project,
        actor=actor,
        **access_rules.restrictions_of(created.key),
        replaced=old.name,
        overlap=OVERLAP_BY_CODE[overlap].label,
        replaced_until=old.not_after.isoformat(),
        passphrase=access_create.passphrase_detail(project, prepared.request),
    )
    return RotatedAccess(created=created, replaced=old)


def _expire_credentials(old: AccessKey, ends: datetime) -> None:
    """The old key's S3 credentials, and those registered through the API from it
    (their grants carry its macaroon), stop resolving when the overlap ends."""
    later = Q(expires_at__isnull=True) | Q(expires_at__gt=ends)
    registered = AccessKey.objects.filter(parent=old, revoked_at__isnull=True)
    registered.filter(Q(not_after__isnull=True) | Q(not_after__gt=ends)).update(not_after=ends)
    S3Credential.objects.filter(Q(access_key=old) | Q(access_key__parent=old)).filter(later).update(
        expires_at=ends
    )
