"""One-time links with which a newly added user sets a password.

The token is shown once to the Admin who added the user; only its SHA-256
is stored, so the database cannot give the link away.
"""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from console.models import Invitation

VALID_FOR = timedelta(hours=72)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user, project, created_by) -> tuple[Invitation, str]:
    """A new link for `user`; earlier unused links of theirs for the project stop working."""
    Invitation.objects.filter(user=user, project=project, used_at__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        project=project,
        created_by=created_by,
        token_hash=hash_token(token),
        expires_at=timezone.now() + VALID_FOR,
    )
    return invitation, token


def find_valid(token: str) -> Invitation | None:
    """The unused, unexpired invitation for `token`, if its user is still a member."""
    invitation = (
        Invitation.objects.select_related("user", "project")
        .filter(token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        return None
    if not invitation.project.memberships.filter(user=invitation.user).exists():
        return None
    return invitation
