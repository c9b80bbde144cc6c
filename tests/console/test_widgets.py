"""The Plain widgets render what Django's widgets render, without templates."""

from html.parser import HTMLParser

import pytest
from django import forms

from console import widgets
from console.widgets import PlainSelect


class Elements(HTMLParser):
    """Each element as (tag, sorted attributes, text), whitespace between them ignored."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[list] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append([tag, sorted(attrs), ""])

    def handle_data(self, data):
        if data.strip() and self.elements:
            self.elements[-1][2] += data.strip()


CHOICES = [("", "Any"), (1, "one & <two>"), ("1", "the same value again"), ("x", "“x”")]


def form_class(widget, **field_options):
    class Form(forms.Form):
        choice = forms.ChoiceField(choices=CHOICES, widget=widget, **field_options)

    return Form


@pytest.mark.parametrize(
    "data, field_options",
    [
        (None, {"required": False}),
        ({"choice": "1"}, {"required": False}),
        ({"choice": "x"}, {"required": False, "help_text": "Pick one"}),
        ({"choice": "nope"}, {}),  # an error: aria-invalid, described by the error
        ({}, {"label": "Choice"}),  # required and missing
    ],
)
def test_it_renders_what_djangos_select_renders(data, field_options):
    django_form = form_class(forms.Select, **field_options)(data)
    plain_form = form_class(PlainSelect, **field_options)(data)
    django_form.is_valid(), plain_form.is_valid()
    django_html, plain_html = str(django_form["choice"]), str(plain_form["choice"])
    assert Elements(plain_html).elements == Elements(django_html).elements
    assert plain_html.count(" selected") <= 1


def test_the_audit_filters_render_as_before(admin_client, project):
    from accesskeys.key_audit_forms import KeyFilterForm
    from console.event_log_forms import EventFilterForm
    from console.event_log_views import Person

    query = {"type": "api_key", "status": "expired", "creator": "999", "action": "sign_in"}
    for plain in (
        KeyFilterForm([Person(1, "a@example.com", True, False)], [(1, "photos")], query),
        EventFilterForm(["a@example.com"], query),
    ):
        plain.is_valid()
        for name, field in plain.fields.items():
            if not isinstance(field.widget, PlainSelect):
                continue
            django_field = plain[name]
            expected = django_field.as_widget(widget=forms.Select(choices=field.choices))
            assert Elements(str(django_field)).elements == Elements(expected).elements, name


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"type": "api_key", "status": "expired", "unused": "on", "risky": "on", "creator": "2"},
        {"creator": "999", "bucket": "x", "permission": "<b>", "action": "nope", "actor": "b@x"},
    ],
)
def test_the_filter_fields_render_as_the_field_template_did(query):
    """filter_fields writes what console/field.html wrote for each menu (label, menu,
    errors), and each checkbox before its label, as the Audit page wrote them."""
    from django.template.loader import render_to_string

    from accesskeys.key_audit_forms import KeyFilterForm
    from console.event_log_forms import EventFilterForm
    from console.event_log_views import Person
    from console.widgets import filter_fields

    people = [Person(1, "a@example.com", True, True), Person(2, "<b>@example.com", False, False)]
    for form in (
        KeyFilterForm(people, [(1, "photos"), (2, "logs")], query),
        EventFilterForm(["a@example.com", "b&c@example.com"], query),
    ):
        form.is_valid()
        expected = "".join(
            render_to_string("console/field.html", {"field": form[name]})
            if isinstance(field.widget, PlainSelect)
            else f'<div class="field checkbox-field">{form[name]} '
            f'<label for="{form[name].id_for_label}">{field.label}</label></div>'
            for name, field in form.fields.items()
        )
        assert Elements(filter_fields(form)).elements == Elements(expected).elements


@pytest.mark.parametrize(
    ("plain", "django_widget"),
    [
        (widgets.PlainTextInput, forms.TextInput),
        (widgets.PlainPasswordInput, forms.PasswordInput),
        (widgets.PlainNumberInput, forms.NumberInput),
        (widgets.PlainDateInput, forms.DateInput),
        (widgets.PlainTextarea, forms.Textarea),
    ],
)
def test_the_plain_inputs_write_what_djangos_templates_write(plain, django_widget):
    attrs = {"placeholder": '"e.g." <b>&', "maxlength": 100, "autocomplete": "off"}
    extra = {"id": "na-x", "required": True, "aria-invalid": "true", "disabled": False}
    for value in (None, "", 'say "<script>" & go', 42):
        ours = plain(attrs=attrs).render("x", value, attrs=extra)
        theirs = django_widget(attrs=attrs).render("x", value, attrs=extra)
        assert ours == theirs, (value, ours, theirs)
        assert "<script>" not in ours
