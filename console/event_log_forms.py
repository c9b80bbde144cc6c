"""Event log filters of the Audit page, read from the query string."""

from django import forms

from console.models import AuditEvent
from console.widgets import PlainSelect

EVENT_FIELDS = ["action", "actor"]


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *AuditEvent.Action.choices],
        widget=PlainSelect,
    )
    actor = forms.ChoiceField(label="Who", required=False, widget=PlainSelect)

    def __init__(self, actor_emails: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", "Anyone")] + [(e, e) for e in actor_emails]

    def apply(self, events):
        if not self.is_valid():
            return events.none()
        if self.cleaned_data["action"]:
            events = events.filter(action=self.cleaned_data["action"])
        if self.cleaned_data["actor"]:
            events = events.filter(actor_email=self.cleaned_data["actor"])
        return events
