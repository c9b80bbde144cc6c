"""The Audit page (Admins only): the project's keys above its event log, and the keys' CSV."""

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accesskeys.key_audit_forms import KEY_FIELDS, KeyFilterForm
from accesskeys.models import AUDIT_ORDER
from accesskeys.services import key_audit
from console.event_log_views import event_log_context, pager, query_without
from console.exports import EXPORT_CHUNK, csv_response
from console.membership import load_project
from console.paging import BoundedPaginator

KEYS_PER_PAGE = 50
# Filtered keys are counted exactly up to this many, then "more than 1,000": most
# filters test each key's row (no index holds "risky" or "expired"), so a count to
# 10,000 would read some 14,000 rows of a million-key project on every view.
FILTERED_COUNT_BOUND = 1_000


def _keys(request, project, member_ids, keys=None):
    form = KeyFilterForm(project, member_ids, request.GET)
    if keys is None:
        # Bucket names in each key's row: no second query, no queryset a key.
        keys = key_audit.with_bucket_list(project.access_keys.all())
    keys = keys.select_related("created_by")
    filters = form.filters()
    keys = keys.none() if filters is None else key_audit.filter_keys(keys, filters)
    # The order of the access_audit_ci index: a page is a short index range.
    return form, keys.order_by(*AUDIT_ORDER)


def audit(request, public_id):
    project = load_project(request, public_id, admin=True)
    member_ids = project.member_ids()
    now = timezone.now()

    key_form, keys = _keys(request, project, member_ids)
    bound = FILTERED_COUNT_BOUND if key_form.filters_chosen() else None
    key_page = BoundedPaginator(keys, KEYS_PER_PAGE, bound=bound).get_page(request.GET.get("kpage"))
    key_rows = [
        {
            "key": key,
            "creator": key_audit.creator_label(key, member_ids),
            "permissions": key.permission_labels(),
            "object_lock": key.object_lock_labels(),
            "notification": key.notification_labels(),
            "buckets": key_audit.bucket_names(key),
            "risks": key_audit.risks(key, now, member_ids),
        }
        for key in key_page
    ]

    ctx = {
        "stale": _stale_live_ids(key_form, keys, now),
        "key_form": key_form,
        "key_page": key_page,
        "key_rows": key_rows,
        "key_hidden": query_without(request, KEY_FIELDS + ["kpage", "page"]),
        "key_pages": pager(request, "kpage", key_page),
        "csv_query": request.GET.urlencode(),
        # A key's details are at keys_url + "<id>/" (accesskeys/urls.py).
        "keys_url": reverse("accesskeys:index", args=[project.public_id]),
        "page": "audit",
        **event_log_context(request, project, member_ids),
    }
    return render(request, "accesskeys/audit.html", ctx)


def keys_csv(request, public_id):
    project = load_project(request, public_id, admin=True)
    member_ids = project.member_ids()
    # Bucket names come in each key's row (no prefetch), so the whole export is one
    # query read through a cursor.
    keys = key_audit.with_bucket_list(project.access_keys.all())
    _, keys = _keys(request, project, member_ids, keys=keys)
    rows = key_audit.key_csv_rows(keys, member_ids, chunk_size=EXPORT_CHUNK)
    return csv_response(key_audit.KEYS_CSV_HEADER, rows, project, "access-keys")


# The most keys "Not used in 90 days" offers to rotate or delete at once.
BULK_LIMIT = 100


def _stale_live_ids(form, keys, now) -> dict | None:
    """With "Not used in 90 days" chosen: the live keys found, for bulk Rotate and
    Delete (whose confirmations name them); those registered through the API
    are deleted with their key, not rotated."""
    filters = form.filters()
    if filters is None or not filters.not_used_recently:
        return None
    live = keys.filter(revoked_at__isnull=True).filter(
        Q(not_after__isnull=True) | Q(not_after__gt=now)
    )
    ids = list(live.values_list("id", flat=True)[:BULK_LIMIT])
    rotatable = list(live.filter(parent__isnull=True).values_list("id", flat=True)[:BULK_LIMIT])
    return {"ids": ids, "rotatable": rotatable, "limit": BULK_LIMIT}
