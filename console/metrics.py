"""Prometheus metrics: what an operator watches, and the /metrics view that exports it.

prometheus-client keeps the counters. Every label value comes from a small fixed
set (a result, a credential type, a way, an HTTP status): never an email, a key
id, a project name or anything a person typed, so a scrape reveals nobody.

Several processes: gunicorn runs several workers, each with its own counters.
With `PROMETHEUS_MULTIPROC_DIR` set (bin/start sets it), prometheus-client
keeps each process's values in files in that directory and /metrics adds them
up, so any worker answers for all of them (the library's multiprocess mode).
`gunicorn.conf.py` marks an exited worker's files dead. Without the variable
(the development server, tests) the counters live in the one process.

Updating a counter is a few microseconds: the middleware counts every
response, and the services count what they did after it was committed.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from console.audit import client_ip

# Seconds: from the sub-millisecond auth lookup to a slow page.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

AUTH_LOOKUPS = Counter(
    "console_auth_lookups",
    "GET /v1/access/{id} answers, by result: resolved, unknown, expired, deleted, "
    "bad_token, malformed, error.",
    ["result"],
)
AUTH_LOOKUP_SECONDS = Histogram(
    "console_auth_lookup_seconds",
    "Time to answer GET /v1/access/{id}, any result.",
    buckets=LATENCY_BUCKETS,
)
AUTH_REGISTRATIONS = Counter(
    "console_auth_registrations",
    "POST /v1/access answers, by result: registered, refused (400), invalid (422).",
    ["result"],
)
ACCESSES_CREATED = Counter(
    "console_accesses_created",
    "Access keys created, by type (s3, access_grant, api_key) and way "
    "(web: the New Access dialog; api; command; auth_service: POST /v1/access).",
    ["type", "via"],
)
ACCESSES_DELETED = Counter(
    "console_accesses_deleted",
    "Access keys deleted, by type and way (web, api), registered S3 credentials "
    "deleted with their key included.",
    ["type", "via"],
)
SIGN_INS = Counter(
    "console_sign_ins",
    "Sign-in attempts, by result: success, failure, locked_out.",
    ["result"],
)
EMAILS = Counter(
    "console_emails",
    "Emails the console sent, by kind (the mail's template: invitation, password_reset, ...) "
    "and result: sent, failed (the mail server was down or refused).",
    ["kind", "result"],
)
HTTP_RESPONSES = Counter(
    "console_http_responses",
    "Responses by area (api: the REST API; auth_service: /v1/; pages: the rest) and status.",
    ["area", "status"],
)
HTTP_SECONDS = Histogram(
    "console_http_request_seconds",
    "Time to answer a request, by area.",
    ["area"],
    buckets=LATENCY_BUCKETS,
)

# The lookup's children, made once: every gateway request counts through one.
AUTH_LOOKUP_RESULTS = {
    result: AUTH_LOOKUPS.labels(result)
    for result in ("resolved", "unknown", "expired", "deleted", "bad_token", "malformed", "error")
}
for _result in ("success", "failure", "locked_out"):
    SIGN_INS.labels(_result)


def area_of(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/v1/"):
        return "auth_service"
    return "pages"


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every worker's files, added up: whichever worker answers speaks for all.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _allowed(request) -> bool:
    """METRICS_TOKEN as a bearer token, or a client address in METRICS_ALLOWED_IPS.
    Neither configured: closed."""
    token = settings.METRICS_TOKEN
    if token:
        presented = request.META.get("HTTP_AUTHORIZATION", "").encode()
        if hmac.compare_digest(presented, f"Bearer {token}".encode()):
            return True
    if settings.METRICS_ALLOWED_IPS:
        address = client_ip(request)
        if address is not None:
            ip = ipaddress.ip_address(address)
            return any(ip in network for network in settings.METRICS_ALLOWED_IPS)
    return False


@login_not_required
@never_cache
def metrics_view(request):
    """GET /metrics: the Prometheus text format, for a scraper holding the token."""
    if not _allowed(request):
        response = HttpResponse(
            "Unauthorized: /metrics needs METRICS_TOKEN as a bearer token, "
            "or a client address in METRICS_ALLOWED_IPS.\n",
            status=401,
            content_type="text/plain",
        )
        response["WWW-Authenticate"] = "Bearer"
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
