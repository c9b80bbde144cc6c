"""Sending the console's mails: plain text with an HTML alternative.

Every mail names the console (BRAND_NAME) and carries no secret but its own
one-time link. A mail server that is down or refuses raises MailNotSent,
which the views turn into one message; the caller sends inside its
transaction, so nothing half-done stays behind. The failure is logged with
the kind of mail and the address, never the mail's text (it may hold a link).
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)

NOT_SENT = "We could not send the email; try again or ask an operator."


def printed_only() -> bool:
    """No mail server is set up: mails are printed where the console runs."""
    return settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


class MailNotSent(Exception):
    """The mail server is down, or refused the mail."""


def send(kind: str, to: str, context: dict) -> None:
    """Send the mail `templates/email/<kind>.{subject.txt,txt,html}` to `to`."""
    context = {"brand_name": settings.BRAND_NAME, "to": to, **context}
    subject = " ".join(render_to_string(f"email/{kind}.subject.txt", context).split())
    text = render_to_string(f"email/{kind}.txt", context)
    html = render_to_string(f"email/{kind}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.EMAIL_FROM, [to])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:  # OSError: refused, timed out
        # Not the message: its text may carry a one-time link.
        logger.error("Could not send the %s email to %s: %s: %s", kind, to, type(exc).__name__, exc)
        raise MailNotSent(NOT_SENT) from None


def send_notice(request, user, kind: str, context: dict | None = None) -> bool:
    """A security notice to the account's own address ("your password was changed").
    The change it tells of is done: a mail server that is down is logged, and the
    change stands. Returns whether it went."""
    context = {
        "signin": request.build_absolute_uri("/") if request else settings.CONSOLE_URL + "/",
        "when": timezone.now(),
        **(context or {}),
    }
    try:
        send(kind, user.email, context)
    except MailNotSent:
        return False
    return True
