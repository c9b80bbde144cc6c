"""The Access Keys page: the table of a project's keys, and deleting them.

The table is one htmx fragment: searching, sorting and paging swap it, and the
URL keeps the state (q, sort, page, size) so a reload shows the same view.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, trigger_client_event

from accesskeys import access_rows
from accesskeys.access_table import (
    COLUMNS,
    DEFAULT_SIZE,
    DEFAULT_SORT,
    MAX_SEARCH,
    PAGE_SIZES,
    SEARCH_COUNT_BOUND,
    SORTS,
    TABLE_FIELDS,
    search,
)
from accesskeys.services.access_delete import delete_accesses
from console.audit import origin_of
from console.membership import load_project
from console.paging import BoundedPaginator
from console.text_rules import without_control_characters


class TableState:
    """The view's parameters, read leniently: anything odd falls back to the default."""

    def __init__(self, params):
        # No name or email holds a control character (PostgreSQL refuses NUL in a
        # query): a pasted one is left out rather than searched for.
        self.q = without_control_characters(params.get("q", "")).strip()[:MAX_SEARCH]
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
            first_descending = next(c.first_descending for c in COLUMNS if c.key == column)
            target = "-" + column if first_descending else column
        return self.query(sort=target, page=1)

    def aria_sort(self, column: str) -> str | None:
        if self.sort == column:
            return "ascending"
        if self.sort == "-" + column:
            return "descending"
        return None


def _has_several_creators(project, member_ids: set[int], user) -> bool:
    """Whether the project has more than one person: members, or former members with keys.

    With one member (the user looking), two probes of the creator index, one on
    each side of their email, rather than a scan of every key for another creator.
    """
    if len(member_ids) > 1:
        return True
    keys = project.access_keys.not_revoked().filter(creator_email__isnull=False)
    return (
        keys.filter(creator_email__lt=user.email).exists()
        or keys.filter(creator_email__gt=user.email).exists()
    )


def _table_context(request, project) -> dict:
    state = TableState(request.GET)

    # One query tells who the project's members are: it decides whether the
    # Creator column shows and which creators have left the project.
    member_ids = project.member_ids()
    show_creator = _has_several_creators(project, member_ids, request.user)
    keys = project.access_keys.not_revoked()
    if state.q:
        keys = search(keys, state.q)
    # Only the columns shown: the sort then moves small rows, not whole users.
    keys = keys.only(*TABLE_FIELDS).order_by(*SORTS[state.sort])

    if state.q:
        # A search counts its matches only up to SEARCH_COUNT_BOUND: finding them means
        # testing each key in the page's order, and "more than 1,000 match" says enough.
        paginator = BoundedPaginator(keys, state.size, bound=SEARCH_COUNT_BOUND)
    else:
        # The database keeps the count of the project's keys: nothing to count.
        paginator = BoundedPaginator(keys, state.size, known_count=project.access_key_count)
    page = paginator.get_page(state.page)
    state.page = page.number
    for key in page.object_list:
        key.creator_is_member = key.created_by_id in member_ids
    base = reverse("accesskeys:index", args=[project.public_id])
    delete_url = base + "delete/"
    columns = [
        {
            "column": column,
            "sort_url": base + state.sort_query(column.key) if column.ascending else None,
            "aria_sort": state.aria_sort(column.key),
        }
        for column in COLUMNS
        if show_creator or not column.only_with_creators
    ]
    return {
        "project": project,
        "page": "accesskeys",
        "state": state,
        "keys_page": page,
        "rows": access_rows.rows(
            page.object_list,
            base_url=base,
            delete_url=delete_url,
            membership=request.membership,
            show_creator=show_creator,
        ),
        "columns": columns,
        "show_creator": show_creator,
        "page_sizes": PAGE_SIZES,
        "default_sort": DEFAULT_SORT,
        "default_size": DEFAULT_SIZE,
        "base_url": base,
        "delete_url": delete_url,
        "previous_url": base + state.query(page=page.number - 1) if page.has_previous() else "",
        "next_url": base + state.query(page=page.number + 1) if page.has_next() else "",
        "current_url": base + state.query(),
        # Clearing a search keeps the sort and the rows per page.
        "clear_search_url": base + state.query(q="", page=1),
    }


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


# The largest id a 64-bit primary key holds.
MAX_ID = 2**63 - 1


def parse_ids(values) -> list[int]:
    """The values that are plain ASCII decimal ids in range; anything else is ignored.

    str.isdigit() and int() also take other scripts' digits ("٣", "０１").
    """
    ids = []
    for value in values:
        if value.isascii() and value.isdecimal() and len(value) <= 19 and int(value) <= MAX_ID:
            ids.append(int(value))
    return ids


def _selected(request, project):
    source = request.POST if request.method == "POST" else request.GET
    ids = parse_ids(source.getlist("ids"))
    return list(project.access_keys.not_revoked().filter(id__in=ids).order_by("name", "id"))


def _deleted_message(names: list[str]) -> str:
    if len(names) == 1:
        return f"Deleted the access key “{names[0]}”."
    return f"Deleted {len(names)} access keys."


@require_http_methods(["GET", "POST"])
def delete(request, public_id):
    """GET: the confirmation listing the selected keys. POST: delete them, all or nothing."""
    project = load_project(request, public_id)
    keys = _selected(request, project)
    source = request.POST if request.method == "POST" else request.GET
    # Without JavaScript the bulk Delete button can be pressed with no box ticked.
    ctx = {
        "project": project,
        "page": "accesskeys",
        "keys": keys,
        "error": None,
        "none_chosen": not source.getlist("ids"),
    }
    template = "accesskeys/delete.html" + ("#dialog" if request.htmx else "")

    if request.method == "POST" and keys:
        try:
            names = delete_accesses(
                project, request.user, [key.id for key in keys], origin_of(request)
            )
        except ValidationError as e:
            ctx["error"] = " ".join(e.messages)
            return render(request, template, ctx)
        if not request.htmx:
            messages.success(request, _deleted_message(names))
            return redirect("accesskeys:index", project.public_id)
        # The status message swaps in out of band; the page refreshes its keys
        # and the dialog closes on the events, so the dialog host is left alone.
        response = render(
            request, "accesskeys/delete.html#deleted", {"message": _deleted_message(names)}
        )
        reswap(response, "none")
        trigger_client_event(response, "accessesChanged")
        return trigger_client_event(response, "closeDialog")

    return render(request, template, ctx)
