"""Rotating a key from its details page or its row menu (services/rotation.py).

One form: how long the old key keeps working and, for types that encrypt in
a Self-Managed project, the passphrase, asked as the New Access dialog's
Encryption step asks it. The answer is the New Access dialog's result: the
one-time values and "Download for" files, shown once. Without JavaScript the
dialog is a page of its own.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from accesskeys import forms as f
from accesskeys.credential_types import PASSPHRASE_DOWNLOAD_LABEL, SEVERAL_KEYS_DOWNLOAD_LABEL
from accesskeys.dialog_views import result_context
from accesskeys.models import AccessKey
from accesskeys.services import access_rules, download, key_audit, rotation
from accesskeys.views import parse_ids
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
    rows = [
        ("Type", key.get_type_display()),
        ("Permissions", allowed),
        ("Buckets", ", ".join(key_audit.bucket_names(key)) or "All buckets"),
    ]
    notes = key.restriction_notes()  # prefixes and the object lifetime, in words
    if notes:
        rows.append(("Also", "; ".join(notes)))
    return [*rows, ("Expiration", expires)]


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
    if access_rules.needs_passphrase(project, key.type):
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
        except ValidationError as e:
            for field, messages in e.message_dict.items():
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
    new = rotated.created.key
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


# --- several keys at once (the Audit page's "Not used in 90 days") -------------

MAX_BULK = 100


@never_cache
@sensitive_post_parameters(*f.SECRET_FIELDS)
@require_http_methods(["GET", "POST"])
def rotate_many(request, public_id):
    """GET: the confirmation naming the selected keys. POST: rotate them, all or none,
    and show every new key's one-time values once."""
    project = load_project(request, public_id, admin=True)
    source = request.POST if request.method == "POST" else request.GET
    ids = list(dict.fromkeys(parse_ids(source.getlist("ids"))))[:MAX_BULK]
    keys = list(
        project.access_keys.not_revoked()
        .filter(id__in=ids, parent__isnull=True)
        .prefetch_related("buckets")
        .order_by("name", "id")
    )
    form = f.RotateForm(request.POST if request.method == "POST" else None, project=project)
    asks_passphrase = any(access_rules.needs_passphrase(project, key.type) for key in keys)
    context = {
        "project": project,
        "page": "audit",
        "keys": keys,
        "form": form,
        "asks_passphrase": asks_passphrase,
        "error": None,
    }
    template = "accesskeys/rotate_many.html" + ("#dialog" if request.htmx else "")
    if request.method == "GET" or not keys:
        return render(request, template, context)

    phrase = request.POST.get("passphrase", "")
    if form.is_valid() and not (asks_passphrase and not phrase):
        try:
            rotated = rotation.rotate_accesses(
                project,
                request.user,
                [key.id for key in keys],
                overlap=form.cleaned_data["overlap"],
                passphrase=phrase or None,
                origin=origin_of(request),
            )
        except ValidationError as e:
            context["error"] = " ".join(m for ms in e.message_dict.values() for m in ms)
        else:
            return _many_results(request, project, rotated)
    elif form.is_valid():
        context["error"] = access_rules.MESSAGES["passphrase_current_required"]
    return render(request, template, context, status=200 if request.htmx else 400)


def _many_results(request, project, rotated):
    now = timezone.now()
    results, items = [], []
    for i, one in enumerate(rotated):
        created = one.created
        values = created.result()
        results.append(
            {
                "name": created.key.name,
                "type_label": created.credential_type.label,
                "replaced": one.replaced,
                "values": [
                    {"label": label, "value": value, "secret": secret, "id": f"na-{i}-{j}"}
                    for j, (label, value, secret) in enumerate(values)
                ],
            }
        )
        items.append(f"# {created.key.name} ({created.credential_type.label})")
        items += download.file_items(
            created.credential_type.value, [(label, value) for label, value, _ in values]
        )
    context = {
        "project": project,
        "page": "audit",
        "results": results,
        "download": {
            "filename": download.download_filename(
                settings.BRAND_NAME, SEVERAL_KEYS_DOWNLOAD_LABEL, "rotated", now
            ),
            "content": download.download_content(items),
        },
    }
    template = "accesskeys/rotate_many.html" + ("#results" if request.htmx else "")
    response = render(request, template, context)
    return trigger_client_event(response, "accessesChanged")
