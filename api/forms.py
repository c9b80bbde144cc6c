"""The form of the API tokens page."""

from django import forms

from api.tokens import EXPIRY_DAYS
from console import two_factor

EXPIRY_CHOICES = [
    (str(days) if days else "none", f"{days} days" if days else "No expiration")
    for days in EXPIRY_DAYS
]


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={"required": "Enter a name for the token."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "e.g. deploy script"}),
    )
    project = forms.ChoiceField(label="Project")
    expires = forms.ChoiceField(label="Expires", choices=EXPIRY_CHOICES, initial="90")

    def __init__(self, user, *args, verified: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Whether this session signed in with a code (django-otp's is_verified).
        self.verified = verified
        self.memberships = {
            str(m.project.public_id): m
            for m in user.memberships.select_related("project").order_by(
                "project__name", "project__created_at"
            )
        }
        self.fields["project"].choices = [
            (public_id, f"{m.project.name} ({m.get_role_display()})")
            for public_id, m in self.memberships.items()
        ]
        self.fields[
            "project"
        ].help_text = "The token acts as you in this project only, with your role there."

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name for the token.")
        return name

    def clean_project(self):
        project = self.memberships[self.cleaned_data["project"]].project
        # The rule of the project's pages (membership.load_project) holds here too.
        if two_factor.missing_for(project, self.user):
            raise forms.ValidationError(two_factor.tokens_refused_message(project))
        if project.require_two_factor and not self.verified:
            raise forms.ValidationError(
                f"“{project.name}” requires two-factor authentication: sign out and sign in "
                "again with a code to make tokens for this project."
            )
        return project

    def clean_expires(self):
        value = self.cleaned_data["expires"]
        return None if value == "none" else int(value)
