"""People's accounts by email: password reset links, and how many mails an
address gets.

A reset link carries the user's id and Django's password-reset token
(`PASSWORD_RESET_TIMEOUT`, one hour). The token is a keyed hash of the
account's password and last sign-in, so it stops working once used (the
password changed) or once the person signs in.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from console.models import AccountMail, User

# At most this many account mails (reset, sign-up) to one address per hour.
MAILS_PER_HOUR = 3
QUOTA_WINDOW = timedelta(hours=1)
SEPARATOR = "."  # never in base64url nor in Django's tokens: the link is one path segment


def mail_quota_left(email: str) -> bool:
    """Count one more mail to `email`; False (and nothing counted) when the hour's
    quota is spent. The row is written first and counted with the others, so of
    several requests at once none goes over."""
    now = timezone.now()
    with transaction.atomic():
        AccountMail.objects.filter(sent_at__lt=now - timedelta(days=1)).delete()
        row = AccountMail.objects.create(email=email, sent_at=now)
        recent = AccountMail.objects.filter(email=email, sent_at__gt=now - QUOTA_WINDOW).count()
        if recent > MAILS_PER_HOUR:
            row.delete()
            return False
    return True


def forget_mail(email: str) -> None:
    """A counted mail that could not be sent does not count."""
    latest = AccountMail.objects.filter(email=email).order_by("-sent_at", "-id").first()
    if latest is not None:
        latest.delete()


def account_for_reset(email: str) -> User | None:
    """The active account with this email that has a password to reset."""
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        return None
    return user


def reset_token(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uid}{SEPARATOR}{default_token_generator.make_token(user)}"


def user_for_reset_token(value: str) -> User | None:
    """The account a valid, unused, unexpired reset token is for, or None."""
    uid, _, token = str(value).partition(SEPARATOR)
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError):
        return None
    if not 0 < pk < 2**63:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def _fingerprint(user: User) -> str:
    """Changes when the password, the last sign-in or the sessions' generation do:
    what the token is bound to, kept in the session instead of the token."""
    value = f"{user.password}|{user.last_login}|{user.session_generation}"
    return salted_hmac("console.accounts.reset", value, algorithm="sha256").hexdigest()


def open_reset_link(value: str) -> dict | None:
    """For a valid link, what the session keeps until the new password is set: the
    account, what its token is bound to and when it expires; never the token."""
    user = user_for_reset_token(value)
    if user is None:
        return None
    token = str(value).partition(SEPARATOR)[2]
    made_at = base36_to_int(token.split("-")[0])  # Django's token: seconds since 2001
    expires = made_at + settings.PASSWORD_RESET_TIMEOUT
    return {"user_id": user.pk, "fingerprint": _fingerprint(user), "expires": expires}


def user_for_reset_state(state) -> User | None:
    """The account of a reset opened in this session, while its link would still work."""
    if not isinstance(state, dict):
        return None
    now = default_token_generator._num_seconds(default_token_generator._now())
    if not isinstance(state.get("expires"), int) or now > state["expires"]:
        return None
    user = User.objects.filter(pk=state.get("user_id"), is_active=True).first()
    if user is None or not constant_time_compare(_fingerprint(user), state.get("fingerprint")):
        return None
    return user


def reset_valid_minutes() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 60
