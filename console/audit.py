"""Writing the audit log. Callers pass non-secret details only."""

from django.conf import settings
from django.db.models import Q

from console.models import AuditEvent


def client_ip(request) -> str | None:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


def record(request, action: str, project=None, actor=None, **details) -> AuditEvent:
    """Append one event, taking who, from where and with what from the request."""
    if actor is None and request.user.is_authenticated:
        actor = request.user
    return write(
        action,
        project=project,
        actor=actor,
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        **details,
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
