"""Structured logs: the request id, and one JSON object per line with LOG_FORMAT=json.

Each request gets an id: the proxy's `X-Request-Id` when it sends a sensible
one (edge's authclient and most load balancers do), otherwise a new one. The
middleware (console.middleware.request_context) keeps it, with the signed-in
user and the project being worked on, in a context variable for the length of
the request; the response carries it back in `X-Request-Id`, audit events
record it (console.audit), and every log line written meanwhile names it.

The JSON formatter writes what was logged plus that context. Every text in it
goes through the same redaction as the text logs (console/log_redaction.py),
so invitation tokens and access key ids in paths never reach the log. Nothing
here imports Django: gunicorn's own log (gunicorn.conf.py) uses the formatter
before Django is set up.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from console.log_redaction import redact

# What a proxy's id may look like: no spaces or quotes to forge log fields with.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


@dataclass
class RequestContext:
    request_id: str
    user_id: int | None = None
    project: str | None = None  # the project's public id, the only one logged


CURRENT: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def request_id_from(header: str | None) -> str:
    """The proxy's request id if it is a plain token, else a new one."""
    if header and REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str:
    context = CURRENT.get()
    return context.request_id if context else ""


def set_project(public_id, user_id: int | None = None) -> None:
    """Name the project a request works on (its public id) and who works on it in
    its log lines."""
    context = CURRENT.get()
    if context is not None:
        context.project = str(public_id)
        if user_id is not None:
            context.user_id = user_id


# Fields a log call may pass in `extra` that the JSON line carries as they are.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request's
    context, the request fields given as `extra`, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = CURRENT.get()
        if context is not None:
            entry["request_id"] = context.request_id
            entry["user_id"] = context.user_id
            entry["project"] = context.project
        for field in EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # Each text masked before encoding: masking the encoded line could eat an escape.
        return json.dumps(
            {
                name: redact(value) if isinstance(value, str) else value
                for name, value in entry.items()
            },
            default=str,
        )
