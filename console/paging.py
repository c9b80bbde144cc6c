"""Paging long lists without counting them: an exact count up to a bound.

Counting a million rows on every page view costs as much as reading them.
`BoundedPaginator` counts at most COUNT_BOUND + 1 rows (one index range on
PostgreSQL): below the bound the count is exact, beyond it the page says
"more than 10,000" and pages reach as far as the bound. Every page within
it is an index range of at most COUNT_BOUND entries, so page 1,000 costs the
same with a million rows as with twenty thousand; to reach rows beyond the
bound, people search or sort the other way (both served by indexes).

Deep pages read their ids first, then their rows: skipping 9,990 rows of an
index range then reads 9,990 index entries (an index-only scan), not 9,990
table rows. The first pages, where nearly every visit lands, read their rows
in one query: skipping fewer than DIRECT_OFFSET rows costs less than a second
query.
"""

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_BOUND = 10_000
DIRECT_OFFSET = 100


class BoundedPage(Page):
    @property
    def range_label(self) -> str:
        """'9,991–10,000': the rows this page shows."""
        return f"{self.start_index():,}–{self.end_index():,}"


class BoundedPaginator(Paginator):
    def __init__(
        self,
        object_list,
        per_page,
        bound: int | None = None,
        known_count: int | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.bound = bound or COUNT_BOUND
        # A count the database keeps (Project.access_key_count): no counting query.
        self.known_count = known_count

    @cached_property
    def counted(self) -> int:
        """Rows counted, at most bound + 1 (one more than the bound means "more")."""
        if self.known_count is not None:
            return min(self.known_count, self.bound + 1)
        count_up_to = getattr(self.object_list, "count_up_to", None)
        if count_up_to is not None:
            return count_up_to(self.bound + 1)
        # The ordering stays in the counting query: the planner then prefers the plan
        # that stops after bound + 1 rows in the page's order (an index range) over one
        # that gathers every match first (a bitmap of a third of a million keys).
        return self.object_list[: self.bound + 1].count()

    @cached_property
    def count(self) -> int:
        """The rows that can be paged through: all of them, or the first `bound`."""
        return min(self.counted, self.bound)

    @property
    def is_exact(self) -> bool:
        return self.counted <= self.bound

    @property
    def count_label(self) -> str:
        """'1,234', or 'more than 10,000' when the list goes on past the bound."""
        return f"{self.count:,}" if self.is_exact else f"more than {self.bound:,}"

    @property
    def bound_label(self) -> str:
        return f"{self.bound:,}"

    def _get_page(self, *args, **kwargs) -> BoundedPage:
        return BoundedPage(*args, **kwargs)

    def get_page(self, number) -> BoundedPage:
        try:
            return super().get_page(number)
        except EmptyPage:  # the page was past the end once the rows were counted (page())
            return super().get_page(self.num_pages)

    def page(self, number) -> BoundedPage:
        page = self._rows_page(number)
        if self.known_count and not page.object_list:
            # The kept count was read a moment before the rows, and rows were deleted
            # in between: the last page came back empty. Count the rows themselves
            # rather than show an empty list (or say there are none).
            self.known_count = None
            for counted in ("counted", "count", "num_pages"):
                self.__dict__.pop(counted, None)
            page = self._rows_page(number)
        return page

    def _rows_page(self, number) -> BoundedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if isinstance(rows, QuerySet) and bottom >= DIRECT_OFFSET:
            # The ids of the page in its order (the order's index alone), then the rows
            # of those ids, in the same order.
            ids = list(rows.values_list("pk", flat=True)[bottom:top])
            return self._get_page(rows.filter(pk__in=ids), number, self)
        return self._get_page(rows[bottom:top], number, self)

    @property
    def pages_label(self) -> str:
        return f"{self.num_pages:,}" if self.is_exact else f"{self.num_pages:,}+"
