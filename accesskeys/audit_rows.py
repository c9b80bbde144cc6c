"""The Audit page's rows of keys, as HTML written in Python.

A page shows 50 keys of eight cells. Through the template language every value
paid a variable lookup, localization and escaping (the rows cost more than the
rest of the page); here a row is one f-string in which every text goes through
`escape` (the standard library's html.escape, which Django's own escape calls).
The words are those of key_audit.audited_keys, which the keys CSV writes too.
tests/accesskeys/test_audit_rows.py puts markup in every text a row shows.
templates/accesskeys/audit.html writes the rest of the table.
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe

from accesskeys.services.key_audit import AuditedKey
from accesskeys.templatetags.key_badges import STATUS_BADGES
from console import dates

NEVER = "Never"


def _lines(texts: list[str]) -> str:
    """Texts under a cell's first line, one a line, in muted small type."""
    return "".join(f'<div class="muted small">{escape(text)}</div>' for text in texts)


def _permissions(key: AuditedKey) -> str:
    if key.full_access:
        return "<strong>Full access</strong>"
    basic = escape(", ".join(key.permissions)) or "None"
    # Object lock and bucket notification permissions each on a line of their own.
    groups = (key.object_lock, key.notification)
    return basic + _lines([", ".join(labels) for labels in groups if labels])


def _risks(risks: list[str]) -> str:
    if not risks:
        return '<td data-label="Risks" class="no-risks"><span class="muted">None</span></td>'
    items = "".join(f'<li><span class="badge badge-danger">{escape(r)}</span></li>' for r in risks)
    return f'<td data-label="Risks"><ul class="risk-list">{items}</ul></td>'


def row(key: AuditedKey, keys_url: str) -> str:
    """One `<tr>`: name and status, type, creator, permissions, buckets, expiry, last
    use, risks. A key's details are at keys_url + "<id>/" (accesskeys/urls.py)."""
    badge, status = STATUS_BADGES[key.status]
    buckets = escape(", ".join(key.buckets)) if key.buckets else "All buckets"
    expires = dates.day_time(key.not_after, zone=True) if key.not_after else NEVER
    last_used = dates.day_time(key.last_used_at) if key.last_used_at else NEVER
    return (
        "<tr>\n"
        f'<th scope="row"><a href="{keys_url}{key.id}/">{escape(key.name)}</a>\n'
        f'<div><span class="badge {badge}">{status}</span></div></th>\n'
        f'<td data-label="Type">{escape(key.type)}</td>\n'
        f'<td data-label="Created by">{escape(key.creator)}'
        f'<div class="muted small">{dates.day(key.created_at)}</div></td>\n'
        f'<td data-label="Permissions">{_permissions(key)}</td>\n'
        f'<td data-label="Buckets">{buckets}{_lines(key.restrictions)}</td>\n'
        f'<td data-label="Expires">{expires}</td>\n'
        f'<td data-label="Last used">{last_used}</td>\n'
        f"{_risks(key.risks)}\n"
        "</tr>\n"
    )


def rows(keys: list[AuditedKey], keys_url: str) -> SafeString:
    """The `<tr>`s of a page of keys."""
    keys_url = escape(keys_url)
    # Safe: every text in a row went through escape(); the rest are numbers.
    return mark_safe("".join(row(key, keys_url) for key in keys))  # noqa: S308
