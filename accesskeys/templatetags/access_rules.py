"""The access service's rules, for templates that show only what they allow."""

from django import template

from accesskeys.services import access_rules

register = template.Library()


@register.filter
def may_be_changed_by(key, membership) -> bool:
    """Whether this member may rename, describe or delete the key (access_rules.may_change)."""
    return access_rules.may_change(membership, key)
