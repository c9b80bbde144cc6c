"""LOG_FORMAT=json and request ids, in one process (a real server's log is checked in
tests/config/test_operations_server.py)."""

import io
import json
import logging
import re

import pytest
from django.test import Client

from console.middleware import request_context
from console.models import AuditEvent
from console.structured_logs import CURRENT, JsonFormatter, RequestContext, request_id_from


def formatted(message: str, *args, context=None, **extra) -> dict:
    record = logging.LogRecord("console.test", logging.WARNING, __file__, 1, message, args, None)
    for name, value in extra.items():
        setattr(record, name, value)
    token = CURRENT.set(context)
    try:
        return json.loads(JsonFormatter().format(record))
    finally:
        CURRENT.reset(token)


def test_a_line_carries_the_request_context():
    line = formatted(
        "Not Found: %s",
        "/x",
        context=RequestContext("req-1", user_id=7, project="p-uuid"),
        status=404,
        path="/x",
    )
    assert line["message"] == "Not Found: /x"
    assert line["level"] == "WARNING" and line["logger"] == "console.test"
    assert (line["request_id"], line["user_id"], line["project"]) == ("req-1", 7, "p-uuid")
    assert line["status"] == 404 and line["path"] == "/x"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


@pytest.mark.parametrize(
    "path",
    [
        "/v1/access/jwaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "/invitations/Zx9-secret_token/",
    ],
)
def test_secret_paths_are_redacted_in_every_field(path):
    line = formatted("Unauthorized: %s", path, path=path)
    text = json.dumps(line)
    assert "jwaaaa" not in text and "Zx9-secret_token" not in text
    assert "[redacted]" in line["message"] and "[redacted]" in line["path"]


def test_a_traceback_is_kept_in_one_line():
    try:
        raise ValueError("boom at /v1/access/jwsecretkeyid")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "failed", (), __import__("sys").exc_info()
        )
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert "ValueError" in json.loads(text)["exception"]
    assert "jwsecretkeyid" not in text


@pytest.mark.parametrize(
    "header,kept",
    [
        ("edge-7f3a", True),
        ("6f1c2b0e-1f2a-4c1e-9d2b-0a9c8b7e6d5f", True),
        ('a" "level": "x', False),
        ("x" * 200, False),
        ("", False),
        (None, False),
    ],
)
def test_a_proxys_request_id_is_kept_only_when_plain(header, kept):
    request_id = request_id_from(header)
    if kept:
        assert request_id == header
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", request_id)


def test_responses_carry_the_request_id(db):
    response = Client().get("/healthz", headers={"X-Request-Id": "lb-123"})
    assert response["X-Request-Id"] == "lb-123"
    made = Client().get("/healthz")["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert made != Client().get("/healthz")["X-Request-Id"]


def test_audit_events_record_the_request_id(admin):
    Client().post(
        "/signin/",
        {"email": admin.email, "password": "wrong-password-1"},
        headers={"X-Request-Id": "lb-signin-1"},
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.request_id == "lb-signin-1"


def test_json_mode_logs_one_line_per_request(admin, settings, rf):
    settings.LOG_FORMAT = "json"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("console.request")
    logger.addHandler(handler)
    try:
        request = rf.get("/invitations/one-time-token-abc/", HTTP_X_REQUEST_ID="r-9")
        request.user = admin
        from django.http import HttpResponse

        request_context(lambda r: HttpResponse(status=302))(request)
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "r-9"
    assert line["user_id"] == admin.pk
    assert line["path"] == "/invitations/[redacted]/"
    assert line["status"] == 302 and line["method"] == "GET"
    assert "one-time-token-abc" not in stream.getvalue()
