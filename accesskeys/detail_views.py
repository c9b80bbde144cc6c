"""One key's details: what it allows, never a secret. Every member may look;
Admins and the key's creator may rename it and change its description."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accesskeys import permissions
from accesskeys.credential_types import BY_VALUE as CREDENTIAL_TYPES
from accesskeys.forms import EditAccessForm
from accesskeys.models import AccessKey
from accesskeys.services import access_rules, access_update, key_audit, rotation
from console.audit import origin_of
from console.membership import load_project


def path_encryption_label(project, key) -> str:
    """How the key's grant encrypts object keys: the project's setting, fixed at creation."""
    return path_encryption_for(project, key.type)


def path_encryption_for(project, key_type: str) -> str:
    if not CREDENTIAL_TYPES[key_type].encrypts:
        return "Not applicable: an API key carries no encryption keys"
    if project.path_encryption:
        return "On: object keys are encrypted (AES-GCM)"
    return "Off: object keys are stored readable (null path cipher)"


def detail(request, public_id, key_id):
    project = load_project(request, public_id)
    # The key in one query (its creator's email is on it); its replacement (a
    # rotation's new key) in one more, read once for the page and the Rotate rule:
    # joined to the key, SQLite's planner scans every key for it once ANALYZE has
    # counted the column's NULLs. The key it replaces, the key it was registered from
    # and its buckets only when it has them (most keys have none of the three).
    key = get_object_or_404(
        AccessKey,
        id=key_id,
        project=project,
    )
    member_ids = project.member_ids()
    granted = key.granted()
    buckets = key_audit.bucket_names(key)
    prefixed_buckets = {bucket for bucket, _ in key.prefixes}
    ctx = {
        "key": key,
        "credential_type": CREDENTIAL_TYPES[key.type],
        "creator": key_audit.creator_label(key, member_ids),
        "permissions": [
            (p.label, p.name in granted) for p in permissions.in_group(permissions.BASIC)
        ],
        "object_lock": [
            (p.label, p.name in granted) for p in permissions.in_group(permissions.OBJECT_LOCK)
        ],
        "notification": [
            (p.label, p.name in granted) for p in permissions.in_group(permissions.NOTIFICATION)
        ],
        "full_access_grants": permissions.full_access_grants(),
        "buckets": buckets,
        # Buckets the key reaches whole, beside those limited to prefixes.
        "whole_buckets": [name for name in buckets if name not in prefixed_buckets],
        "risks": key_audit.risks(key, member_ids=member_ids),
        "path_encryption": path_encryption_label(project, key),
        "may_update": key.revoked_at is None and access_rules.may_change(request.membership, key),
        "may_rotate": rotation.refusal(request.membership, key, timezone.now()) is None,
        # A rotation's two keys link to each other; the old key's last use tells
        # whether the tools have switched.
        "replaced_by": rotation.replacement_of(key),
        "page": "accesskeys",
    }
    return render(request, "accesskeys/detail.html", ctx)


@require_http_methods(["GET", "POST"])
def edit(request, public_id, key_id):
    """Rename a key and change its description; its restrictions cannot change."""
    project = load_project(request, public_id)
    key = get_object_or_404(AccessKey.objects.select_related("project"), id=key_id, project=project)
    if not access_rules.may_change(request.membership, key):
        raise PermissionDenied(access_rules.MESSAGES["update_not_allowed"])
    if key.revoked_at is not None:
        messages.error(request, access_rules.MESSAGES["update_gone"])
        return redirect("accesskeys:detail", project.public_id, key.id)

    form = EditAccessForm(
        request.POST or None, key=key, initial={"name": key.name, "description": key.description}
    )
    if request.method == "POST" and form.is_valid():
        unchanged = (key.name, key.description) == (
            form.cleaned_data["name"],
            form.cleaned_data["description"],
        )
        try:
            access_update.update_access(
                project,
                request.user,
                key.id,
                form.cleaned_data["name"],
                form.cleaned_data["description"],
                origin_of(request),
            )
        except ValidationError as e:
            # The service's rules (a name taken, the key deleted): say so on the form.
            for field, errors in e.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if unchanged:
                messages.info(request, "Nothing changed.")
            else:
                messages.success(request, f"Saved the changes to “{form.cleaned_data['name']}”.")
            return redirect("accesskeys:detail", project.public_id, key.id)
    ctx = {"key": key, "form": form, "page": "accesskeys"}
    return render(request, "accesskeys/edit.html", ctx)
