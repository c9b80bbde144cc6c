"""Share on the Buckets page: a public link to a bucket or a folder in it.

The dialog asks for an optional folder (prefix), an optional expiry and, in a
Self-Managed project, the passphrase; it then makes the link through
`access_share.create_share` (a read-and-list key registered as public S3 credentials)
and shows it once more with its direct-download form. Without JavaScript the
dialog is a page of its own.
"""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from accesskeys.forms import EXPIRATION_CHOICES, expiration_moment
from accesskeys.services import access_rules, access_share
from console import key_lifetimes
from console.audit import origin_of
from console.membership import load_project

# Where each of the service's fields shows its message in this form.
FIELD_OF = {"buckets": "bucket", access_rules.PATHS: "prefix", access_rules.EXPIRES: "expiration"}


class ShareForm(forms.Form):
    bucket = forms.ChoiceField(label="Bucket")
    prefix = forms.CharField(
        label="Folder (optional)",
        required=False,
        strip=False,
        help_text="Share only the objects under this prefix, e.g. invoices/2026/. "
        "Empty: the whole bucket.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    expiration = forms.ChoiceField(
        label="Link expires",
        choices=[c for c in EXPIRATION_CHOICES if c[0] != "custom"],
        initial="none",
    )
    passphrase = forms.CharField(
        label="Encryption passphrase",
        required=False,
        strip=False,
        help_text="This project's passphrase: the link carries a key that decrypts what it shares.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, project, *args, **kwargs):
        kwargs.setdefault("auto_id", "share-%s")
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["bucket"].choices = [
            (name, name) for name in project.buckets.order_by("name").values_list("name", flat=True)
        ]
        maximum = key_lifetimes.maximum_of(project)
        if maximum:
            self.fields["expiration"].choices = [
                c for c in self.fields["expiration"].choices if c[0] != "none"
            ]
            self.fields["expiration"].initial = maximum.code
        if project.is_managed:
            del self.fields["passphrase"]


@never_cache
@sensitive_post_parameters("passphrase")
@require_http_methods(["GET", "POST"])
def share(request, public_id):
    project = load_project(request, public_id)
    if request.method == "GET":
        form = ShareForm(
            project,
            initial={"bucket": request.GET.get("bucket"), "prefix": request.GET.get("prefix", "")},
        )
        return _render(request, project, form)
    form = ShareForm(project, request.POST)
    if not form.is_valid():
        return _render(request, project, form, status=422)
    data = form.cleaned_data
    now = timezone.now()
    try:
        created = access_share.create_share(
            project,
            request.user,
            data["bucket"],
            data["prefix"],
            expires_at=expiration_moment(data["expiration"], None, now),
            passphrase_value=data.get("passphrase"),
            origin=origin_of(request),
            now=now,
        )
    except forms.ValidationError as exc:
        for field, errors in exc.error_dict.items():
            form.add_error(FIELD_OF.get(field, field if field in form.fields else None), errors)
        return _render(request, project, form, status=422)
    key = created.key
    response = _render(
        request,
        project,
        form,
        created=key,
        raw_example=access_share.raw_link(key.share_url) + "<object name>",
    )
    return trigger_client_event(response, "accessesChanged")


def _render(request, project, form, status=200, **extra):
    if request.htmx:
        # htmx swaps only 2xx answers: the dialog with its errors comes back as 200.
        status = 200
    context = {"project": project, "form": form, "page": "buckets", **extra}
    template = "accesskeys/share.html#dialog" if request.htmx else "accesskeys/share.html"
    return render(request, template, context, status=status)
