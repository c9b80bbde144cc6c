"""The event log half of the Audit page (Admins only) and its CSV export.

The page itself is `accesskeys.key_audit_views.audit`, which shows the project's
keys above this log.
"""

import json
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection

from console import audit_pager, event_rows
from console.event_log_forms import EVENT_FIELDS, EventFilterForm
from console.exports import EXPORT_CHUNK, csv_response
from console.membership import load_project
from console.models import AuditEvent
from console.paging import BoundedPaginator
from console.widgets import filter_fields

EVENTS_PER_PAGE = 25


@dataclass(frozen=True)
class Person:
    """Someone the Audit page names."""

    id: int
    email: str
    member: bool  # a current member: in the project, with an active account
    own_events: bool  # has sign-ins or sign-outs of their own (events of no project)


# Each person: id, email, whether a current member (an active account in the
# project: Project.member_ids), whether they have sign-ins or sign-outs of their own
# (events of no project). Written out rather than through the ORM, whose three
# subqueries cost more to build than the Audit page's fifty rows of keys. Sign-ins
# by user and by email (a failed one) are two EXISTS, each one probe of its own
# index (event_no_project_actor, event_no_project_email): one EXISTS with an OR read
# every event of no project, 24 ms a person at a million events.
PEOPLE_SQL = """
SELECT u.id, u.email,
    u.is_active AND EXISTS (
        SELECT 1 FROM console_membership m WHERE m.project_id = %(project)s AND m.user_id = u.id
    ) AS member,
    EXISTS (
        SELECT 1 FROM console_auditevent e WHERE e.project_id IS NULL AND e.actor_id = u.id
    ) OR EXISTS (
        SELECT 1 FROM console_auditevent e WHERE e.project_id IS NULL AND e.actor_id IS NULL
        AND e.actor_email = u.email
    ) AS own_events
FROM console_user u
WHERE u.is_active AND EXISTS (
    SELECT 1 FROM console_membership m WHERE m.project_id = %(project)s AND m.user_id = u.id
){also}
ORDER BY u.email
"""


def people(project, also: str = "") -> list[Person]:
    """The project's current members, by email, in one query; `also`: a constant SQL
    condition on a user `u` (it may use %(project)s) that names others too (the
    Audit page: whoever made a key here)."""
    with connection.cursor() as cursor:
        cursor.execute(
            PEOPLE_SQL.format(also=f" OR {also}" if also else ""), {"project": project.id}
        )
        return [
            Person(user_id, email, bool(member), bool(own_events))
            for user_id, email, member, own_events in cursor.fetchall()
        ]


def _event_parts(project, members: dict[int, str]):
    """The project's events, and each member's sign-ins and sign-outs (which belong
    to no project, by user or, for a failed sign-in, by email alone): disjoint
    querysets, each read newest first from an index of its own."""
    parts = [AuditEvent.objects.filter(project=project)]
    for user_id, email in members.items():
        parts.append(AuditEvent.objects.filter(project__isnull=True, actor_id=user_id))
        parts.append(
            AuditEvent.objects.filter(project__isnull=True, actor__isnull=True, actor_email=email)
        )
    return parts


NEWEST_FIRST = ("-created_at", "-id")


class EventLog:
    """The events of the log, newest first, in a form the paginator slices.

    One WHERE with ORs over a million events makes PostgreSQL read and sort every
    match for each page. Instead each part reads, from its own index, only the
    events up to the end of the page asked for, and the database merges those
    few: page 1 costs 25 rows a part, however long the log.
    """

    ordered = True

    def __init__(self, parts):
        self.parts = [part.order_by() for part in parts]

    def _union(self, parts):
        first, *others = parts
        return first.union(*others, all=True) if others else first

    def __getitem__(self, page: slice) -> list:
        if not page.stop:
            return []  # an empty log's page (Django cannot combine empty slices)
        if not connection.features.supports_slicing_ordering_in_compound:
            # SQLite: one sort of the whole union (the embedded, small case).
            return list(self._union(self.parts).order_by(*NEWEST_FIRST)[page])
        # First the page's (time, id) pairs, read from the parts' indexes alone (an
        # index-only scan of at most page.stop entries a part), then its 25 rows.
        keys = [
            part.order_by(*NEWEST_FIRST).values_list("created_at", "id")[: page.stop]
            for part in self.parts
        ]
        ids = [pk for _, pk in self._union(keys).order_by(*NEWEST_FIRST)[page]]
        rows = AuditEvent.objects.in_bulk(ids)
        return [rows[pk] for pk in ids]

    def count_up_to(self, limit: int) -> int:
        if connection.features.supports_slicing_ordering_in_compound:
            # The parts one after the other, reading no more than `limit` index
            # entries in all (not `limit` a part); each in its index's order, so
            # that the planner reads that index rather than gamble on the table.
            ids = [part.order_by(*NEWEST_FIRST).values_list("pk")[:limit] for part in self.parts]
            return self._union(ids)[:limit].count()
        # SQLite cannot limit each part of a union: the union's first `limit` rows.
        return self._union([part.values_list("pk") for part in self.parts])[:limit].count()

    def values_iterator(self, fields: tuple[str, ...], chunk_size: int):
        """Every event's `fields` as a tuple, newest first, through a server-side cursor
        (the exports: no model instance a row)."""
        # The id too: the union is ordered by columns it returns.
        rows = self._union([part.values_list(*fields, "id") for part in self.parts])
        for row in rows.order_by(*NEWEST_FIRST).iterator(chunk_size=chunk_size):
            yield row[:-1]


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


