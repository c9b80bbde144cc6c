"""Keep access key IDs and bearer tokens out of request logs.

An access key ID is not an identifier like any other: it is the key that
decrypts its S3 record (see services/s3credentials.py), and gateways send it
in the path, `GET /v1/access/{id}`. Django logs the path of every 4xx/5xx
answer ("Unauthorized: /v1/access/...") and gunicorn's access log writes every
request line, so both go through `redact`.
"""

from __future__ import annotations

import logging
import re

from gunicorn import glogging

_ACCESS_PATH = re.compile(r"(/v1/access/)[^/\s?#\"']+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """The text with the access key ID of any /v1/access/{id} path replaced."""
    return _ACCESS_PATH.sub(r"\1" + REDACTED, text)


class RedactAccessKeyIDs(logging.Filter):
    """A logging filter (on django.request and django.server) that rewrites the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class GunicornLogger(glogging.Logger):
    """Gunicorn's logger with the access log's path, request line and tokens redacted.

    Used with `gunicorn --logger-class accesskeys.log_redaction.GunicornLogger`.
    """

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if name == "{authorization}i":
                atoms[name] = REDACTED
            elif isinstance(value, str):
                atoms[name] = redact(value)
        return atoms
