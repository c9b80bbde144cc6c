"""The event log half of the Audit page (Admins only) and its CSV export.

The page itself is `accesskeys.audit_views.audit`, which shows the project's
keys above this log.
"""

import json

from django.core.paginator import Paginator

from console.audit import project_events
from console.audit_forms import EVENT_FIELDS, EventFilterForm
from console.exports import csv_response, to_csv
from console.membership import load_project

EVENTS_PER_PAGE = 25


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


def query_without(request, names: list[str]) -> list[tuple[str, str]]:
    """The other section's filters, carried along as hidden inputs."""
    return [(k, v) for k, v in request.GET.items() if k not in names and v]


def pager(request, param: str, page) -> dict:
    """Previous and next links that keep every other filter."""

    def url(number):
        query = request.GET.copy()
        query[param] = number
        return "?" + query.urlencode()

    return {
        "previous": url(page.previous_page_number()) if page.has_previous() else None,
        "next": url(page.next_page_number()) if page.has_next() else None,
    }


def event_log_context(request, project, member_ids: set[int]) -> dict:
    """What the event log section of the Audit page shows."""
    event_form, events = _events(request, project, member_ids)
    event_page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    for event in event_page:
        event.details_text = _details_text(event.details)
    return {
        "event_form": event_form,
        "event_page": event_page,
        "event_hidden": query_without(request, EVENT_FIELDS + ["page"]),
        "event_pages": pager(request, "page", event_page),
    }


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
    return csv_response(to_csv(EVENTS_CSV_HEADER, rows), project, "audit-events")
