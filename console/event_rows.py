"""The Audit page's event log rows, as HTML written in Python.

A page shows 25 events of six cells. Through the template language every value
paid a variable lookup, localization and escaping; here a row is one f-string
in which every text goes through `escape` (the standard library's html.escape,
which Django's own escape calls). tests/console/test_event_rows.py puts markup
in every text a row shows. templates/console/audit_events.html writes the rest
of the table.
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe

from console import dates, event_text
from console.models import AuditEvent

ACTIONS = dict(AuditEvent.Action.choices)
NONE = "—"


def _user_agent(user_agent: str) -> str:
    """The browser and system, the whole string one click away; a string that says
    no more than itself, as it is."""
    if not user_agent:
        return NONE
    browser = event_text.browser_on_os(user_agent)
    if browser == user_agent:
        return escape(user_agent)
    return (
        "\n          <details>\n"
        f"            <summary>{escape(browser)}"
        '<span class="visually-hidden"> (full user agent)</span></summary>\n'
        f'            <p class="mono small">{escape(user_agent)}</p>\n'
        "          </details>"
    )


def row(event: AuditEvent) -> str:
    """One `<tr>`: when, action, who, details, IP address, user agent."""
    details = event_text.describe(event.action, event.details)
    return (
        "<tr>\n"
        f'<td data-label="When (UTC)"><time datetime="{dates.iso(event.created_at)}">'
        f"{dates.day_time(event.created_at, seconds=True)}</time></td>\n"
        f'<td data-label="Action" class="strong">'
        f"{escape(ACTIONS.get(event.action, event.action))}</td>\n"
        f'<td data-label="Who">{escape(event.actor_email) if event.actor_email else NONE}</td>\n'
        f'<td data-label="Details" class="details">{escape(details) if details else NONE}</td>\n'
        f'<td data-label="IP address" class="mono small">'
        f"{escape(event.ip_address) if event.ip_address else NONE}</td>\n"
        f'<td data-label="User agent" class="ua">{_user_agent(event.user_agent)}</td>\n'
        "</tr>\n"
    )


def rows(events) -> SafeString:
    """The `<tr>`s of a page of events."""
    # Safe: every text in a row went through escape().
    return mark_safe("".join(row(event) for event in events))  # noqa: S308