def _actor_emails(project, people: list[Person]) -> list[str]:
    """Everyone the event log can show: actors of the project's events, and members
    with a sign-in or sign-out of their own."""
    with connection.cursor() as cursor:
        cursor.execute(PROJECT_ACTORS_SQL, [project.id, project.id])
        emails = {email for (email,) in cursor.fetchall()}
    emails.update(p.email for p in people if p.member and p.own_events)
    return sorted(emails)


def _events(request, project, people: list[Person]):
    members = {p.id: p.email for p in people if p.member}
    form = EventFilterForm(_actor_emails(project, people), request.GET)
    if form.is_valid() and form.cleaned_data["actor"]:
        # Only the chosen person's own sign-ins can match: leave out the parts of the
        # others, which would each be read through to find nothing.
        members = {uid: e for uid, e in members.items() if e == form.cleaned_data["actor"]}
    return form, EventLog([form.apply(part) for part in _event_parts(project, members)])


def query_without(request, names: list[str]) -> list[tuple[str, str]]:
    """The other section's filters, carried along as hidden inputs."""
    return [(k, v) for k, v in request.GET.items() if k not in names and v]


def pager(request, param: str, page) -> dict:
    """Previous, next and page number links ("1 … 4 5 6 … 40") that keep every
    other filter."""

    def url(number):
        query = request.GET.copy()
        query[param] = number
        return "?" + query.urlencode()

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return {
        "previous": url(page.previous_page_number()) if page.has_previous() else None,
        "next": url(page.next_page_number()) if page.has_next() else None,
        "pages": [
            {"number": n, "url": url(n)} if n != Paginator.ELLIPSIS else {"number": None}
            for n in numbers
        ],
    }


def event_log_context(request, project, people: list[Person]) -> dict:
    """What the event log section of the Audit page shows (`people`: as people() finds them)."""
    event_form, events = _events(request, project, people)
    event_page = BoundedPaginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    event_pages = pager(request, "page", event_page)
    return {
        "event_form": event_form,
        "event_fields": filter_fields(event_form),
        "event_page": event_page,
        "event_rows": event_rows.rows(event_page),
        "event_hidden": query_without(request, EVENT_FIELDS + ["page"]),
        "event_pages": event_pages,
        "event_pager": audit_pager.nav(event_pages, event_page, "Event log pages", "events"),
    }


EVENTS_CSV_HEADER = ["Time", "Action", "Actor", "IP address", "User agent", "Details"]


# What a row of the events CSV reads, in the header's order.
EVENTS_CSV_FIELDS = ("created_at", "action", "actor_email", "ip_address", "user_agent", "details")


def events_csv(request, public_id):
    project = load_project(request, public_id, admin=True)
    _, events = _events(request, project, people(project))
    actions = dict(AuditEvent.Action.choices)
    rows = (
        [
            created_at.isoformat(timespec="seconds"),
            actions.get(action, action),
            actor_email,
            ip_address or "",
            user_agent,
            json.dumps(details, sort_keys=True, ensure_ascii=False) if details else "",
        ]
        for created_at, action, actor_email, ip_address, user_agent, details in (
            events.values_iterator(EVENTS_CSV_FIELDS, chunk_size=EXPORT_CHUNK)
        )
    )
    return csv_response(EVENTS_CSV_HEADER, rows, project, "audit-events")
