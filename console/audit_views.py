"""The Audit page (Admins only): the project's keys and its event log, and CSV exports."""

import json

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from accesskeys.services import key_audit
from console.audit import project_events
from console.audit_forms import EVENT_FIELDS, KEY_FIELDS, EventFilterForm, KeyFilterForm
from console.membership import load_project

KEYS_PER_PAGE = 50
EVENTS_PER_PAGE = 25


def _keys(request, project, member_ids):
    form = KeyFilterForm(project, member_ids, request.GET)
    keys = project.access_keys.select_related("created_by").prefetch_related("buckets")
    filters = form.filters()
    keys = keys.none() if filters is None else key_audit.filter_keys(keys, filters)
    return form, keys.order_by("name", "-created_at", "id")


def _events(request, project, member_ids):
    events = project_events(project)
    emails = sorted(set(events.exclude(actor_email="").values_list("actor_email", flat=True)))
    form = EventFilterForm(emails, request.GET)
    return form, form.apply(events).order_by("-created_at", "-id")


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
    key_page = Paginator(keys, KEYS_PER_PAGE).get_page(request.GET.get("kpage"))
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
    event_page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
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


def _csv_response(text: str, project, what: str) -> HttpResponse:
    # UTF-8 without a byte-order mark; the csv module writes RFC 4180 CRLF rows.
    response = HttpResponse(text.encode(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    filename = f"{slugify(project.name) or 'project'}-{what}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def keys_csv(request, public_id):
    project = load_project(request, public_id, admin=True)
    member_ids = project.member_ids()
    _, keys = _keys(request, project, member_ids)
    rows = key_audit.key_csv_rows(keys, member_ids)
    return _csv_response(key_audit.to_csv(key_audit.KEYS_CSV_HEADER, rows), project, "access-keys")


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
        for event in events.iterator()
    )
    return _csv_response(key_audit.to_csv(EVENTS_CSV_HEADER, rows), project, "audit-events")
