"""The access service's rules, for templates that show only what they allow."""

from django import template

from accesskeys.services import access

register = template.Library()


@register.filter
def may_be_changed_by(key, membership) -> bool:
    """Whether this member may rename, describe or delete the key (access.may_update)."""
    return access.may_update(membership, key)


@register.filter
def may_be_rotated_by(key, membership) -> bool:
    """Whether the row menu offers Rotate: the rule of deletion, for an unexpired key the
    console issued (not registered through the API). Whether it was replaced
    already, the dialog says (one query per key would be too many for a menu)."""
    return access.may_update(membership, key) and key.parent_id is None and not key.is_expired
