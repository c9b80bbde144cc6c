from django import forms
from django.contrib.auth import password_validation

from console.models import Membership


class AddMemberForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    role = forms.ChoiceField(
        label="Role", choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    # Set by the question "send it again?" when the email has an unused invitation.
    again = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, project, *args, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(project=self.project, user__email=email).exists():
            raise forms.ValidationError(f"{email} is already a member of this project.")
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)


class SetPasswordForm(forms.Form):
    """A new password, typed twice: the invitation, reset, change and sign-up pages.

    The validators' messages belong to "New password"; "Confirm password" says
    only whether the two match."""

    password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # Plain-text help: the field template escapes it.
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean_password1(self):
        password1 = self.cleaned_data["password1"]
        password_validation.validate_password(password1, self.user)
        return password1

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError("The two passwords do not match.")
        return password2


class ChangePasswordForm(SetPasswordForm):
    """The account page's: the current password, then the new one twice."""

    current_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "password1", "password2"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["password1"].widget.attrs.pop("autofocus", None)

    def clean_current_password(self):
        current = self.cleaned_data["current_password"]
        if not self.user.check_password(current):
            raise forms.ValidationError("This is not your current password.")
        return current

    def clean_password1(self):
        password1 = super().clean_password1()
        if self.user.check_password(password1):
            raise forms.ValidationError("Choose a password other than your current one.")
        return password1
