"""Radio and checkbox option cards, in Python: every step of the New Access dialog
shows a group of them, and an include a card cost more than the rest of the step.

An option is a dict of StepForm.options: value, label, id, checked, description.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

INVALID = mark_safe(' aria-invalid="true"')  # noqa: S308 (a constant)


@register.simple_tag
def option_card(o: dict, name: str, kind: str, compact=False, invalid=False) -> SafeString:
    """One card: the input, its label, and its description (left out when compact)."""
    described = o["description"] and not compact
    return format_html(
        '<div class="na-option{}" data-option="{}">'
        '<input type="{}" name="{}" value="{}" id="{}"{}{}{}>'
        '<span class="na-option-text"><label for="{}" class="na-option-title">{}</label>{}</span>'
        "</div>",
        " is-checked" if o["checked"] else "",
        o["value"],
        kind,
        name,
        o["value"],
        o["id"],
        " checked" if o["checked"] else "",
        format_html(' aria-describedby="{}-help"', o["id"]) if described else "",
        INVALID if invalid else "",
        o["id"],
        o["label"],
        format_html(
            '<span class="na-option-help" id="{}-help">{}</span>', o["id"], o["description"]
        )
        if described
        else "",
    )


@register.simple_tag
def option_cards(options, name: str, kind: str, columns=None, compact=False, invalid=False):
    """A group of cards, `columns` wide (1 unless given)."""
    classes = " na-options-compact" if compact else ""
    if columns:
        classes += f" na-options-{int(columns)}"
    return format_html(
        '<div class="na-options{}">{}</div>',
        classes,
        format_html_join(
            "", "{}", ((option_card(o, name, kind, compact, invalid),) for o in options)
        ),
    )
