"""Storj's auth service HTTP API, so gateways resolve the S3 credentials we issue.

The contract is storj/edge's, as gateway-mt and linksharing call it:

- `pkg/auth/httpauth/resources.go` (the server): paths, methods, JSON field
  names, status codes, and error bodies written by Go's `http.Error`
  (text/plain, the message and a newline; none for 5xx).
- `pkg/authclient/authclient.go` (the gateways' client; older trees had it
  at `pkg/auth/authclient`): `GET {base}/v1/access/{id}` with
  `Authorization: Bearer <token>`; 200 is decoded as JSON, 500 is retried,
  any other status is passed on to the S3 client as that status.

These are machine endpoints: no sign-in, no CSRF token, a request size limit
(edge's `--post-size-limit`, 4 KiB), and nothing they handle is logged (the
access key ID in the path is itself the key that decrypts a record, so
`console/log_redaction.py` strips it from Django's and gunicorn's request logs).
"""

from __future__ import annotations

import hmac
import json
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from accesskeys.services import access_register, lookup
from console import metrics, structured_logs
from console.audit import origin_of
from storjformat import s3credentials
from storjformat.caveat import format_go_time
from storjformat.errors import FormatError

# Edge's POSTSizeLimit default (pkg/auth/peer.go): 4 KiB. An access grant
# with a few caveats is well under 1 KiB.
POST_SIZE_LIMIT = 4 * 1024

# edge's newAccessCORS: the satellite's web front end posts grants from the browser.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Content-Type, Accept, Accept-Language, Content-Language, Content-Length, Accept-Encoding"
    ),
}


def _with_cors(response: HttpResponse) -> HttpResponse:
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def _error(message: str, status: int) -> HttpResponse:
    """What Go's http.Error writes; edge blanks the message of 5xx answers."""
    if status >= 500:
        message = ""
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _json(payload: dict) -> HttpResponse:
    # Go's json.Encoder ends the document with a newline.
    return HttpResponse(json.dumps(payload) + "\n", content_type="application/json")


def _too_large(request) -> bool:
    # Edge's ServeHTTP refuses any request announcing a larger body before routing.
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > POST_SIZE_LIMIT
    except ValueError:
        return True


def _authorized(request) -> bool:
    """Whether the request carries one of AUTH_SERVICE_TOKENS, compared in constant time.

    Edge lets every request through when it has no token configured; we refuse
    them all instead, so that a console deployed without tokens hands out no
    secrets.
    """
    presented = request.META.get("HTTP_AUTHORIZATION", "").encode()
    matched = False
    for token in settings.AUTH_SERVICE_TOKENS:
        # Every token is compared, so the time taken does not tell which matched.
        matched |= hmac.compare_digest(presented, f"Bearer {token}".encode())
    return matched


@csrf_exempt
@login_not_required
def resolve(request, access_key_id: str):
    """GET /v1/access/{access key id}: the grant and secret key behind an access key ID."""
    started = time.perf_counter()
    result, response = _resolve(request, access_key_id)
    if result is not None:
        metrics.AUTH_LOOKUP_RESULTS[result].inc()
        metrics.AUTH_LOOKUP_SECONDS.observe(time.perf_counter() - started)
    return response


def _resolve(request, access_key_id: str) -> tuple[str | None, HttpResponse]:
    """The answer, and the lookup's result for the metrics (None: not a lookup)."""
    if _too_large(request):
        return None, _error("", 413)
    if request.method != "GET":
        return None, HttpResponse(status=405)
    if not _authorized(request):
        return "bad_token", _error("unauthorized", 401)
    problem = s3credentials.edge_access_key_id_error(access_key_id)
    if problem:
        return "malformed", _error(problem, 400)
    try:
        found = lookup.find_s3_credentials(access_key_id)
    except FormatError:
        # A stored record that does not decrypt: edge's errs.Wrap.
        return "error", _error("", 500)
    if found is None:
        # Unknown, expired and deleted keys all answer as edge's NotFound does:
        # 401 with the record's key hash, which reveals nothing of the key.
        key_hash = s3credentials.key_hash(s3credentials.parse_access_key_id(access_key_id))
        reason = lookup.why_not_found(key_hash)
        return reason, _error(f"not found: key hash: {key_hash.hex()}", 401)
    structured_logs.set_project(found.project_public_id)
    payload = {
        "access_grant": found.access_grant,
        "secret_key": found.secret_key,
        "public": found.public,
        "public_project_id": str(found.project_public_id),
    }
    if found.usage_tags:
        payload["usage_tags"] = list(found.usage_tags)
    payload["project_created_at"] = format_go_time(found.project_created_at)
    return "resolved", _json(payload)


