"""Keep the secrets that travel in URL paths out of the logs.

These paths carry one:
- a mailed link carries its token (`/invitations/<token>/`, `/password-reset/<token>/`,
  `/signup/verify/<token>/`). The console
  answers that request by moving to a URL without the token, but the first
  request line still reaches the development server's request log;
- the auth service API (storj/edge's contract) carries an access key ID
  (`/v1/access/<id>`), and an access key ID is the key that decrypts its S3
  record (storjformat/s3credentials.py). Django logs the path of each
  4xx answer there ("Unauthorized: /v1/access/...").

The development server's log (`django.server`), Django's request log
(`django.request`) and gunicorn's access log pass through here, and the
secret is replaced by `[redacted]`.
"""

import logging
import re

from gunicorn import glogging

# The path of console.urls' "invitation_link" up to the token (a test checks they agree).
LINK_PREFIX = "/invitations/"
TOKEN_IN_PATH = re.compile(re.escape(LINK_PREFIX) + r"[^/\s\"?#]+")
REDACTED = LINK_PREFIX + "[redacted]"


# The auth service API's resolve path (accesskeys/auth_service_urls.py), up to the ID.
ACCESS_PREFIX = "/v1/access/"
ACCESS_KEY_ID_IN_PATH = re.compile(re.escape(ACCESS_PREFIX) + r"[^/\s\"?#]+")
REDACTED_ACCESS = ACCESS_PREFIX + "[redacted]"


# The other mailed one-time links (password reset, sign-up): token up to the slash.
MAILED_LINK_PREFIXES = ("/password-reset/", "/signup/verify/")
MAILED_TOKEN_IN_PATH = re.compile(
    "(" + "|".join(re.escape(p) for p in MAILED_LINK_PREFIXES) + r')[^/\s"?#]+'
)


def redact(text: str) -> str:
    text = MAILED_TOKEN_IN_PATH.sub(r"\1[redacted]", text)
    return ACCESS_KEY_ID_IN_PATH.sub(REDACTED_ACCESS, TOKEN_IN_PATH.sub(REDACTED, text))


class RedactSecretPaths(logging.Filter):
    """A logging filter for any handler or logger: formats the message, then masks
    the secrets of paths in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class GunicornLogger(glogging.Logger):
    """Gunicorn's logger with path secrets masked in every access-log field (request line,
    path, Referer, environ), whatever `access_log_format` picks."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: _masked_atom(name, value) for name, value in atoms.items()}


def _masked_atom(name: str, value):
    if name == "{authorization}i":
        return "[redacted]"  # a format could name the header: gateways' bearer tokens
    return redact(value) if isinstance(value, str) else value
