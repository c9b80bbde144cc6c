"""The code fields of two-factor sign-in, setup, regenerating codes and turning it off."""

from django import forms
from django_otp.plugins.otp_static.models import StaticDevice

from console import two_factor
from console.form_focus import FocusFirstError

CODE_HELP = "The 6-digit code from your authenticator app, or one of your recovery codes."


def code_widget(numeric: bool) -> forms.TextInput:
    attrs = {
        "autocomplete": "one-time-code",
        "autocapitalize": "off",
        "spellcheck": "false",
        "maxlength": 32,
    }
    if numeric:
        attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
    return forms.TextInput(attrs=attrs)


class CodeForm(FocusFirstError, forms.Form):
    """A current code of the user's two-factor devices: the app's code or a
    recovery code, which is used up. `device` is the one that accepted it."""

    code = forms.CharField(
        label="Authentication code",
        max_length=32,
        help_text=CODE_HELP,
        widget=code_widget(numeric=False),
        error_messages={"required": "Enter the code from your authenticator app."},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"]
        # django-otp doubles the wait after each wrong code; a code sent sooner is refused.
        wait = two_factor.wait_seconds(self.user)
        if wait:
            raise forms.ValidationError(two_factor.wait_message(wait))
        self.device = two_factor.verify(self.user, code)
        if self.device is None:
            raise forms.ValidationError(
                "That code is not valid. Enter the current code from your authenticator "
                "app, or a recovery code you have not used yet."
            )
        return code

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


class SetupForm(FocusFirstError, forms.Form):
    """The first code from the app, which proves it holds the secret."""

    code = forms.CharField(
        label="Code from your app",
        max_length=32,
        help_text="Enter the 6-digit code your authenticator app shows for this account.",
        widget=code_widget(numeric=True),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )

    def clean_code(self):
        code = two_factor.normalize(self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("The code is 6 digits, as your authenticator app shows.")
        return code


class RequireTwoFactorForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label="Require two-factor authentication for every member",
        required=False,
        help_text="Members without it are asked to set it up before they can open the project.",
    )
