"""The New Access dialog's forms: one per step, each validating only its own fields.

The dialog keeps no server-side state: every step's POST carries the choices
made so far as hidden fields (see `carried_fields`), except passphrases, which
the browser holds and sends only where they are needed.
"""

import calendar
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property

from accesskeys.models import OBJECT_LOCK_PERMISSIONS, PERMISSIONS, AccessKey
from accesskeys.services import access

TYPE_DESCRIPTIONS = {
    AccessKey.Type.S3_CREDENTIALS: "Access key, secret key and endpoint for S3-compatible tools.",
    AccessKey.Type.ACCESS_GRANT: "A single serialized access for uplink and the native libraries.",
    AccessKey.Type.API_KEY: "A restricted API key for the satellite, without encryption.",
}

PERMISSION_CHOICES = [(field.removeprefix("can_"), label) for field, label in PERMISSIONS]
OBJECT_LOCK_CHOICES = [(label, label) for _, label, _ in OBJECT_LOCK_PERMISSIONS]
OBJECT_LOCK_DESCRIPTIONS = {label: text for _, label, text in OBJECT_LOCK_PERMISSIONS}

EXPIRATION_CHOICES = [
    ("none", "No expiration"),
    ("1d", "1 day"),
    ("1w", "1 week"),
    ("1m", "1 month"),
    ("6m", "6 months"),
    ("1y", "1 year"),
    ("custom", "Custom date"),
]


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months: Jan 31 + 1 month is the last day of February."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiration_moment(choice: str, custom: date | None, now: datetime) -> datetime | None:
    """When an access with this expiration choice stops working."""
    if choice == "1d":
        return now + timedelta(days=1)
    if choice == "1w":
        return now + timedelta(days=7)
    if choice == "1m":
        return add_months(now, 1)
    if choice == "6m":
        return add_months(now, 6)
    if choice == "1y":
        return add_months(now, 12)
    if choice == "custom" and custom:
        # The start of the chosen day (UTC): the table shows that date as "Expires".
        return datetime.combine(custom, time.min, tzinfo=UTC)
    return None


class StepForm(forms.Form):
    """A step's form; `project` is there for the steps that look things up."""

    step = ""
    # Help shown under each choice of a radio or checkbox group: {field: {value: text}}.
    descriptions: dict[str, dict[str, str]] = {}

    def __init__(self, *args, project=None, **kwargs):
        self.project = project
        kwargs.setdefault("auto_id", "na-%s")
        super().__init__(*args, **kwargs)

    @cached_property
    def options(self) -> dict[str, list[dict]]:
        """Each choice field's choices with their state, for hand-written radios and checkboxes."""
        out = {}
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            value = self[name].value()
            chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
            out[name] = [
                {
                    "value": str(choice),
                    "label": label,
                    "id": f"na-{name}-{i}",
                    "checked": str(choice) in chosen,
                    "description": self.descriptions.get(name, {}).get(str(choice), ""),
                }
                for i, (choice, label) in enumerate(field.choices)
            ]
        return out


class NameForm(StepForm):
    step = "name"
    descriptions = {"type": TYPE_DESCRIPTIONS}

    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={"required": "Enter a name for this access."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "e.g. my-access"}),
    )
    type = forms.ChoiceField(
        label="Type",
        choices=AccessKey.Type.choices,
        initial=AccessKey.Type.S3_CREDENTIALS,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What is it for? (optional)"}),
    )

    def clean_name(self):
        try:
            return access.validate_name(self.project, self.cleaned_data["name"])
        except access.AccessError as e:
            raise forms.ValidationError(e.errors.get("name") or list(e.errors.values())[0]) from e

    def clean_description(self):
        try:
            return access.validate_description(self.cleaned_data["description"])
        except access.AccessError as e:
            raise forms.ValidationError(e.errors["description"]) from e


class AccessForm(StepForm):
    step = "access"
    descriptions = {
        "access": {
            "full": "Read, write, list and delete in every bucket, with no expiration.",
            "advanced": "Choose the permissions, buckets and expiration for this access.",
        }
    }

    access = forms.ChoiceField(
        label="Access",
        choices=[("full", "Full Access"), ("advanced", "Advanced")],
        initial="full",
        widget=forms.RadioSelect,
    )


