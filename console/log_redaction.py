"""Keep invitation tokens out of the logs.

An invitation link carries its token in the path (`/invitations/<token>/`).
The console answers that request by moving to a URL without the token, but
the first request line still reaches the development server's request log
(`django.server`) and gunicorn's access log. Both pass through here, and the
token is replaced by `[redacted]`.
"""

import logging
import re

from gunicorn import glogging

# The path of console.urls' "invitation_link" up to the token (a test checks they agree).
LINK_PREFIX = "/invitations/"
TOKEN_IN_PATH = re.compile(re.escape(LINK_PREFIX) + r"[^/\s\"?#]+")
REDACTED = LINK_PREFIX + "[redacted]"


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(REDACTED, text)


class RedactInvitationTokens(logging.Filter):
    """A logging filter for any handler: formats the message, then masks tokens in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class GunicornLogger(glogging.Logger):
    """Gunicorn's logger with tokens masked in every access-log field (request line,
    path, Referer, environ), whatever `access_log_format` picks."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }
