"""Focus on the first field in error when a form comes back as a page.

A form posted as a page (no JavaScript, or any full-page form) comes back with
its errors; the browser should put the cursor where the first one is, not at
the top of the page. `autofocus` does that with no script at all.
"""

from django import forms


class FocusFirstError:
    """Mix into a Form: after validation, the first field in error gets `autofocus`.

    `focus_on_form_error` names the field to focus when the only errors are the
    form's own (e.g. a wrong password: the password field).
    """

    focus_on_form_error: str | None = None

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        names = [name for name in self.fields if name in self.errors]
        if not names and forms.forms.NON_FIELD_ERRORS in self.errors:
            names = [self.focus_on_form_error] if self.focus_on_form_error in self.fields else []
        for name in self.fields:
            self.fields[name].widget.attrs.pop("autofocus", None)
        if names:
            self.fields[names[0]].widget.attrs["autofocus"] = True
