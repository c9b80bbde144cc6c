"""Key filters of the Audit page, read from the query string."""

from django import forms

from accesskeys.models import AccessKey
from accesskeys.services.key_audit import PERMISSION_CHOICES, KeyFilters
from console.event_log_views import Person
from console.widgets import PlainSelect

KEY_FIELDS = [
    "creator",
    "type",
    "status",
    "permission",
    "bucket",
    "expiring",
    "risky",
    "unused",
    "former",
]


class KeyFilterForm(forms.Form):
    creator = forms.TypedChoiceField(
        label="Created by", required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *AccessKey.Type.choices],
        widget=PlainSelect,
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any status"),
            ("active", "Active"),
            ("expired", "Expired"),
            ("revoked", "Revoked"),
        ],
        widget=PlainSelect,
    )
    permission = forms.ChoiceField(
        label="Can",
        required=False,
        choices=[("", "Any permission"), *PERMISSION_CHOICES],
        widget=PlainSelect,
    )
    bucket = forms.TypedChoiceField(
        label="Bucket", required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    expiring = forms.BooleanField(label="Expiring within 7 days", required=False)
    risky = forms.BooleanField(label="Risky keys only", required=False)
    unused = forms.BooleanField(label="Not used in 90 days", required=False)
    former = forms.BooleanField(label="Created by former members", required=False)

    def __init__(self, people: list[Person], buckets: list[tuple[int, str]], *args, **kwargs):
        """`people`: the project's members and the creators of its keys (as
        event_log_views.people finds them); `buckets`: the project's (id, name)."""
        super().__init__(*args, **kwargs)
        self.member_ids = frozenset(p.id for p in people if p.member)
        self.fields["creator"].choices = [("", "Anyone")] + [
            (p.id, p.email if p.member else f"{p.email} (former member)") for p in people
        ]
        self.fields["bucket"].choices = [("", "Any bucket"), *buckets]

    def filters(self) -> KeyFilters | None:
        """The chosen filters, or None when one names something not in the project."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return KeyFilters(
            creator=data["creator"],
            type=data["type"],
            status=data["status"],
            permission=data["permission"],
            bucket=data["bucket"],
            expiring_soon=data["expiring"],
            risky=data["risky"],
            not_used_recently=data["unused"],
            former_member=data["former"],
            member_ids=self.member_ids,
        )
