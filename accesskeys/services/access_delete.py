"""Deleting (revoking) access keys, all or nothing, audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import timezone

from accesskeys.credential_types import BY_VALUE as CREDENTIAL_TYPES
from accesskeys.models import AccessKey
from accesskeys.services.access_rules import may_change, membership_of, refuse
from console import audit, metrics
from console.audit import Origin
from console.models import AuditEvent, Membership


def delete_accesses(
    project,
    actor,
    ids: Iterable[int],
    origin: Origin | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Revoke the accesses with these ids and audit it, all or nothing; returns their names.

    A Member may delete only the accesses they created, an Admin any. Revoking
    makes every grant and S3 credential made from the key stop working, and
    revokes the S3 credentials registered through the API from it (their
    names are returned too).
    """
    now = now or timezone.now()
    origin = origin or Origin()
    ids = {int(i) for i in ids}
    if not ids:
        raise refuse(NON_FIELD_ERRORS, "delete_none")
    membership = membership_of(project, actor)

    with transaction.atomic():
        keys = _deletable_keys(project, membership, ids)
        # S3 credentials registered through the API from a key go with it: their
        # grant carries its macaroon, which the satellite no longer honours.
        registered = list(
            AccessKey.objects.not_revoked()
            .select_for_update()
            .filter(parent__in=keys)
            .exclude(id__in=ids)
            .order_by("name")
        )
        keys += registered
        AccessKey.objects.filter(id__in=[key.id for key in keys]).update(revoked_at=now)
        names = [key.name for key in keys]
        audit.write_from(
            origin, AuditEvent.Action.ACCESS_DELETED, project=project, actor=actor, accesses=names
        )
    for key in keys:
        metrics.ACCESSES_DELETED.labels(
            CREDENTIAL_TYPES[key.type].command_name, origin.channel
        ).inc()
    return names


def _deletable_keys(project, membership: Membership, ids: set[int]) -> list[AccessKey]:
    """The keys, locked for the deletion, once every one of them may go."""
    keys = list(
        AccessKey.objects.not_revoked()
        .select_for_update()
        .filter(project=project, id__in=ids)
        .order_by("name")
    )
    if len(keys) != len(ids):
        raise refuse(NON_FIELD_ERRORS, "delete_gone")
    others = [key.name for key in keys if not may_change(membership, key)]
    if others:
        raise refuse(NON_FIELD_ERRORS, "delete_not_yours", others)
    return keys
