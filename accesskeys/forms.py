"""The New Access dialog's forms: one per step, each validating only its own fields.

The step a request posts checks its fields with the service's own validators
and wording (`access_rules.validate_*`, `access_rules.MESSAGES`, raising ValidationError);
the steps carried along only parse theirs (`carried=True`), and the service's
final check speaks for them when the access is created. `access_request`
turns the steps' cleaned data into an `AccessInput` for the one parser of
"create an access" (`access_input.parse_create`). The dialog
keeps no server-side state: every step's POST carries the choices made so far
as hidden fields (see `dialog_views.carried`), except passphrases, which the
browser holds and sends only where they are needed.
"""

from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property

from accesskeys import permissions
from accesskeys.credential_types import CREDENTIAL_TYPES
from accesskeys.services import access_rules, rotation
from accesskeys.services.access_create import CreateAccessRequest
from accesskeys.services.access_input import AccessInput, parse_create
from accesskeys.services.access_rules import CURRENT, EXPIRES, GENERATE, MESSAGES, NEW, PATHS
from console import key_lifetimes, widgets
from console.form_focus import FocusFirstError

TYPE_CHOICES = [(t.value, t.label) for t in CREDENTIAL_TYPES]
TYPE_DESCRIPTIONS = {t.value: t.description for t in CREDENTIAL_TYPES}


def permission_choices(group: str) -> list[tuple[str, str]]:
    return [(p.name, p.label) for p in permissions.in_group(group)]


def permission_descriptions(group: str) -> dict[str, str]:
    return {p.name: p.description for p in permissions.in_group(group)}


class TextListField(forms.Field):
    """Every value a field name has in the POST, in order (e.g. one per bucket row)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(v) for v in value or ()]


# "Uploaded objects expire after at most …": presets, or a number of hours or days.
OBJECT_TTL_PRESETS = {"1d": timedelta(days=1), "30d": timedelta(days=30), "1y": timedelta(days=365)}
OBJECT_TTL_CHOICES = [
    ("none", "No limit"),
    ("1d", "1 day"),
    ("30d", "30 days"),
    ("1y", "1 year"),
    ("custom", "Custom"),
]
OBJECT_TTL_UNITS = {"hours": timedelta(hours=1), "days": timedelta(days=1)}


# The lifetimes come from the one table the project's expiry policy uses too.
EXPIRATION_CHOICES = [
    ("none", "No expiration"),
    *((lifetime.code, lifetime.label) for lifetime in key_lifetimes.LIFETIMES),
    ("custom", "Custom date"),
]


def expiration_moment(choice: str, custom: date | None, now: datetime) -> datetime | None:
    """When an access with this expiration choice stops working."""
    if choice in key_lifetimes.BY_CODE:
        return key_lifetimes.BY_CODE[choice].end(now)
    if choice == "custom" and custom:
        # The start of the chosen day (UTC): the table shows that date as "Expires".
        return datetime.combine(custom, time.min, tzinfo=UTC)
    return None


class StepForm(FocusFirstError, forms.Form):
    """A step's form; `project` is there for the steps that look things up."""

    step = ""
    # The CreateAccessRequest fields this step sets, and the form field that
    # shows the service's error for each (None: the step's own alert).
    request_fields: dict[str, str | None] = {}
    # Help shown under each choice of a radio or checkbox group: {field: {value: text}}.
    descriptions: dict[str, dict[str, str]] = {}

    def __init__(self, *args, project=None, carried=False, **kwargs):
        self.project = project
        # A step carried along (not the one posted) only parses its fields: the
        # service checks them, once, when the access is created.
        self.carried = carried
        kwargs.setdefault("auto_id", "na-%s")
        super().__init__(*args, **kwargs)

    def field_for(self, request_field: str) -> str | None:
        """The form field that shows the service's error on a request field."""
        return self.request_fields.get(request_field)

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
    request_fields = {"name": "name", "type": "type", "description": "description"}
    descriptions = {"type": TYPE_DESCRIPTIONS}

    name = forms.CharField(
        label="Name",
        error_messages={"required": MESSAGES["name_required"]},
        # The browser stops typing at the limit; the service's rule gives the message.
        widget=widgets.PlainTextInput(
            attrs={
                "autocomplete": "off",
                "placeholder": "e.g. my-access",
                "maxlength": access_rules.NAME_MAX_LENGTH,
            }
        ),
    )
    type = forms.ChoiceField(
        label="Type",
        choices=TYPE_CHOICES,
        initial=TYPE_CHOICES[0][0],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": MESSAGES["type_unknown"]},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=widgets.PlainTextarea(
            attrs={
                "rows": 2,
                "placeholder": "What is it for? (optional)",
                "maxlength": access_rules.DESCRIPTION_MAX_LENGTH,
            }
        ),
    )

    def clean_name(self):
        if self.carried:
            return self.cleaned_data["name"]
        return access_rules.validate_name(self.project, self.cleaned_data["name"])

    def clean_description(self):
        if self.carried:
            return self.cleaned_data["description"]
        return access_rules.validate_description(self.cleaned_data["description"])


