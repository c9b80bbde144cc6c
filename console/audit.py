"""Writing the audit log. Callers pass non-secret details only."""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from console.models import AuditEvent
from console.structured_logs import current_request_id


def client_ip(request) -> str | None:
    """The client's address, for the audit log and sign-in throttling.

    Behind a trusted proxy it is the last X-Forwarded-For entry, the one the
    proxy itself added: the entries before it come from the client, who could
    otherwise pick any address to dodge throttling or blame someone else.
    """
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = _valid_ip(forwarded.split(",")[-1])
        if address:
            return address
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


@dataclass(frozen=True)
class Origin:
    """Where a change came from, for the audit log: a browser, a script, the API."""

    ip_address: str | None = None
    user_agent: str = ""
    # Details every event from here carries, e.g. (("via", "api"), ("api_token", name)).
    marks: tuple[tuple[str, str], ...] = ()
    # The way in, for the metrics: web (pages and dialogs), api, command, auth_service.
    channel: str = "web"


def origin_of(request) -> Origin:
    return Origin(client_ip(request), request.headers.get("User-Agent", ""))


def record(request, action: str, project=None, actor=None, **details) -> AuditEvent:
    """Append one event, taking who, from where and with what from the request."""
    if actor is None and request.user.is_authenticated:
        actor = request.user
    return write_from(origin_of(request), action, project=project, actor=actor, **details)


def write_from(origin: Origin, action: str, project=None, actor=None, **details) -> AuditEvent:
    """Append one event that came from `origin`, with the marks it carries."""
    return write(
        action,
        project=project,
        actor=actor,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        **details,
        **dict(origin.marks),
    )


def write(
    action: str, project=None, actor=None, ip_address=None, user_agent: str = "", **details
) -> AuditEvent:
    """Append one event; for callers without a request, such as management commands."""
    return AuditEvent.objects.create(
        project=project,
        actor=actor,
        actor_email=details.pop("email", None) or (actor.email if actor else ""),
        action=action,
        ip_address=ip_address,
        user_agent=user_agent[:512],
        details=details,
        # The request that made it (empty from a command): finds its log lines.
        request_id=current_request_id(),
    )


def project_events(project):
    """The events the project's Audit page shows: the project's own, and the sign-ins
    and sign-outs (which belong to no project) of its members."""
    members = project.memberships.values_list("user__email", flat=True)
    return AuditEvent.objects.filter(
        Q(project=project)
        | Q(project__isnull=True, actor_id__in=project.memberships.values("user_id"))
        | Q(project__isnull=True, actor__isnull=True, actor_email__in=members)
    )
