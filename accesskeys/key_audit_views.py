"""The Audit page (Admins only): the project's keys above its event log, and the keys' CSV."""

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accesskeys import audit_rows
from accesskeys.key_audit_forms import KEY_FIELDS, KeyFilterForm
from accesskeys.models import AUDIT_ORDER
from accesskeys.services import key_audit
from console import audit_pager
from console.event_log_views import event_log_context, pager, people, query_without
from console.exports import EXPORT_CHUNK, csv_response
from console.membership import load_project
from console.paging import BoundedPaginator
from console.widgets import filter_fields

KEYS_PER_PAGE = 50
# Filtered keys are counted exactly up to this many, then "more than 1,000": most
# filters test each key's row (no index holds "risky" or "expired"), so a count to
# 10,000 would read some 14,000 rows of a million-key project on every view.
FILTERED_COUNT_BOUND = 1_000


# Anyone with a key here: the project's distinct creators, one probe of the
# (project, creator) index each (a "loose index scan"). A probe per user instead
# (EXISTS) let PostgreSQL scan the keys for each user of the installation that has
# none here: every key of a million-key project, once for each such user.
HAS_KEYS_SQL = """u.id IN (
    WITH RECURSIVE creators(id) AS (
        SELECT MIN(created_by_id) FROM accesskeys_accesskey WHERE project_id = %(project)s
        UNION ALL
        SELECT (
            SELECT MIN(created_by_id) FROM accesskeys_accesskey
            WHERE project_id = %(project)s AND created_by_id > creators.id
        )
        FROM creators WHERE creators.id IS NOT NULL
    )
    SELECT id FROM creators WHERE id IS NOT NULL
)"""


def _people_and_keys(request, project):
    """The people the page names (members and the creators of the project's keys),
    the key filters read from the query string and the keys they choose, in the
    page's order (not yet read)."""
    named = people(project, also=HAS_KEYS_SQL)
    buckets = list(project.buckets.order_by("name").values_list("id", "name"))
    form = KeyFilterForm(named, buckets, request.GET)
    filters = form.filters()
    keys = project.access_keys.all()
    keys = keys.none() if filters is None else key_audit.filter_keys(keys, filters)
    # The order of the access_audit_ci index: a page is a short index range.
    return named, form, filters, keys.order_by(*AUDIT_ORDER)


def audit(request, public_id):
    project = load_project(request, public_id, admin=True)
    now = timezone.now()
    named, key_form, filters, keys = _people_and_keys(request, project)
    bound = FILTERED_COUNT_BOUND if filters is not None and filters.narrowed else None
    key_page = BoundedPaginator(keys, KEYS_PER_PAGE, bound=bound).get_page(request.GET.get("kpage"))
    # Counted and paged without them, the page's keys come with their bucket names in
    # each key's row (no second query, no queryset a key), as plain values.
    page_keys = key_audit.with_bucket_list(key_page.object_list)
    key_page.object_list = list(key_audit.audited_keys(page_keys, key_form.member_ids, now))
    keys_url = reverse("accesskeys:index", args=[project.public_id])
    key_pages = pager(request, "kpage", key_page)
    ctx = {
        "stale": _stale_live_ids(filters, keys, now),
        "key_form": key_form,
        "key_fields": filter_fields(key_form),
        "key_page": key_page,
        # A key's details are at keys_url + "<id>/" (accesskeys/urls.py).
        "key_rows": audit_rows.rows(key_page.object_list, keys_url),
        "key_hidden": query_without(request, KEY_FIELDS + ["kpage", "page"]),
        "key_pages": key_pages,
        "key_pager": audit_pager.nav(key_pages, key_page, "Keys pages", "keys"),
        "csv_query": request.GET.urlencode(),
        "page": "audit",
        **event_log_context(request, project, named),
    }
    return render(request, "accesskeys/audit.html", ctx)


def keys_csv(request, public_id):
    project = load_project(request, public_id, admin=True)
    _, form, _, keys = _people_and_keys(request, project)
    # Bucket names come in each key's row (no prefetch), so the whole export is one
    # query read through a cursor.
    keys = key_audit.with_bucket_list(keys)
    rows = key_audit.key_csv_rows(keys, form.member_ids, chunk_size=EXPORT_CHUNK)
    return csv_response(key_audit.KEYS_CSV_HEADER, rows, project, "access-keys")


# The most keys "Not used in 90 days" offers to rotate or delete at once.
BULK_LIMIT = 100


def _stale_live_ids(filters, keys, now) -> dict | None:
    """With "Not used in 90 days" chosen: the live keys found, for bulk Rotate and
    Delete (whose confirmations name them); those registered through the API
    are deleted with their key, not rotated."""
    if filters is None or not filters.not_used_recently:
        return None
    live = keys.filter(revoked_at__isnull=True).filter(
        Q(not_after__isnull=True) | Q(not_after__gt=now)
    )
    ids = list(live.values_list("id", flat=True)[:BULK_LIMIT])
    rotatable = list(live.filter(parent__isnull=True).values_list("id", flat=True)[:BULK_LIMIT])
    return {"ids": ids, "rotatable": rotatable, "limit": BULK_LIMIT}
