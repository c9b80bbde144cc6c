"""Rotating a key from its details page or its row menu (services/rotation.py).

One form: how long the old key keeps working and, for types that encrypt in
a Self-Managed project, the passphrase, asked as the New Access dialog's
Encryption step asks it. The answer is the New Access dialog's result: the
one-time values and "Download for" files, shown once. Without JavaScript the
dialog is a page of its own.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from accesskeys import forms as f
from accesskeys.credential_types import PASSPHRASE_DOWNLOAD_LABEL
from accesskeys.dialog_views import result_context
from accesskeys.models import AccessKey
from accesskeys.services import access, download, key_audit, rotation
from console.audit import origin_of
from console.membership import load_project
from storjformat import passphrase


def summary(project, key, now) -> list[tuple[str, str]]:
    """What the new key will be: the old one's restrictions, and its expiration."""
    request = rotation.replacement_request(project, key, now, "current", None)
    if key.full_access:
        allowed = "Full Access"
    else:
        labels = key.permission_labels() + key.object_lock_labels() + key.notification_labels()
        allowed = ", ".join(labels)
    if request.expires_at is None:
        expires = "No expiration"
    else:
        expires = dateformat.format(request.expires_at, "M j, Y, H:i") + " UTC"
        if request.expires_at != key.not_after:
            expires += " (the longest this project allows now)"
    return [
        ("Type", key.get_type_display()),
        ("Permissions", allowed),
        ("Buckets", ", ".join(key_audit.bucket_names(key)) or "All buckets"),
        ("Expiration", expires),
    ]


def _context(request, project, key, form, encryption, refused=None) -> dict:
    now = timezone.now()
    context = {
        "project": project,
        "page": "accesskeys",
        "key": key,
        "form": form,
        "encryption": encryption,
        "refused": refused,
        "summary": [] if refused else summary(project, key, now),
    }
    if encryption is not None:
        context["passphrase_filename"] = download.download_filename(
            settings.BRAND_NAME, PASSPHRASE_DOWNLOAD_LABEL, key.name, now
        )
    return context


def _template(request, part: str) -> str:
    """The whole page without htmx; with it, the dialog (GET) or its content (POST)."""
    return "accesskeys/rotate.html" + (f"#{part}" if request.htmx else "")


@never_cache
@sensitive_post_parameters(*f.SECRET_FIELDS)
@require_http_methods(["GET", "POST"])
def rotate(request, public_id, key_id):
    project = load_project(request, public_id)
    key = get_object_or_404(
        AccessKey.objects.select_related("created_by").prefetch_related("buckets"),
        id=key_id,
        project=project,
    )
    if not rotation.may_rotate(request.membership, key):
        raise PermissionDenied(rotation.MESSAGES["not_allowed"])
    refused = rotation.refusal(request.membership, key, timezone.now())
    data = request.POST if request.method == "POST" else None
    form = f.RotateForm(data, project=project)
    encryption = None
    if access.needs_passphrase(project, key.type):
        encryption = f.EncryptionForm(data, project=project)
        if data is None:
            encryption.initial["generated_passphrase"] = passphrase.generate_mnemonic()
    if refused or request.method == "GET":
        context = _context(request, project, key, form, encryption, refused)
        return render(request, _template(request, "dialog"), context)

    valid = form.is_valid() & (encryption is None or encryption.is_valid())
    if valid:
        try:
            rotated = rotation.rotate_access(
                project,
                request.user,
                key.id,
                overlap=form.cleaned_data["overlap"],
                passphrase_choice=encryption.passphrase_choice() if encryption else "current",
                passphrase=encryption.chosen_passphrase() if encryption else None,
                origin=origin_of(request),
            )
        except access.AccessError as e:
            for field, messages in e.errors.items():
                if field == "passphrase" and encryption is not None:
                    encryption.add_error(None, messages)
                else:
                    form.add_error(field if field in form.fields else None, messages)
        else:
            return _result(request, project, rotated)
    context = _context(request, project, key, form, encryption)
    # htmx swaps only 2xx answers by default: the step with its errors comes back as 200.
    return render(request, _template(request, "step"), context, status=200 if request.htmx else 400)


def _result(request, project, rotated):
    now = timezone.now()
    old = rotated.replaced
    stops = dateformat.format(old.not_after, "M j, Y, H:i") + " UTC"
    new = rotated.created.access_key
    context = {
        **result_context(project, rotated.created, now),
        "page": "accesskeys",
        "key": old,
        "rotated": rotated,
        "result_title": "Access rotated",
        "result_note": (
            f"“{new.name}” is the new key. The old one, now “{old.name}”, "
            + (f"keeps working until {stops}." if old.not_after > now else "has stopped working.")
        ),
    }
    if not request.htmx:
        context["done_url"] = reverse("accesskeys:detail", args=[project.public_id, new.id])
    response = render(request, _template(request, "result"), context)
    return trigger_client_event(response, "accessesChanged")
