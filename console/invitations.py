"""One-time links, mailed to an email, that let its reader join one project.

The link goes to the address only, so whoever opens it reads that mailbox:
nobody joins a project without it, and nothing lists the pending invitations
of an email. Whoever opens a link either signs in as its email (the account
exists) and accepts, or, if the email has no account or only one that never
had a password, sets the password; only a mailed link may do that.

The token is in the mail only; the database keeps its SHA-256, so it cannot
give the link away. A browser that opens
the link keeps only the invitation's id in its session and continues on a
URL without the token, so the token stays out of access logs and Referer
headers after the first request.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from console import mail
from console.models import Invitation, Membership, Project, User

VALID_FOR = timedelta(hours=72)
SESSION_KEY = "invitation_id"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(email: str, project: Project, role: str, created_by: User) -> tuple[Invitation, str]:
    """A new link for `email` to `project`; earlier unused links for the same pair
    (pending or expired) stop working and leave the list."""
    unused(project).filter(email=email).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        project=project,
        role=role,
        created_by=created_by,
        token_hash=hash_token(token),
        expires_at=timezone.now() + VALID_FOR,
    )
    return invitation, token


def send(request, invitation: Invitation, token: str) -> None:
    """Mail the link to the invited email (raises mail.MailNotSent); call it inside
    the transaction that made the invitation, so a failed mail leaves none."""
    link = request.build_absolute_uri(reverse("invitation_link", args=[token]))
    mail.send(
        "invitation",
        invitation.email,
        {
            "project_name": invitation.project.name,
            "inviter": invitation.created_by.email if invitation.created_by else "",
            "role": Membership.Role(invitation.role).label,
            "link": link,
            "expires_at": invitation.expires_at,
            "valid_hours": int(VALID_FOR.total_seconds() // 3600),
        },
    )
    invitation.mailed_at = timezone.now()
    invitation.save(update_fields=["mailed_at"])


def unused(project: Project):
    """The project's invitations nobody has used yet: pending or expired."""
    return project.invitations.filter(used_at__isnull=True)


def pending(project: Project):
    """The project's invitations that are neither used nor expired."""
    return unused(project).filter(expires_at__gt=timezone.now())


def find_by_token(token: str) -> Invitation | None:
    return Invitation.objects.filter(token_hash=hash_token(token)).first()


def find_valid(invitation_id) -> Invitation | None:
    """The unused, unexpired invitation with this id, if any."""
    if not isinstance(invitation_id, int):
        return None
    return (
        Invitation.objects.select_related("project")
        .filter(pk=invitation_id, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def never_had_password(user: User) -> bool:
    """True for an account that nobody has ever signed in to or set a password for.

    Only such an account may get its first password through a link; an account
    that has one is reached by signing in, never by a link.
    """
    return not user.has_usable_password() and user.last_login is None


class AlreadyUsed(Exception):
    """The link was used (or cancelled) while this request was on its way."""


class AccountHasPassword(Exception):
    """The email's account has a password: the person must sign in to accept."""


def _claim(invitation: Invitation) -> None:
    # Of two simultaneous submissions only one wins.
    claimed = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now())
    if not claimed:
        raise AlreadyUsed


def _join(invitation: Invitation, user: User) -> bool:
    """Make `user` a member with the invited role; False if they already were one."""
    _, created = Membership.objects.get_or_create(
        user=user, project=invitation.project, defaults={"role": invitation.role}
    )
    return created


def accept(invitation: Invitation, user: User) -> bool:
    """`user`, signed in as the invited email, joins. True if they were not a member yet."""
    if user.email != invitation.email:
        raise ValueError("The invitation is for another email.")
    with transaction.atomic():
        _claim(invitation)
        return _join(invitation, user)


class NotMailed(Exception):
    """The link was handed over, not mailed: it proves nothing about the mailbox."""


def may_set_first_password(invitation: Invitation) -> bool:
    return invitation.mailed_at is not None


def set_first_password(invitation: Invitation, password: str) -> User:
    """Create the email's account (or complete one that never had a password) and join."""
    if not may_set_first_password(invitation):
        raise NotMailed
    try:
        with transaction.atomic():
            _claim(invitation)
            user = User.objects.select_for_update().filter(email=invitation.email).first()
            if user is None:
                user = User.objects.create_user(email=invitation.email, password=password)
            elif never_had_password(user):
                user.set_password(password)
                user.save(update_fields=["password"])
            else:
                raise AccountHasPassword
            _join(invitation, user)
            return user
    except IntegrityError:
        # Another link made the account between our look-up and our insert.
        raise AccountHasPassword from None
