"""A key's status badge, in Python: the Audit page shows one a row, and an include a
row cost more than the rest of the row's status cell."""

from django import template
from django.utils.html import format_html

register = template.Library()

# Status (AccessKey.status) -> the badge's class and words.
STATUS_BADGES = {
    "active": ("badge-success", "Active"),
    "expired": ("badge-warning", "Expired"),
    "revoked": ("badge-danger", "Revoked"),
}


@register.simple_tag
def status_badge(key) -> str:
    """`<span class="badge …">Active</span>`, Expired or Revoked."""
    css, words = STATUS_BADGES.get(key.status, STATUS_BADGES["revoked"])
    return format_html('<span class="badge {}">{}</span>', css, words)
