from django import forms
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from console import audit
from console.bucket_names import bucket_name_problems
from console.models import AuditEvent, Bucket

BUCKET_NAME_TAKEN = "A bucket with this name already exists in the project."
BUCKETS_ADMIN_ONLY = "Only project Admins can create buckets."


class SignInForm(forms.Form):
    # The column's length: a longer email cannot be an account, and PostgreSQL
    # refuses to compare with it (DataError).
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autofocus": True})
    )
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)

    # One message for a wrong password and an unknown email alike, so the
    # form does not reveal which emails have accounts.
    error_message = "Incorrect email or password."

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self):
        email = self.cleaned_data.get("email")
        password = self.cleaned_data.get("password")
        if email and password:
            self.user = authenticate(self.request, email=email.lower(), password=password)
            if self.user is None:
                raise forms.ValidationError(self.error_message)
        return self.cleaned_data


class BucketForm(forms.Form):
    name = forms.CharField(label="Bucket name", max_length=63, strip=True)
    object_lock = forms.BooleanField(label="Enable object lock", required=False)

    def __init__(self, project, *args, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"]
        problems = bucket_name_problems(name)
        if problems:
            raise forms.ValidationError(problems)
        if Bucket.objects.filter(project=self.project, name=name).exists():
            raise forms.ValidationError(BUCKET_NAME_TAKEN)
        return name

    def save(self, actor, origin: audit.Origin) -> Bucket | None:
        """Create the bucket and its audit event in one transaction; None, with the
        error on the name, when another request took the name since `is_valid`."""
        try:
            with transaction.atomic():
                bucket = Bucket.objects.create(
                    project=self.project,
                    name=self.cleaned_data["name"],
                    object_lock=self.cleaned_data["object_lock"],
                )
                audit.write_from(
                    origin,
                    AuditEvent.Action.BUCKET_CREATED,
                    project=self.project,
                    actor=actor,
                    bucket=bucket.name,
                    object_lock=bucket.object_lock,
                )
        except IntegrityError:
            # Another request created the same name between the check and the insert.
            self.add_error("name", BUCKET_NAME_TAKEN)
            return None
        return bucket


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
