"""Offboarding: a person leaves a project, and their access keys with them or not.

Removing a member (by an Admin) or leaving (on one's own) first lists the
person's live keys in the project; whoever removes chooses to delete all of
them, keep them, or delete some. The deletions and the removal are one
transaction, with an audit event each: nothing half-done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services import access
from console import membership as memberships
from console.audit import Origin

# What becomes of the person's keys.
DELETE_ALL, KEEP, CHOOSE = "delete", "keep", "choose"
STALE_KEYS = (
    "Some of the chosen access keys are no longer theirs or no longer live. Nothing changed."
)


def live_keys_of(project, user, now: datetime | None = None) -> QuerySet:
    """The person's keys in the project that still work: not deleted, not expired."""
    now = now or timezone.now()
    return (
        AccessKey.objects.not_revoked()
        .filter(project=project, created_by=user)
        .filter(Q(not_after__isnull=True) | Q(not_after__gt=now))
        .order_by(Lower("name"), "id")
    )


@dataclass(frozen=True)
class Removal:
    email: str
    left: bool  # the person removed themselves
    deleted: list[str]  # names of the keys deleted (with S3 credentials registered from them)
    kept: int


def remove_member(
    project,
    actor,
    membership_id: int,
    delete_ids: Iterable[int] = (),
    origin: Origin | None = None,
) -> Removal:
    """Delete the chosen keys of the person, then take them out of the project: one
    transaction. Admins remove anyone but the last Admin; anyone may leave.

    Raises console.membership.MembershipChanged when the rules refuse under the
    lock, access.AccessError when a chosen key is not one of the person's live keys.
    """
    origin = origin or Origin()
    ids = {int(i) for i in delete_ids}
    with transaction.atomic():
        target, admin_count = memberships.lock_memberships(
            project, actor, membership_id, self_allowed=True
        )
        if memberships.is_last_admin(target, admin_count):
            raise memberships.MembershipChanged(
                memberships.LAST_ADMIN.format(email=target.user.email, project=project)
            )
        live = set(live_keys_of(project, target.user).values_list("id", flat=True))
        if not ids <= live:
            raise access.AccessError({"keys": [STALE_KEYS]})
        # While the actor is still a member: a Member leaving deletes their own keys.
        deleted = access.delete_accesses(project, actor, ids, origin) if ids else []
        kept = len(live - ids)
        memberships.remove_membership(
            project,
            target,
            admin_count,
            origin,
            actor,
            access_keys_deleted=len(ids),
            access_keys_kept=kept,
        )
    return Removal(
        email=target.user.email, left=target.user_id == actor.id, deleted=deleted, kept=kept
    )
