"""Form widgets that render in Python what Django renders through templates.

Django's Select renders each option through a template of its own: the Audit
page's seven filter menus cost more than its fifty rows of keys. The markup is
the same as Django's (name, id, aria and required attributes, the first
matching option selected), without option groups, which these menus do not use.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")  # noqa: S308 (a constant)


class PlainSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        if self.allow_multiple_selected:
            raise NotImplementedError("PlainSelect selects one value")
        attrs = self.build_attrs(self.attrs, attrs)
        values = self.format_value(value)
        options, chosen = [], False
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                raise NotImplementedError("PlainSelect has no option groups")
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in values
            chosen |= selected
            options.append((option_value, SELECTED if selected else "", label))
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(attrs),
            format_html_join("\n", '  <option value="{}"{}>{}</option>', options),
        )


class PlainInputMixin:
    """An <input> (or <textarea>) written in Python, with the markup of Django's templates:
    the same value formatting (`get_context`: a password is not shown again, a date is
    formatted) and the same attributes (`flatatt`: True bare, False and None left out)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if widget["value"] is None:
            return format_html(
                '<input type="{}" name="{}"{}>', widget["type"], name, flatatt(widget["attrs"])
            )
        return format_html(
            '<input type="{}" name="{}" value="{}"{}>',
            widget["type"],
            name,
            widget["value"],
            flatatt(widget["attrs"]),
        )


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainPasswordInput(PlainInputMixin, forms.PasswordInput):
    pass


class PlainNumberInput(PlainInputMixin, forms.NumberInput):
    pass


class PlainDateInput(PlainInputMixin, forms.DateInput):
    pass


class PlainTextarea(forms.Textarea):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        # The newline after the start tag, as Django writes it (a parser drops it).
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            name,
            flatatt(widget["attrs"]),
            widget["value"] or "",
        )
