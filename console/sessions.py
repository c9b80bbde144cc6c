"""Ending an account's sessions when its sign-in changes.

Sessions live in the database (several app processes share them), each
signed with the account's session hash (see User._get_session_auth_hash):
Django's authentication middleware signs out any session whose hash no
longer matches. So ending them is one UPDATE, whatever their number.
"""

from django.contrib.auth import update_session_auth_hash
from django.db.models import F

from console.models import User


def end_other_sessions(request, user: User) -> None:
    """Sign out every session of `user` except the one making this request."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    # This session gets the new hash (and a new key) and stays signed in.
    update_session_auth_hash(request, user)


def end_all_sessions(user: User) -> None:
    """Sign out every session of `user` (a password reset made without one)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
