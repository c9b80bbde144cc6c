"""Radio and checkbox option cards, in Python: every step of the New Access dialog
shows a group of them, and an include a card cost more than the rest of the step.

An option is a dict of StepForm.options: value, label, id, checked, description.
Every text goes through `escape` (the standard library's html.escape, which Django's
own escape calls; format_html costs a dozen calls a value):
tests/accesskeys/test_option_cards.py puts markup in each.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _card(o: dict, name: str, kind: str, compact: bool, invalid: bool) -> str:
    option_id = escape(str(o["id"]))
    value = escape(str(o["value"]))
    help_text = ""
    described = ""
    if o["description"] and not compact:
        described = f' aria-describedby="{option_id}-help"'
        help_text = (
            f'<span class="na-option-help" id="{option_id}-help">'
            f"{escape(str(o['description']))}</span>"
        )
    checked = o["checked"]
    return (
        f'<div class="na-option{" is-checked" if checked else ""}" data-option="{value}">'
        f'<input type="{escape(kind)}" name="{escape(name)}" value="{value}" id="{option_id}"'
        f"{' checked' if checked else ''}{described}"
        f"{INVALID if invalid else ''}>"
        f'<span class="na-option-text"><label for="{option_id}" class="na-option-title">'
        f"{escape(str(o['label']))}</label>{help_text}</span></div>"
    )


INVALID = ' aria-invalid="true"'


@register.simple_tag
def option_card(o: dict, name: str, kind: str, compact=False, invalid=False) -> SafeString:
    """One card: the input, its label, and its description (left out when compact)."""
    return mark_safe(_card(o, name, kind, compact, invalid))  # noqa: S308 (all escaped)


@register.simple_tag
def option_cards(options, name: str, kind: str, columns=None, compact=False, invalid=False):
    """A group of cards, `columns` wide (1 unless given)."""
    classes = " na-options-compact" if compact else ""
    if columns:
        classes += f" na-options-{int(columns)}"
    cards = "".join(_card(o, name, kind, compact, bool(invalid)) for o in options)
    return mark_safe(f'<div class="na-options{classes}">{cards}</div>')  # noqa: S308 (all escaped)
