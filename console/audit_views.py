"""The Audit page (Admins only): the project's keys and its event log, and CSV exports."""

import json

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from accesskeys.services import key_audit
from console.audit_forms import EVENT_FIELDS, KEY_FIELDS, EventFilterForm, KeyFilterForm
from console.membership import load_project
from console.models import AuditEvent, User
from console.paging import BoundedPaginator

KEYS_PER_PAGE = 50
EVENTS_PER_PAGE = 25


def _keys(request, project, member_ids, keys=None):
    form = KeyFilterForm(project, member_ids, request.GET)
    if keys is None:
        keys = project.access_keys.prefetch_related("buckets")
    keys = keys.select_related("created_by")
    filters = form.filters()
    keys = keys.none() if filters is None else key_audit.filter_keys(keys, filters)
    # The order of the access_audit index: a page is a short index range.
    return form, keys.order_by("name", "-created_at", "id")


def _event_parts(project, member_ids, member_emails):
    """The project's events, and its members' sign-ins and sign-outs (which belong
    to no project), as three disjoint querysets, each read newest first from its
    own index. One WHERE with ORs would make PostgreSQL sort every match."""
    return [
        AuditEvent.objects.filter(project=project),
        AuditEvent.objects.filter(project__isnull=True, actor_id__in=member_ids),
        AuditEvent.objects.filter(
            project__isnull=True, actor__isnull=True, actor_email__in=member_emails
        ),
    ]


# The distinct actors of a project's events, one index probe per actor (a "loose
# index scan"), instead of reading every event to find a handful of emails.
PROJECT_ACTORS_SQL = """
WITH RECURSIVE actors(email) AS (
    SELECT MIN(actor_email) FROM console_auditevent WHERE project_id = %s AND actor_email > ''
    UNION ALL
    SELECT (
        SELECT MIN(actor_email) FROM console_auditevent
        WHERE project_id = %s AND actor_email > actors.email
    )
    FROM actors WHERE actors.email IS NOT NULL
)
SELECT email FROM actors WHERE email IS NOT NULL
"""


def _actor_emails(project, member_ids) -> list[str]:
    """Everyone the event log can show: actors of the project's events, and members
    with a sign-in or sign-out of their own."""
    with connection.cursor() as cursor:
        cursor.execute(PROJECT_ACTORS_SQL, [project.id, project.id])
        emails = {email for (email,) in cursor.fetchall()}
    own_events = AuditEvent.objects.filter(project__isnull=True).filter(
        Q(actor_id=OuterRef("pk")) | Q(actor__isnull=True, actor_email=OuterRef("email"))
    )
    emails.update(
        User.objects.filter(id__in=member_ids)
        .filter(Exists(own_events))
        .values_list("email", flat=True)
    )
    return sorted(emails)


def _events(request, project, member_ids):
    member_emails = list(User.objects.filter(id__in=member_ids).values_list("email", flat=True))
    form = EventFilterForm(_actor_emails(project, member_ids), request.GET)
    parts = [
        form.apply(part).order_by() for part in _event_parts(project, member_ids, member_emails)
    ]
    first, *others = parts
    # UNION ALL of index-ordered parts: PostgreSQL merges them (Merge Append) and
    # stops after the page.
    return form, first.union(*others, all=True).order_by("-created_at", "-id")


def _details_text(details: dict) -> str:
    parts = []
    for name, value in details.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "—"
        parts.append(f"{name.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def _query_without(request, names: list[str]) -> list[tuple[str, str]]:
    """The other section's filters, carried along as hidden inputs."""
    return [(k, v) for k, v in request.GET.items() if k not in names and v]


def _pager(request, param: str, page) -> dict:
    """Previous and next links that keep every other filter."""

    def url(number):
        query = request.GET.copy()
        query[param] = number
        return "?" + query.urlencode()

    return {
        "previous": url(page.previous_page_number()) if page.has_previous() else None,
        "next": url(page.next_page_number()) if page.has_next() else None,
    }


def audit(request, public_id):
    project = load_project(request, public_id, admin=True)
    member_ids = project.member_ids()
    now = timezone.now()

    key_form, keys = _keys(request, project, member_ids)
    key_page = BoundedPaginator(keys, KEYS_PER_PAGE).get_page(request.GET.get("kpage"))
    key_rows = [
        {
            "key": key,
            "creator": key_audit.creator_label(key, member_ids),
            "permissions": key.permission_labels(),
            "object_lock": key.object_lock_labels(),
            "buckets": key_audit.bucket_names(key),
            "risks": key_audit.risks(key, now),
        }
        for key in key_page
    ]

    event_form, events = _events(request, project, member_ids)
    event_page = BoundedPaginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    for event in event_page:
        event.details_text = _details_text(event.details)

    ctx = {
        "key_form": key_form,
        "key_page": key_page,
        "key_rows": key_rows,
        "key_hidden": _query_without(request, KEY_FIELDS + ["kpage", "page"]),
        "event_form": event_form,
        "event_page": event_page,
        "event_hidden": _query_without(request, EVENT_FIELDS + ["page"]),
        "key_pages": _pager(request, "kpage", key_page),
        "event_pages": _pager(request, "page", event_page),
        "csv_query": request.GET.urlencode(),
        "page": "audit",
    }
    return render(request, "console/audit.html", ctx)


# Rows fetched per round trip from the server-side cursor (PostgreSQL) that
# streams an export: memory stays flat however many rows there are.
EXPORT_CHUNK = 2000


def _csv_response(chunks, project, what: str) -> StreamingHttpResponse:
    # UTF-8 without a byte-order mark; the csv module writes RFC 4180 CRLF rows.
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    filename = f"{slugify(project.name) or 'project'}-{what}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def keys_csv(request, public_id):
    project = load_project(request, public_id, admin=True)
    member_ids = project.member_ids()
    # Bucket names come in each key's row (no prefetch), so the whole export is one
    # query read through a cursor.
    keys = key_audit.with_bucket_list(project.access_keys.all())
    _, keys = _keys(request, project, member_ids, keys=keys)
    rows = key_audit.key_csv_rows(keys.iterator(chunk_size=EXPORT_CHUNK), member_ids)
    chunks = key_audit.csv_chunks(key_audit.KEYS_CSV_HEADER, rows)
    return _csv_response(chunks, project, "access-keys")


EVENTS_CSV_HEADER = ["Time", "Action", "Actor", "IP address", "User agent", "Details"]


def events_csv(request, public_id):
    project = load_project(request, public_id, admin=True)
    _, events = _events(request, project, project.member_ids())
    rows = (
        [
            event.created_at.isoformat(timespec="seconds"),
            event.get_action_display(),
            event.actor_email,
            event.ip_address or "",
            event.user_agent,
            json.dumps(event.details, sort_keys=True, ensure_ascii=False) if event.details else "",
        ]
        for event in events.iterator(chunk_size=EXPORT_CHUNK)
    )
    return _csv_response(key_audit.csv_chunks(EVENTS_CSV_HEADER, rows), project, "audit-events")
