"""One key's details: what it allows, never a secret. Every member may look."""

from django.shortcuts import get_object_or_404, render

from accesskeys import permissions
from accesskeys.models import AccessKey
from accesskeys.services import key_audit
from console.membership import load_project


def path_encryption_label(project, key) -> str:
    """How the key's grant encrypts object keys: the project's setting, fixed at creation."""
    return path_encryption_for(project, key.type)


def path_encryption_for(project, key_type: str) -> str:
    if key_type == AccessKey.Type.API_KEY:
        return "Not applicable: an API key carries no encryption keys"
    if project.path_encryption:
        return "On: object keys are encrypted (AES-GCM)"
    return "Off: object keys are stored readable (null path cipher)"


def detail(request, public_id, key_id):
    project = load_project(request, public_id)
    key = get_object_or_404(
        AccessKey.objects.select_related("created_by", "parent").prefetch_related("buckets"),
        id=key_id,
        project=project,
    )
    member_ids = project.member_ids()
    granted = key.granted()
    ctx = {
        "key": key,
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
        "buckets": key_audit.bucket_names(key),
        "risks": key_audit.risks(key),
        "path_encryption": path_encryption_label(project, key),
        "page": "accesskeys",
    }
    return render(request, "accesskeys/detail.html", ctx)
