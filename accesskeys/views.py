"""The Access Keys page: the table of a project's keys, and deleting them.

The table is one htmx fragment: searching, sorting and paging swap it, and the
URL keeps the state (q, sort, page, size) so a reload shows the same view.
"""

from django.contrib import messages
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from accesskeys.services.access import AccessError, delete_accesses
from console import audit
from console.membership import load_project
from console.models import AuditEvent
from console.paging import BoundedPaginator

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_SIZE = 10
# Sort key -> ordering; every ordering ends with the id so paging is stable, and
# each is exactly the order of one index of live keys (see AccessKey.Meta), so a
# page reads a few index entries however many keys there are. Names sort without
# regard to case; emails are stored lowercased already; deleted creators last.
SORTS = {
    "name": (Lower("name"), "id"),
    "-name": (Lower("name").desc(), "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "creator": (F("creator_email").asc(nulls_last=True), Lower("name"), "id"),
    "-creator": (F("creator_email").desc(nulls_last=True), Lower("name"), "id"),
}
DEFAULT_SORT = "name"
# The direction a column gets on its first click: newest first for dates.
FIRST_SORT = {"name": "name", "created": "-created", "creator": "creator"}
MAX_SEARCH = 100
SEARCH_COUNT_BOUND = 1_000
TABLE_FIELDS = ("project", "name", "type", "created_at", "not_after", "created_by__email")


class TableState:
    """The view's parameters, read leniently: anything odd falls back to the default."""

    def __init__(self, params):
        self.q = params.get("q", "").strip()[:MAX_SEARCH]
        sort = params.get("sort", DEFAULT_SORT)
        self.sort = sort if sort in SORTS else DEFAULT_SORT
        try:
            size = int(params.get("size", DEFAULT_SIZE))
        except ValueError:
            size = DEFAULT_SIZE
        self.size = size if size in PAGE_SIZES else DEFAULT_SIZE
        try:
            page = int(params.get("page", 1))
        except ValueError:
            page = 1
        # Past the end shows the last page (the Paginator's choice); below 1, the first.
        self.page = max(page, 1)

    def query(self, **changes) -> str:
        """The query string for this state with some changes, defaults left out."""
        values = {"q": self.q, "sort": self.sort, "page": self.page, "size": self.size, **changes}
        defaults = {"q": "", "sort": DEFAULT_SORT, "page": 1, "size": DEFAULT_SIZE}
        kept = {k: v for k, v in values.items() if str(v) != str(defaults[k])}
        return "?" + urlencode(kept) if kept else "?"

    def sort_query(self, column: str) -> str:
        if self.sort == column:
            target = "-" + column
        elif self.sort == "-" + column:
            target = column
        else:
            target = FIRST_SORT[column]
        return self.query(sort=target, page=1)

    def aria_sort(self, column: str) -> str | None:
        if self.sort == column:
            return "ascending"
        if self.sort == "-" + column:
            return "descending"
        return None


def _table_context(request, project) -> dict:
    state = TableState(request.GET)

    # One query tells who the project's members are: it decides whether the
    # Creator column shows and which creators have left the project.
    member_ids = project.member_ids()
    keys = project.access_keys.active().select_related("created_by")
    # Former members who still have keys count as people of the project too.
    show_creator = len(member_ids) > 1 or _has_other_creators(project, request.user)

    if state.q:
        # On PostgreSQL a search matching few keys reads two trigram indexes (migration
        # 0005); one matching many reads the sorted index until the page is full.
        keys = keys.filter(Q(name__icontains=state.q) | Q(creator_email__icontains=state.q))
    # Only the columns shown: the sort then moves small rows, not whole users.
    keys = keys.only(*TABLE_FIELDS).order_by(*SORTS[state.sort])

    # A search counts its matches only up to SEARCH_COUNT_BOUND: finding them means
    # testing each key in the page's order, and "more than 1,000 match" says enough.
    bound = SEARCH_COUNT_BOUND if state.q else None
    page = BoundedPaginator(keys, state.size, bound=bound).get_page(state.page)
    state.page = page.number
    for key in page.object_list:
        key.creator_is_member = key.created_by_id in member_ids
    base = reverse("accesskeys:index", args=[project.public_id])
    columns = [
        ("name", "Name"),
        ("created", "Date Created"),
    ]
    if show_creator:
        columns.append(("creator", "Creator"))
    sort_links = {
        column: {"url": base + state.sort_query(column), "aria_sort": state.aria_sort(column)}
        for column, _ in columns
    }
    return {
        "project": project,
        "page": "accesskeys",
        "state": state,
        "keys_page": page,
        "show_creator": show_creator,
        "sort_links": sort_links,
        "page_sizes": PAGE_SIZES,
        "base_url": base,
        "previous_url": base + state.query(page=page.number - 1) if page.has_previous() else "",
        "next_url": base + state.query(page=page.number + 1) if page.has_next() else "",
        "current_url": base + state.query(),
    }


def _has_other_creators(project, user) -> bool:
    """Whether live keys of a one-member project were made by someone else.

    Two probes of the creator index, one on each side of the member's email,
    rather than a scan of every key looking for another creator.
    """
    live = project.access_keys.active().filter(creator_email__isnull=False)
    return (
        live.filter(creator_email__lt=user.email).exists()
        or live.filter(creator_email__gt=user.email).exists()
    )


def index(request, public_id):
    project = load_project(request, public_id)
    ctx = _table_context(request, project)
    template = "accesskeys/index.html"
    if request.htmx and not request.htmx.history_restore_request:
        if request.htmx.target == "access-table":
            template += "#table"
        elif request.htmx.target == "access-keys":
            template += "#keys"
    response = render(request, template, ctx)
    # The same URL answers with a page or a fragment: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _selected(request, project):
    source = request.POST if request.method == "POST" else request.GET
    ids = [i for i in source.getlist("ids") if i.isdigit()]
    return list(project.access_keys.active().filter(id__in=ids).order_by("name", "id"))


def _deleted_message(names: list[str]) -> str:
    if len(names) == 1:
        return f"Deleted the access key “{names[0]}”."
    return f"Deleted {len(names)} access keys."


@require_http_methods(["GET", "POST"])
def delete(request, public_id):
    """GET: the confirmation listing the selected keys. POST: delete them, all or nothing."""
    project = load_project(request, public_id)
    keys = _selected(request, project)
    ctx = {"project": project, "page": "accesskeys", "keys": keys, "error": None}
    template = "accesskeys/delete.html" + ("#dialog" if request.htmx else "")

    if request.method == "POST" and keys:
        try:
            names = delete_accesses(project, request.user, [key.id for key in keys])
        except AccessError as e:
            ctx["error"] = " ".join(
                message for messages_ in e.errors.values() for message in messages_
            )
            return render(request, template, ctx)
        audit.record(request, AuditEvent.Action.ACCESS_DELETED, project=project, accesses=names)
        if not request.htmx:
            messages.success(request, _deleted_message(names))
            return redirect("accesskeys:index", project.public_id)
        response = render(
            request, "accesskeys/delete.html#deleted", {"message": _deleted_message(names)}
        )
        return trigger_client_event(response, "accessesChanged")

    return render(request, template, ctx)