def _empty(status: int) -> HttpResponse:
    """What edge's health handlers write: a status code and no body (nor Content-Type)."""
    response = HttpResponse(status=status)
    del response["Content-Type"]
    return response


def _started() -> bool:
    """Edge's startup flag: set once the database answers and migrations have run.

    Here: the database answers and no migration of this code is left to apply
    (bin/start applies them before serving; until then, or after a deploy
    whose migrations did not run, startup is not done).
    """
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return False


def _database_answers() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


@login_not_required
def health_startup(request):
    """GET /v1/health/startup: 200 once started up, else 503 (edge's getStartup). No token."""
    if request.method != "GET":
        return _empty(405)
    return _empty(200 if _started() else 503)


@login_not_required
def health_live(request):
    """GET /v1/health/live: 200 while started up and the database answers, else 503
    (edge's getLive). No token."""
    if request.method != "GET":
        return _empty(405)
    return _empty(200 if _started() and _database_answers() else 503)


# A JSON type name as Go's encoding/json words it in an UnmarshalTypeError.
_GO_TYPE_NAMES = {str: "string", bool: "bool", list: "array", dict: "object", type(None): "null"}


def _go_type(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return _GO_TYPE_NAMES.get(type(value), "value")


def _decode_request(body: bytes) -> tuple[str, bool, list[str]]:
    """access_grant, public and usage_tags, read as edge's json.Decoder reads them.

    Go decodes the first JSON value and ignores what follows, leaves absent
    or null fields at their zero value, and ignores unknown fields. Raises
    ValueError with a message in Go's words.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("invalid UTF-8 in request body") from None
    text = text.lstrip(" \t\r\n")
    if not text:
        raise ValueError("EOF")
    try:
        document, _ = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at offset {exc.pos}") from None
    if document is None:
        return "", False, []
    if not isinstance(document, dict):
        raise ValueError(
            f"json: cannot unmarshal {_go_type(document)} into Go value of type struct"
        )

    def field(name: str, kind: type, go_name: str, default):
        value = document.get(name)
        if value is None:
            return default
        if not isinstance(value, kind) or (
            kind is list and not all(isinstance(v, str) for v in value)
        ):
            raise ValueError(
                f"json: cannot unmarshal {_go_type(value)} into Go struct field .{name} "
                f"of type {go_name}"
            )
        return value

    return (
        field("access_grant", str, "string", ""),
        field("public", bool, "bool", False),
        field("usage_tags", list, "[]string", []),
    )


@csrf_exempt
@login_not_required
def register(request):
    """POST /v1/access: register S3 credentials for an access grant made from one of our keys."""
    if _too_large(request):
        return _error("", 413)
    if request.method == "OPTIONS":
        return _with_cors(HttpResponse())
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        access_grant, public, usage_tags = _decode_request(request.body)
    except ValueError as exc:
        metrics.AUTH_REGISTRATIONS.labels("invalid").inc()
        response = _error(str(exc), 422)
    else:
        try:
            registered = access_register.register_grant(
                access_grant,
                public=public,
                usage_tags=usage_tags,
                origin=origin_of(request),
            )
        except access_register.RegistrationError as exc:
            metrics.AUTH_REGISTRATIONS.labels("refused").inc()
            response = _error(str(exc), 400)
        else:
            metrics.AUTH_REGISTRATIONS.labels("registered").inc()
            response = _json(
                {
                    "access_key_id": registered.s3_access_key,
                    "secret_key": registered.s3_secret_key,
                    "endpoint": registered.s3_endpoint,
                }
            )
    return _with_cors(response)
