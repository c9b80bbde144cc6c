"""The Access Keys table's rows, as HTML written in Python.

A page shows up to 100 rows of a dozen values each. Through the template
language every value pays a variable lookup, localization and escaping (a
10-row page spent more time in its rows than in everything else it did), and
`format_html` a dozen calls a value. Here a row is one f-string in which every
value that is not a number goes through `escape` (the standard library's
html.escape, which Django's own escape calls): tests/accesskeys/test_access_rows.py
puts markup in every text a row shows. The cells follow access_table.COLUMNS (a
test holds them to it); the page's template writes the rest of the table.
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe

from accesskeys.models import AccessKey
from accesskeys.services import access_rules
from console import dates
from console.models import Membership

EXPIRED = ' class="is-expired"'
PUBLIC_LINK = '<span class="badge badge-info badge-public">Public link</span>'


def _date(moment) -> str:
    return f'<time datetime="{dates.iso(moment)}">{dates.day(moment)}</time>'


def _creator(key: AccessKey) -> str:
    # The creator's email kept on the key (AccessKey.creator_email): no join to users.
    if key.created_by_id is None:
        return '<span class="muted">Deleted user</span>'
    if key.creator_is_member:
        return escape(key.creator_email)
    return f'{escape(key.creator_email)} <span class="muted">(former member)</span>'


def _expires(key: AccessKey, expired: bool) -> str:
    if key.not_after is None:
        return '<span class="muted">No expiration</span>'
    if expired:
        return f'{_date(key.not_after)} <span class="badge badge-danger">Expired</span>'
    return _date(key.not_after)


def _last_used(key: AccessKey) -> str:
    moment = key.last_used_at
    if moment is None:
        return '<span class="muted">Never</span>'
    return (
        f'<time datetime="{dates.iso(moment)}" title="{dates.minute(moment)} UTC">'
        f"{dates.day(moment)}</time>"
    )


def _menu_items(key: AccessKey, url: str, delete_url: str, membership: Membership) -> str:
    """Details, then only what the rules allow: Admins, and Members for their own keys."""
    items = f'<a role="menuitem" class="row-menu-item" href="{url}">Details</a>'
    if not access_rules.may_change(membership, key):
        return items
    if access_rules.may_offer_rotation(membership, key):
        items += (
            f'<button type="button" role="menuitem" class="row-menu-item" hx-get="{url}rotate/" '
            'hx-target="#dialog-host">Rotate</button>'
        )
    delete = f"{delete_url}?ids={key.id}"
    return items + (
        f'<a role="menuitem" class="row-menu-item" href="{url}edit/">Rename or describe</a>'
        f'<a role="menuitem" class="row-menu-item danger" href="{delete}" hx-get="{delete}" '
        'hx-target="#dialog-host">Delete</a>'
    )


def row(
    key: AccessKey, *, base_url: str, delete_url: str, membership: Membership, show_creator: bool
) -> str:
    """One `<tr>` of the table: the select box, the cells of COLUMNS, the row menu.

    A key's pages are base_url + "<id>/", "<id>/edit/" and "<id>/rotate/"
    (accesskeys/urls.py): built from base_url rather than reversed three times a row.
    """
    url = escape(f"{base_url}{key.id}/")
    name = escape(key.name)
    expired = key.is_expired
    notes = "".join(
        f'<span class="key-note">{escape(note)}</span>' for note in key.restriction_notes()
    )
    menu = _menu_items(key, url, escape(delete_url), membership)
    creator = (
        f'<td data-label="Creator" class="col-creator">{_creator(key)}</td>' if show_creator else ""
    )
    return (
        f"<tr{EXPIRED if expired else ''}>"
        f'<td class="col-select"><input type="checkbox" name="ids" value="{key.id}" '
        f'form="bulk-delete-form" aria-label="Select {name}"></td>'
        f'<td class="col-name"><a class="key-name" href="{url}">{name}</a>'
        f"{PUBLIC_LINK if key.share_url else ''}{notes}</td>"
        f'<td data-label="Type">{escape(key.get_type_display())}</td>'
        f"{creator}"
        f'<td data-label="Date Created">{_date(key.created_at)}</td>'
        f'<td data-label="Expires">{_expires(key, expired)}</td>'
        f'<td data-label="Last used">{_last_used(key)}</td>'
        '<td class="col-menu"><div class="row-menu">'
        f'<button type="button" class="row-menu-toggle" id="menu-toggle-{key.id}" data-menu-toggle '
        f'aria-haspopup="menu" aria-expanded="false" aria-controls="menu-{key.id}" '
        f'aria-label="Actions for {name}"><span aria-hidden="true">⋯</span></button>'
        f'<div class="row-menu-list" id="menu-{key.id}" role="menu" '
        f'aria-label="Actions for {name}" hidden>{menu}</div></div></td>'
        "</tr>\n"
    )


def rows(keys, **options) -> SafeString:
    """The `<tr>`s of a page of keys (`options`: as `row` takes them)."""
    # Safe: every value in a row is a number or went through escape().
    return mark_safe("".join(row(key, **options) for key in keys))  # noqa: S308
