"""Sign-up (SIGNUP=open): an email, a mailed link, then a password and a first project.

Only the mailed link sets the password, so nobody creates an account for an
address they cannot read. The link carries the email signed with SECRET_KEY
and the time it was made (Django's signing), valid for VALID_FOR; it stops
working once the account exists. The page gives the same answer whether or
not the email has an account: that address gets a mail either way (the link,
or a note that it already has an account).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing

SALT = "console.signup"
VALID_FOR_SECONDS = 24 * 3600


def is_open() -> bool:
    return settings.SIGNUP == "open"


def domain_allowed(email: str) -> bool:
    domains = settings.SIGNUP_EMAIL_DOMAINS
    return not domains or email.rpartition("@")[2].lower() in domains


def allowed_domains_text() -> str:
    domains = [f"@{d}" for d in settings.SIGNUP_EMAIL_DOMAINS]
    if len(domains) == 1:
        return domains[0]
    return ", ".join(domains[:-1]) + " or " + domains[-1]


def make_token(email: str) -> str:
    return signing.dumps({"email": email, "at": int(time.time())}, salt=SALT)


def open_link(token: str) -> dict | None:
    """For a valid link, what the session keeps: the email and when the link expires."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=VALID_FOR_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict):
        return None
    email, made_at = payload.get("email"), payload.get("at")
    if not isinstance(email, str) or not isinstance(made_at, int):
        return None
    return {"email": email, "expires": made_at + VALID_FOR_SECONDS}


def email_of(state) -> str | None:
    """The email of a sign-up link opened in this session, while it is valid."""
    if not isinstance(state, dict) or not isinstance(state.get("expires"), int):
        return None
    if time.time() > state["expires"] or not isinstance(state.get("email"), str):
        return None
    return state["email"]
