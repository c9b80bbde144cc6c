"""Forms for creating a project and editing its settings."""

from django import forms

from console import key_lifetimes
from console.models import Project
from console.text_rules import has_control_characters

NAME_MAX = Project._meta.get_field("name").max_length
DESCRIPTION_MAX = Project._meta.get_field("description").max_length

# The two choices as Storj's "Create New Project" dialog words them.
PASSPHRASE_CHOICES = [
    (
        Project.PassphraseMode.MANAGED,
        "Automatic (Default)",
        "The server generates the project's encryption passphrase and keeps it "
        "encrypted. New access keys need no passphrase: ideal for S3 compatibility.",
    ),
    (
        Project.PassphraseMode.USER,
        "Self-Managed",
        "You keep your own passphrase; we never store it. You enter it whenever you "
        "create an access key, and lose access to the data if you lose it.",
    ),
]


class ProjectDetailsForm(forms.Form):
    """Name and description, shared by the create dialog and the settings page."""

    name = forms.CharField(
        label="Name",
        strip=True,
        error_messages={"required": "Enter a name for the project."},
    )
    description = forms.CharField(label="Description (optional)", required=False, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # maxlength lets the browser stop typing at the limit; the clean_*
        # methods still say why when a longer value arrives anyway.
        self.fields["name"].widget.attrs.update({"maxlength": NAME_MAX, "autocomplete": "off"})
        self.fields["description"].widget.attrs.update(
            {"maxlength": DESCRIPTION_MAX, "autocomplete": "off"}
        )

    def clean_name(self):
        name = self.cleaned_data["name"]
        if len(name) > NAME_MAX:
            raise forms.ValidationError(
                f"The name can be at most {NAME_MAX} characters (it has {len(name)})."
            )
        if has_control_characters(name):
            raise forms.ValidationError("The name cannot contain control characters.")
        return name

    def clean_description(self):
        description = self.cleaned_data["description"]
        if len(description) > DESCRIPTION_MAX:
            raise forms.ValidationError(
                f"The description can be at most {DESCRIPTION_MAX} characters "
                f"(it has {len(description)})."
            )
        if has_control_characters(description):
            raise forms.ValidationError("The description cannot contain control characters.")
        return description


# Storj's console decides path encryption per project (satellite/console
# ``Project.PathEncryption``; off means grants use the null path cipher).
PATH_ENCRYPTION_HELP = (
    "Object keys (file names and folders) are encrypted like the data, so the "
    "server never sees them. Turn it off to let the server store them readable: "
    "listings then come back sorted by name and prefixes work as in any S3 "
    "service, but anyone operating the server can see your object keys. The "
    "content of your files is encrypted either way."
)


class NewProjectForm(ProjectDetailsForm):
    passphrase_mode = forms.ChoiceField(
        label="Passphrase management",
        choices=[(value, label) for value, label, _ in PASSPHRASE_CHOICES],
        initial=Project.PassphraseMode.MANAGED,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the passphrase is managed."},
    )
    path_encryption = forms.BooleanField(
        label="Encrypt object keys (path encryption)",
        required=False,
        initial=True,
        help_text=PATH_ENCRYPTION_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autofocus"] = True

    def passphrase_options(self):
        """The radios with their help texts, for the template."""
        helps = {value: help_text for value, _, help_text in PASSPHRASE_CHOICES}
        return [(radio, helps[radio.data["value"]]) for radio in self["passphrase_mode"]]


class KeyLifetimeForm(forms.Form):
    """The project's expiry policy: how long new access keys may last at most."""

    max_key_lifetime = forms.ChoiceField(
        label="Maximum lifetime of new access keys",
        choices=key_lifetimes.POLICY_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Choose one of the lifetimes listed."},
        help_text=(
            "New access keys must expire within this time: the New Access dialog offers "
            "only shorter expirations, and the API and the command line refuse longer "
            "ones. Full Access keys get the longest lifetime allowed. Keys that already "
            "exist keep their expiration."
        ),
    )


class ExpiryRemindersForm(forms.Form):
    expiry_reminders = forms.BooleanField(
        label="Email expiry reminders",
        required=False,
        help_text=(
            "Each access key's creator gets an email 7 days and 1 day before the key expires, "
            "with a link to it."
        ),
    )
