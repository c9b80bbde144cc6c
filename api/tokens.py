"""Issuing, finding and revoking personal API tokens.

A token is "akc_" followed by 43 URL-safe characters (256 random bits). The
prefix lets secret scanners and people recognise one; the database keeps
only its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from console import audit, two_factor
from console.models import AuditEvent, Membership
from console.two_factor import TwoFactorRequired

PREFIX = "akc_"
# The expiry choices of the page and the command, in days; None: never.
EXPIRY_DAYS = (30, 90, 365, None)
# "Last used" is written at most once a minute per token, so a busy script
# does not turn every request into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def expiry_moment(days: int | None, now: datetime) -> datetime | None:
    return now + timedelta(days=days) if days else None


def issue(
    user,
    project,
    name: str,
    expires_days: int | None,
    *,
    request=None,
    user_agent: str = "",
) -> tuple[ApiToken, str]:
    """A new token and its audit event, in one transaction; returns the plaintext once."""
    if not Membership.objects.filter(user=user, project=project).exists():
        raise ValueError(f"{user} is not a member of {project}.")
    if two_factor.missing_for(project, user):
        raise TwoFactorRequired(project)
    now = timezone.now()
    plaintext = PREFIX + secrets.token_urlsafe(32)
    details = {
        "token": name,
        "expires_at": expiry_moment(expires_days, now).isoformat() if expires_days else None,
    }
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            project=project,
            name=name,
            token_hash=hash_token(plaintext),
            last_four=plaintext[-4:],
            created_at=now,
            expires_at=expiry_moment(expires_days, now),
        )
        if request is not None:
            audit.record(request, AuditEvent.Action.API_TOKEN_CREATED, project=project, **details)
        else:
            audit.write(
                AuditEvent.Action.API_TOKEN_CREATED,
                project=project,
                actor=user,
                user_agent=user_agent,
                **details,
            )
    return token, plaintext


def paused(token: ApiToken) -> bool:
    """A token of a member without two-factor in a project that requires it: it
    works again once they turn two-factor on."""
    return two_factor.missing_for(token.project, token.user)


def revoke(request, token: ApiToken) -> None:
    """Revoke a token of the signed-in user, with its audit event."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(id=token.id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit.record(
                request,
                AuditEvent.Action.API_TOKEN_REVOKED,
                project=token.project,
                token=token.name,
            )


def find(plaintext: str) -> ApiToken | None:
    """The usable token with this value, or None; records when it was last used."""
    if not plaintext.startswith(PREFIX) or len(plaintext) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.usable(now)
        .select_related("user", "project")
        .filter(token_hash=hash_token(plaintext), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is None or token.last_used_at < stale:
        # A conditional update: of several processes serving the same token at
        # once, one writes and the others find nothing to change.
        ApiToken.objects.filter(id=token.id).exclude(last_used_at__gte=stale).update(
            last_used_at=now
        )
        token.last_used_at = now
    return token
