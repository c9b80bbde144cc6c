"""Form widgets and fields that render in Python what Django renders through templates.

Django's Select renders each option through a template of its own, and a form
field through a template again (its label, widget and errors): the Audit page's
eleven filters cost more than its fifty rows of keys. The markup is the same as
Django's and console/field.html's (name, id, aria and required attributes, the
first matching option selected), without option groups or help texts, which these
filters do not use. Every text goes through `escape` (the standard library's
html.escape, which Django's own escape calls).
"""

from html import escape

from django import forms
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString, mark_safe


def _options(choices, values: list[str]) -> str:
    """The `<option>`s of `choices`, the first whose value is in `values` selected."""
    options, chosen = [], False
    for option_value, label in choices:
        if isinstance(label, list | tuple):
            raise NotImplementedError("PlainSelect has no option groups")
        option_value = "" if option_value is None else str(option_value)
        selected = not chosen and option_value in values
        chosen |= selected
        options.append(
            f'  <option value="{escape(option_value)}"{" selected" if selected else ""}>'
            f"{escape(str(label))}</option>"
        )
    return "\n".join(options)


def attributes(attrs: dict) -> str:
    """A widget's attributes as Django's attrs.html writes them, in their order: True
    bare, False left out, anything else as text; every value escaped."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        if self.allow_multiple_selected:
            raise NotImplementedError("PlainSelect selects one value")
        attrs = self.build_attrs(self.attrs, attrs)
        options = _options(self.choices, self.format_value(value))
        # Safe: attributes() and _options escape every text.
        html = f'<select name="{escape(name)}"{attributes(attrs)}>\n{options}\n</select>'
        return mark_safe(html)  # noqa: S308


class PlainInputMixin:
    """An <input> written in Python, with the markup of Django's template: the same
    value formatting (`get_context`: a password is not shown again, a date is
    formatted) and the same attributes, in the same order."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        return mark_safe(  # noqa: S308 (every value escaped)
            f'<input type="{escape(widget["type"])}" name="{escape(name)}"{shown}'
            f"{attributes(widget['attrs'])}>"
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
        return mark_safe(  # noqa: S308 (every value escaped)
            f'<textarea name="{escape(name)}"{attributes(widget["attrs"])}>\n'
            f"{escape(str(widget['value'] or ''))}</textarea>"
        )


def _select_field(field: BoundField) -> str:
    """console/field.html with a PlainSelect: the label, the menu, the errors."""
    field_id, errors = field.auto_id, field.errors
    aria = f' aria-describedby="{field_id}_error" aria-invalid="true"' if errors else ""
    options = _options(field.field.choices, field.field.widget.format_value(field.value()))
    html = (
        f'<div class="field{" has-error" if errors else ""}">\n'
        f'  <label for="{field_id}">{escape(str(field.label))}</label>\n'
        f'  <select name="{field.html_name}"{aria} id="{field_id}">\n{options}\n</select>\n'
    )
    if errors:
        items = "".join(f"<li>{escape(str(error))}</li>" for error in errors)
        html += (
            f'  <div class="field-errors" id="{field_id}_error" role="alert">\n'
            f"    <ul>{items}</ul>\n  </div>\n"
        )
    return html + "</div>\n"


def _checkbox_field(field: BoundField) -> str:
    """A checkbox before its label."""
    checked = " checked" if field.field.widget.check_test(field.value()) else ""
    return (
        f'<div class="field checkbox-field"><input type="checkbox" name="{field.html_name}" '
        f'id="{field.auto_id}"{checked}> <label for="{field.auto_id}">'
        f"{escape(str(field.label))}</label></div>\n"
    )


def filter_fields(form: forms.Form) -> SafeString:
    """A filter form's fields in their order, its menus (PlainSelect) as
    console/field.html writes a field, its checkboxes before their labels."""
    html = []
    for name, form_field in form.fields.items():
        field = form[name]
        if form_field.help_text:
            raise NotImplementedError("filter fields have no help text")
        if isinstance(form_field.widget, PlainSelect):
            html.append(_select_field(field))
        elif isinstance(form_field.widget, forms.CheckboxInput):
            html.append(_checkbox_field(field))
        else:
            raise NotImplementedError(f"{name}: a filter is a PlainSelect or a checkbox")
    # Safe: every text went through escape(); names and ids are the form's own.
    return mark_safe("".join(html))  # noqa: S308