class EditAccessForm(FocusFirstError, forms.Form):
    """Rename and describe an existing key: the Name step's fields. The service
    (`access_update.update_access`) checks them, once, and its errors come back here."""

    name = NameForm.base_fields["name"]
    description = NameForm.base_fields["description"]

    def __init__(self, *args, key, **kwargs):
        self.key = key
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["rows"] = 4


class AccessForm(StepForm):
    step = "access"
    request_fields = {"full_access": None}
    descriptions = {
        "access": {
            # Written from the permissions table, so it names what Full Access grants.
            "full": permissions.full_access_summary(),
            "advanced": "Choose the permissions, buckets and expiration for this access.",
        }
    }

    access = forms.ChoiceField(
        label="Access",
        choices=[("full", "Full Access"), ("advanced", "Advanced")],
        initial="full",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        maximum = key_lifetimes.maximum_of(self.project) if self.project else None
        if maximum:
            # The service gives Full Access the longest lifetime the project allows.
            full = self.descriptions["access"]["full"]
            limited = full.replace(
                "with no expiration", f"expiring in {maximum.label} (this project's limit)"
            )
            if limited == full:
                limited = f"{full} Expires in {maximum.label} (this project's limit)."
            self.descriptions = {"access": {**self.descriptions["access"], "full": limited}}


# Below this many characters a new passphrase is called short (a warning, not a rule:
# the passphrase is the user's, and Storj accepts any).
SHORT_PASSPHRASE = 12
PASSPHRASES_DIFFER = "The two passphrases differ. Type the same passphrase in both fields."


class EncryptionForm(StepForm):
    """Which passphrase encrypts the data. The passphrase fields are validated
    here but never carried forward by the server: the browser keeps them."""

    step = "encryption"
    request_fields = {"passphrase": "passphrase"}
    descriptions = {
        "encryption": {
            "current": "The passphrase you already use for this project's data.",
            "advanced": "Type or generate another passphrase for this access's data.",
        },
        "new_choice": {
            "enter": "Type a passphrase of your own.",
            "generate": "We create a strong passphrase of 12 random words.",
        },
    }

    encryption = forms.ChoiceField(
        label="Encryption",
        # The Access step has an "Advanced" too: this one says what it does.
        choices=[("current", "Use the current passphrase"), ("advanced", "Use a new passphrase")],
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
        # The server never stores a Self-Managed project's passphrase, so it cannot check one.
        help_text="Any passphrase is accepted: it is never stored, so nothing can check it. "
        "Use the one this project's data was written with: a different one cannot read "
        "that data. First access in this project? Choose one now and keep it.",
        widget=widgets.PlainPasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    new_passphrase = forms.CharField(
        label="New passphrase",
        required=False,
        strip=False,
        help_text=f"At least {SHORT_PASSPHRASE} characters: several words are easy to remember "
        "and hard to guess.",
        widget=widgets.PlainPasswordInput(
            attrs={"autocomplete": "new-password", "spellcheck": "false"}
        ),
    )
    # A typo in a new passphrase makes the data unreadable forever: it is typed twice.
    confirm_passphrase = forms.CharField(
        label="Confirm passphrase",
        required=False,
        strip=False,
        widget=widgets.PlainPasswordInput(
            attrs={"autocomplete": "new-password", "spellcheck": "false"}
        ),
    )
    generated_passphrase = forms.CharField(required=False, widget=forms.HiddenInput)
    saved_passphrase = forms.BooleanField(label="I saved my encryption passphrase", required=False)

    def passphrase_choice(self) -> str:
        data = self.cleaned_data
        if data.get("encryption") != "advanced":
            return CURRENT
        return GENERATE if data.get("new_choice") == "generate" else NEW

    def chosen_passphrase(self) -> str:
        field = {CURRENT: "passphrase", NEW: "new_passphrase"}.get(
            self.passphrase_choice(), "generated_passphrase"
        )
        return self.cleaned_data.get(field) or ""

    def clean(self):
        data = super().clean()
        if "encryption" not in data or "new_choice" not in data:
            return data
        choice = self.passphrase_choice()
        field = {CURRENT: "passphrase", NEW: "new_passphrase"}.get(choice)
        try:
            access_rules.validate_passphrase(choice, self.chosen_passphrase())
        except forms.ValidationError as e:
            self.add_error(field, e)
            return data
        if choice == NEW and data.get("confirm_passphrase") != self.chosen_passphrase():
            self.add_error("confirm_passphrase", PASSPHRASES_DIFFER)
            return data
        # The dialog shows the generated words before it creates anything, and
        # asks that they were saved: the service alone would make its own.
        if choice == GENERATE and not data.get("generated_passphrase"):
            self.add_error(None, "Generate a passphrase first.")
        elif choice != CURRENT and not data.get("saved_passphrase"):
            # A new passphrase, typed or generated, exists nowhere else.
            self.add_error("saved_passphrase", "Confirm that you saved the passphrase.")
        return data


class PermissionsForm(StepForm):
    step = "permissions"
    request_fields = {"permissions": "permissions", "max_object_ttl": "object_ttl"}
    descriptions = {
        "permissions": permission_descriptions(permissions.BASIC),
        "object_ttl": {
            "none": "Objects keep the expiration they are uploaded with, if any.",
            "custom": "A number of hours or days.",
        },
    }

    permissions = forms.MultipleChoiceField(
        label="Permissions",
        choices=permission_choices(permissions.BASIC),
        initial=list(permissions.names(permissions.BASIC)),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": MESSAGES["permission_required"],
            "invalid_choice": MESSAGES["permission_unknown"],
        },
    )

    object_ttl = forms.ChoiceField(
        label="Uploaded objects expire after at most",
        choices=OBJECT_TTL_CHOICES,
        initial="none",
        required=False,
        widget=forms.RadioSelect,
    )
    object_ttl_number = forms.IntegerField(
        label="Number",
        required=False,
        min_value=1,
        error_messages={"invalid": "Enter a whole number.", "min_value": "Enter 1 or more."},
        widget=widgets.PlainNumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    )
    object_ttl_unit = forms.ChoiceField(
        label="Unit",
        choices=[(unit, unit.capitalize()) for unit in OBJECT_TTL_UNITS],
        initial="days",
        required=False,
    )

    def clean_permissions(self):
        if self.carried:
            return sorted(self.cleaned_data["permissions"])
        return sorted(access_rules.validate_permissions(self.cleaned_data["permissions"]))

    def max_object_ttl(self) -> timedelta | None:
        data = self.cleaned_data
        choice = data.get("object_ttl") or "none"
        if choice in OBJECT_TTL_PRESETS:
            return OBJECT_TTL_PRESETS[choice]
        if choice == "custom" and data.get("object_ttl_number"):
            unit = OBJECT_TTL_UNITS.get(data.get("object_ttl_unit") or "days")
            return data["object_ttl_number"] * unit
        return None

    def clean(self):
        data = super().clean()
        if self.errors.get("object_ttl_number"):
            return data
        if data.get("object_ttl") == "custom" and not data.get("object_ttl_number"):
            self.add_error("object_ttl_number", "Enter how many hours or days.")
            return data
        try:
            access_rules.validate_max_object_ttl(self.max_object_ttl())
        except forms.ValidationError as e:
            self.add_error(
                "object_ttl_number" if data.get("object_ttl") == "custom" else "object_ttl", e
            )
        except OverflowError:
            self.add_error("object_ttl_number", MESSAGES["object_ttl_range"])
        return data


class ObjectLockForm(StepForm):
    step = "object_lock"
    descriptions = {"object_lock": permission_descriptions(permissions.OBJECT_LOCK)}

    object_lock = forms.MultipleChoiceField(
        label="Object lock permissions",
        choices=permission_choices(permissions.OBJECT_LOCK),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": MESSAGES["permission_unknown"]},
    )


class NotificationForm(StepForm):
    step = "notification"
    descriptions = {"notification": permission_descriptions(permissions.NOTIFICATION)}

    notification = forms.MultipleChoiceField(
        label="Bucket notification permissions",
        choices=permission_choices(permissions.NOTIFICATION),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": MESSAGES["permission_unknown"]},
    )


class BucketsForm(StepForm):
    step = "buckets"
    request_fields = {"buckets": "buckets", PATHS: "prefixes"}
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
        label="Buckets",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": MESSAGES["bucket_unknown"]},
    )
    # One "Only objects under …" text per bucket row, one prefix a line, beside the
    # bucket it belongs to (two lists of the same length, in the rows' order).
    prefix_bucket = TextListField(required=False)
    prefixes = TextListField(required=False, label="Prefixes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        buckets = self.project.buckets.order_by("name").values_list("name", "object_lock")
        self.fields["buckets"].choices = [(name, name) for name, _ in buckets]
        self.descriptions = {
            **self.descriptions,
            "buckets": {name: "Object lock" for name, lock in buckets if lock},
        }

    def chosen_buckets(self) -> tuple[str, ...] | None:
        """None for all buckets, current and future."""
        data = self.cleaned_data
        return tuple(data.get("buckets", ())) if data.get("bucket_mode") == "select" else None

    def prefix_texts(self) -> dict[str, str]:
        """Each bucket's "Only objects under" text, as typed or carried."""
        if self.is_bound:
            names = self.data.getlist("prefix_bucket")
            texts = self.data.getlist("prefixes")
        else:
            names = self.initial.get("prefix_bucket") or []
            texts = self.initial.get("prefixes") or []
        return dict(zip(names, texts, strict=False))

    def chosen_prefixes(self) -> tuple[tuple[str, str], ...]:
        """(bucket, prefix) for each line typed under a selected bucket."""
        texts = self.prefix_texts()
        return tuple(
            (bucket, line)
            for bucket in self.chosen_buckets() or ()
            for line in texts.get(bucket, "").replace("\r", "").split("\n")
            if line
        )

    def prefix_rows(self) -> list[dict]:
        """The bucket options with their prefix text, for the template."""
        texts = self.prefix_texts()
        rows = []
        for option in self.options["buckets"]:
            text = texts.get(option["value"], "")
            lines = max(1, len(text.replace("\r", "").rstrip("\n").split("\n")))
            rows.append({**option, "prefixes": text, "lines": min(lines, 10)})
        return rows

    def clean(self):
        data = super().clean()
        if "buckets" not in self.errors and not self.carried:
            try:
                access_rules.validate_buckets(self.project, self.chosen_buckets())
            except forms.ValidationError as e:
                self.add_error("buckets", e)
            try:
                access_rules.validate_prefixes(
                    self.project, self.data.get("type", ""), self.chosen_prefixes()
                )
            except forms.ValidationError as e:
                self.add_error("prefixes", e)
        return data


class ExpirationForm(StepForm):
    step = "expiration"
    request_fields = {EXPIRES: "expiration"}

    expiration = forms.ChoiceField(
        label="Expiration", choices=EXPIRATION_CHOICES, initial="none", widget=forms.RadioSelect
    )
    expiration_date = forms.DateField(
        label="Expiration date",
        required=False,
        widget=widgets.PlainDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2031-12-31."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A project with a maximum lifetime offers only what it allows, never "No expiration".
        self.maximum = key_lifetimes.maximum_of(self.project) if self.project else None
        if self.maximum:
            now = timezone.now()
            field = self.fields["expiration"]
            field.choices = [
                (code, label)
                for code, label in field.choices
                if code == "custom"
                or (
                    code in key_lifetimes.BY_CODE
                    and key_lifetimes.allowed(self.project, key_lifetimes.BY_CODE[code], now)
                )
            ]
            field.initial = self.maximum.code
            latest = key_lifetimes.latest_expiration(self.project, now)
            self.fields["expiration_date"].widget.attrs["max"] = latest.date().isoformat()

    def field_for(self, request_field: str) -> str | None:
        # A date of one's own shows its error under the date, a choice under the choices.
        if request_field == EXPIRES and self.data.get("expiration") == "custom":
            return "expiration_date"
        return super().field_for(request_field)

    def expires_at(self, now: datetime) -> datetime | None:
        data = self.cleaned_data
        return expiration_moment(data.get("expiration", "none"), data.get("expiration_date"), now)

    def clean(self):
        data = super().clean()
        if "expiration" not in data or "expiration_date" in self.errors:
            return data
        if data["expiration"] == "custom" and data.get("expiration_date") is None:
            self.add_error("expiration_date", "Choose an expiration date.")
            return data
        if self.carried:
            return data
        now = timezone.now()
        try:
            access_rules.validate_expiration(self.project, self.expires_at(now), now)
        except forms.ValidationError as e:
            self.add_error(self.field_for(EXPIRES), e)
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
        NotificationForm,
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
    "notification": "Bucket notification permissions",
    "buckets": "Buckets",
    "expiration": "Expiration",
    "confirm": "Confirm",
}


def access_request(forms: dict[str, StepForm], now: datetime) -> CreateAccessRequest:
    """The request the steps describe, read by the one parser of "create an access";
    `forms` holds each step's valid form by step name."""
    name = forms["name"].cleaned_data
    advanced = forms["access"].cleaned_data["access"] == "advanced"
    given = {}
    encryption = forms.get("encryption")
    if encryption:
        choice, phrase = encryption.passphrase_choice(), encryption.chosen_passphrase()
        given = {
            "generate_passphrase": choice == GENERATE,
            "generated_passphrase": phrase if choice == GENERATE else None,
            "new_passphrase": choice == NEW,
            "passphrase": None if choice == GENERATE else phrase,
        }
    if advanced:
        given |= {
            "permissions": forms["permissions"].cleaned_data["permissions"],
            "object_lock": forms["object_lock"].cleaned_data["object_lock"],
            "notification": forms["notification"].cleaned_data["notification"],
            "buckets": forms["buckets"].chosen_buckets(),
            "paths": forms["buckets"].chosen_prefixes(),
            "max_object_ttl": forms["permissions"].max_object_ttl(),
            "expires": forms["expiration"].expires_at(now),
        }
    return parse_create(
        AccessInput(
            name=name["name"],
            type=name["type"],
            description=name["description"],
            full_access=not advanced,
            **given,
        )
    )


# Fields no step carries forward: the browser keeps the passphrases.
SECRET_FIELDS = frozenset(
    {"passphrase", "new_passphrase", "confirm_passphrase", "generated_passphrase"}
)
# Fields whose absence from the POST means "nothing chosen", not "not visited yet".
MULTI_FIELDS = (
    "permissions",
    "object_lock",
    "notification",
    "buckets",
    "prefix_bucket",
    "prefixes",
)


class RotateForm(StepForm):
    """How long the replaced key keeps working; the passphrase comes in an EncryptionForm."""

    step = "rotate"
    request_fields = {"overlap": "overlap"}
    descriptions = {
        "overlap": {
            "now": "Tools still using the old key fail from now on.",
            "1d": "Time to update one tool.",
            "7d": "Time to update every tool that uses it.",
            "30d": "For tools updated on a monthly schedule.",
        }
    }

    overlap = forms.ChoiceField(
        label="The old key keeps working",
        choices=[(o.code, o.label) for o in rotation.OVERLAPS],
        initial=rotation.DEFAULT_OVERLAP,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": rotation.MESSAGES["overlap"]},
    )
