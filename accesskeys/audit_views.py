"""The Audit page (Admins only): the project's keys above its event log, and the keys' CSV."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accesskeys.audit_forms import KEY_FIELDS, KeyFilterForm
from accesskeys.services import key_audit
from console.audit_views import event_log_context, pager, query_without
from console.exports import csv_response, to_csv
from console.membership import load_project

KEYS_PER_PAGE = 50


def _keys(request, project, member_ids):
    form = KeyFilterForm(project, member_ids, request.GET)
    keys = project.access_keys.select_related("created_by").prefetch_related("buckets")
    filters = form.filters()
    keys = keys.none() if filters is None else key_audit.filter_keys(keys, filters)
    return form, keys.order_by("name", "-created_at", "id")


def audit(request, public_id):
    project = load_project(request, public_id, admin=True)
    member_ids = project.member_ids()
    now = timezone.now()

    key_form, keys = _keys(request, project, member_ids)
    key_page = Paginator(keys, KEYS_PER_PAGE).get_page(request.GET.get("kpage"))
    key_rows = [
        {
            "key": key,
            "creator": key_audit.creator_label(key, member_ids),
            "permissions": key.permission_labels(),
            "object_lock": key.object_lock_labels(),
            "buckets": key_audit.bucket_names(key),
            "risks": key_audit.risks(key, now),
        }
        for key in key_page
    ]

    ctx = {
        "key_form": key_form,
        "key_page": key_page,
        "key_rows": key_rows,
        "key_hidden": query_without(request, KEY_FIELDS + ["kpage", "page"]),
        "key_pages": pager(request, "kpage", key_page),
        "csv_query": request.GET.urlencode(),
        "page": "audit",
        **event_log_context(request, project, member_ids),
    }
    return render(request, "accesskeys/audit.html", ctx)


def keys_csv(request, public_id):
    project = load_project(request, public_id, admin=True)
    member_ids = project.member_ids()
    _, keys = _keys(request, project, member_ids)
    rows = key_audit.key_csv_rows(keys, member_ids)
    return csv_response(to_csv(key_audit.KEYS_CSV_HEADER, rows), project, "access-keys")