class EncryptionForm(StepForm):
    """Which passphrase encrypts the data. The passphrase fields are validated
    here but never carried forward by the server: the browser keeps them."""

    step = "encryption"
    descriptions = {
        "encryption": {
            "current": "The passphrase you already use for this project's data.",
            "advanced": "Encrypt this access's data with a different passphrase.",
        },
        "new_choice": {
            "enter": "Type a passphrase of your own.",
            "generate": "We create a strong passphrase of 12 random words.",
        },
    }

    encryption = forms.ChoiceField(
        label="Encryption",
        choices=[("current", "Use the current passphrase"), ("advanced", "Advanced")],
        initial="current",
        widget=forms.RadioSelect,
    )
    new_choice = forms.ChoiceField(
        label="Passphrase",
        choices=[("enter", "Enter a new passphrase"), ("generate", "Generate 12-word passphrase")],
        initial="enter",
        widget=forms.RadioSelect,
    )
    passphrase = forms.CharField(
        label="Passphrase",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    new_passphrase = forms.CharField(
        label="New passphrase",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "spellcheck": "false"}),
    )
    generated_passphrase = forms.CharField(required=False, widget=forms.HiddenInput)
    saved_passphrase = forms.BooleanField(label="I saved my encryption passphrase", required=False)

    def passphrase_choice(self) -> str:
        data = self.cleaned_data
        if data.get("encryption") != "advanced":
            return "current"
        return "generate" if data.get("new_choice") == "generate" else "new"

    def chosen_passphrase(self) -> str:
        field = {"current": "passphrase", "new": "new_passphrase"}.get(
            self.passphrase_choice(), "generated_passphrase"
        )
        return self.cleaned_data.get(field) or ""

    def clean(self):
        data = super().clean()
        if "encryption" not in data or "new_choice" not in data:
            return data
        choice = self.passphrase_choice()
        if choice == "current" and not data.get("passphrase"):
            self.add_error("passphrase", "Enter your encryption passphrase.")
        elif choice == "new" and not data.get("new_passphrase", "").strip():
            self.add_error("new_passphrase", "Enter a new passphrase.")
        elif choice == "generate":
            if not data.get("generated_passphrase"):
                self.add_error(None, "Generate a passphrase first.")
            elif not data.get("saved_passphrase"):
                self.add_error("saved_passphrase", "Confirm that you saved the passphrase.")
        return data


class PermissionsForm(StepForm):
    step = "permissions"
    descriptions = {
        "permissions": {
            "read": "Download objects and read their metadata.",
            "write": "Upload objects and create buckets.",
            "list": "List buckets and the objects in them.",
            "delete": "Delete objects and buckets.",
        }
    }

    permissions = forms.MultipleChoiceField(
        label="Permissions",
        choices=PERMISSION_CHOICES,
        initial=[value for value, _ in PERMISSION_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one permission."},
    )


class ObjectLockForm(StepForm):
    step = "object_lock"
    descriptions = {"object_lock": OBJECT_LOCK_DESCRIPTIONS}

    object_lock = forms.MultipleChoiceField(
        label="Object lock permissions",
        choices=OBJECT_LOCK_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BucketsForm(StepForm):
    step = "buckets"
    descriptions = {
        "bucket_mode": {
            "all": "Every bucket in the project, including buckets created later.",
            "select": "Only the buckets you choose.",
        }
    }

    bucket_mode = forms.ChoiceField(
        label="Buckets",
        choices=[("all", "All Buckets"), ("select", "Select Buckets")],
        initial="all",
        widget=forms.RadioSelect,
    )
    buckets = forms.MultipleChoiceField(
        label="Buckets", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        buckets = self.project.buckets.order_by("name").values_list("name", "object_lock")
        self.fields["buckets"].choices = [(name, name) for name, _ in buckets]
        self.descriptions = {
            **self.descriptions,
            "buckets": {name: "Object lock" for name, lock in buckets if lock},
        }

    def clean(self):
        data = super().clean()
        if data.get("bucket_mode") == "select" and not data.get("buckets"):
            self.add_error("buckets", "Choose at least one bucket.")
        return data


class ExpirationForm(StepForm):
    step = "expiration"

    expiration = forms.ChoiceField(
        label="Expiration", choices=EXPIRATION_CHOICES, initial="none", widget=forms.RadioSelect
    )
    expiration_date = forms.DateField(
        label="Expiration date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2031-12-31."},
    )

    def clean(self):
        data = super().clean()
        if data.get("expiration") != "custom" or "expiration_date" in self.errors:
            return data
        chosen = data.get("expiration_date")
        if chosen is None:
            self.add_error("expiration_date", "Choose an expiration date.")
        elif chosen <= timezone.now().astimezone(UTC).date():
            self.add_error("expiration_date", "Choose a date in the future.")
        return data


class ConfirmForm(StepForm):
    step = "confirm"


STEP_FORMS = {
    form.step: form
    for form in (
        NameForm,
        AccessForm,
        EncryptionForm,
        PermissionsForm,
        ObjectLockForm,
        BucketsForm,
        ExpirationForm,
        ConfirmForm,
    )
}

STEP_TITLES = {
    "name": "Name and type",
    "access": "Access",
    "encryption": "Encryption",
    "permissions": "Permissions",
    "object_lock": "Object lock permissions",
    "buckets": "Buckets",
    "expiration": "Expiration",
    "confirm": "Confirm",
}

# Fields no step carries forward: the browser keeps the passphrases.
SECRET_FIELDS = frozenset({"passphrase", "new_passphrase", "generated_passphrase"})
# Fields whose absence from the POST means "nothing chosen", not "not visited yet".
MULTI_FIELDS = ("permissions", "object_lock", "buckets")
