"""Expiry reminders: each live key's creator hears 7 days and 1 day before it expires.

One run (the send_expiry_reminders command, every hour) finds the keys inside
a threshold, makes a reminder row per key and threshold (at most one: a
unique constraint), claims the unsent rows with one conditional UPDATE (a
row another run claimed lately stays with it), and mails each person once,
listing their keys. A key deleted, or gone from the project's reminders,
between the claim and the mail is left out.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accesskeys.models import AccessKey, ExpiryReminder
from console import mail

THRESHOLDS = (1, 7)  # days before the expiry, tightest first
# A claim older than this, never marked sent, was left by a run that stopped.
STALE_CLAIM = timedelta(minutes=30)


@dataclass
class RunResult:
    mails: int = 0
    keys: int = 0
    failed: int = 0


def _threshold_of(key: AccessKey, now) -> int:
    """The tightest threshold the key's expiry is inside."""
    return next(days for days in THRESHOLDS if key.not_after <= now + timedelta(days=days))


def _due_keys(now):
    """Live keys expiring within the widest threshold, in projects that want reminders,
    made by someone who is still an active member of the project."""
    return (
        AccessKey.objects.filter(
            revoked_at__isnull=True,
            not_after__gt=now,
            not_after__lte=now + timedelta(days=max(THRESHOLDS)),
            project__expiry_reminders=True,
            created_by__is_active=True,
            # Only a current member can open the key's page the mail links to.
            project__memberships__user=F("created_by"),
        )
        .select_related("project", "created_by")
        .order_by("not_after", "id")
    )


def _claim(now, run_id: str) -> list[ExpiryReminder]:
    keys = list(_due_keys(now))
    ExpiryReminder.objects.bulk_create(
        [
            ExpiryReminder(
                access_key=key, days_before=_threshold_of(key, now), not_after=key.not_after
            )
            for key in keys
        ],
        ignore_conflicts=True,
    )
    if not keys:
        return []
    wanted = Q()
    for key in keys:
        wanted |= Q(access_key=key, days_before=_threshold_of(key, now), not_after=key.not_after)
    # The claim: rows nobody holds (or whose holder stopped long ago) become ours.
    ExpiryReminder.objects.filter(wanted, sent_at__isnull=True).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM)
    ).update(claimed_at=now, claimed_by=run_id)
    return list(
        ExpiryReminder.objects.filter(claimed_by=run_id, sent_at__isnull=True).select_related(
            "access_key__project", "access_key__created_by"
        )
    )


def key_link(key: AccessKey) -> str:
    return settings.CONSOLE_URL + reverse("accesskeys:detail", args=[key.project.public_id, key.id])


def send_due_reminders(now=None) -> RunResult:
    now = now or timezone.now()
    run_id = secrets.token_hex(8)
    claimed = _claim(now, run_id)
    by_person = defaultdict(list)
    for reminder in claimed:
        by_person[reminder.access_key.created_by].append(reminder)

    result = RunResult()
    for person, reminders in by_person.items():
        # Deleted, given another expiry, or their project's reminders turned off since
        # the claim: left out.
        live = set(
            AccessKey.objects.filter(
                id__in=[r.access_key_id for r in reminders],
                revoked_at__isnull=True,
                project__expiry_reminders=True,
            ).values_list("id", "not_after")
        )
        mentioned = [r for r in reminders if (r.access_key_id, r.not_after) in live]
        ids = [r.id for r in reminders]
        if not mentioned:
            ExpiryReminder.objects.filter(id__in=ids).update(sent_at=now)
            continue
        keys = sorted((r.access_key for r in mentioned), key=lambda k: (k.not_after, k.name))
        context = {
            "keys": [
                {
                    "name": key.name,
                    "project_name": key.project.name,
                    "not_after": key.not_after,
                    "link": key_link(key),
                }
                for key in keys
            ],
            "soonest": keys[0].not_after,
            "settings_hint": True,
        }
        try:
            mail.send("expiry_reminder", person.email, context)
        except mail.MailNotSent:
            # Released: the next run tries again.
            ExpiryReminder.objects.filter(id__in=ids).update(claimed_at=None, claimed_by="")
            result.failed += 1
            continue
        ExpiryReminder.objects.filter(id__in=ids).update(sent_at=timezone.now())
        result.mails += 1
        result.keys += len(mentioned)
    return result
