"""The Access Keys table: its columns, sorts and search, for the page and the REST API.

Every ordering is exactly the order of one index of live keys (AccessKey.Meta
and migration 0005), so a page reads a few index entries however many keys
there are; the search reads the indexed `creator_email` kept on each key.
"""

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_SIZE = 10
MAX_SEARCH = 100
SEARCH_COUNT_BOUND = 1_000


@dataclass(frozen=True)
class Column:
    """One column of the table: its header, the fields it loads, its cell, its sorts."""

    key: str  # the sort key in the URL ("name", "-name")
    header: str
    fields: tuple[str, ...]
    # Orderings, each ending with the id so paging is stable; None: not sortable.
    ascending: tuple | None = None
    descending: tuple | None = None
    # The direction of the first click: newest first for dates.
    first_descending: bool = False
    # Shown only when the project has (or had) more than one person.
    only_with_creators: bool = False


# index.html writes each row's cells in this order (a test holds it to this order).
# Every ordering is exactly the order of one index of live keys (AccessKey.Meta and
# migration 0005), so a page reads a few index entries however many keys there are.
COLUMNS = (
    # Names sort case-insensitively.
    Column(
        "name",
        "Name",
        ("name", "prefixes", "max_object_ttl", "other_restrictions", "share_url"),
        (Lower("name"), "id"),
        (Lower("name").desc(), "-id"),
    ),
    Column("type", "Type", ("type",)),
    # Sorted by the creator's email kept on the key (lowercased already), deleted
    # creators last both ways.
    Column(
        "creator",
        "Creator",
        ("created_by", "creator_email"),
        (F("creator_email").asc(nulls_last=True), Lower("name"), "id"),
        (F("creator_email").desc(nulls_last=True), Lower("name"), "id"),
        only_with_creators=True,
    ),
    Column(
        "created",
        "Date Created",
        ("created_at",),
        ("created_at", "id"),
        ("-created_at", "-id"),
        first_descending=True,
    ),
    Column("expires", "Expires", ("not_after",)),
    # Most recently used first; ascending puts never-used keys first, then the stalest.
    Column(
        "last_used",
        "Last used",
        ("last_used_at",),
        (F("last_used_at").asc(nulls_first=True), "id"),
        (F("last_used_at").desc(nulls_last=True), "-id"),
        first_descending=True,
    ),
)


SORTS = {
    sort: ordering
    for column in COLUMNS
    if column.ascending
    for sort, ordering in ((column.key, column.ascending), ("-" + column.key, column.descending))
}


DEFAULT_SORT = "name"


# "project" too: the related manager fills in each row's project from it.
# "parent": the row menu offers Rotate only for keys the console issued itself.
TABLE_FIELDS = ("project", "parent", *(field for column in COLUMNS for field in column.fields))


def search(keys: QuerySet, text: str) -> QuerySet:
    """Keys whose name or creator's email contains the text (any case).

    On PostgreSQL a search matching few keys reads two trigram indexes
    (migration 0006); one matching many reads the sorted index until the page is full.
    """
    return keys.filter(Q(name__icontains=text) | Q(creator_email__icontains=text))
