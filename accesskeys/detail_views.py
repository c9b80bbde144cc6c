"""One key's details: what it allows, never a secret. Every member may look."""

from django.shortcuts import get_object_or_404, render

from accesskeys.models import OBJECT_LOCK_PERMISSIONS, PERMISSIONS, AccessKey
from accesskeys.services import key_audit
from console.membership import load_project


def detail(request, public_id, key_id):
    project = load_project(request, public_id)
    key = get_object_or_404(
        AccessKey.objects.select_related("created_by", "parent").prefetch_related("buckets"),
        id=key_id,
        project=project,
    )
    member_ids = project.member_ids()
    allowed = set(key.permission_labels())
    allowed_lock = set(key.object_lock_labels())
    ctx = {
        "key": key,
        "creator": key_audit.creator_label(key, member_ids),
        "permissions": [(label, label in allowed) for _, label in PERMISSIONS],
        "object_lock": [(label, label in allowed_lock) for _, label, _ in OBJECT_LOCK_PERMISSIONS],
        "buckets": key_audit.bucket_names(key),
        "risks": key_audit.risks(key),
        "page": "accesskeys",
    }
    return render(request, "accesskeys/detail.html", ctx)
