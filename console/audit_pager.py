"""The paging of an Audit page section, written in Python: the rows shown, the page
links, previous and next (what console/audit_pager.html wrote, without a template
lookup a section and a variable lookup a link). Every text goes through `escape`."""

from html import escape

from django.utils.safestring import SafeString, mark_safe

BUTTON = "btn btn-secondary btn-small"


def _step(url: str | None, rel: str, words: str) -> str:
    """Previous or Next: a link, or a disabled button on the first or last page."""
    if url is None:
        return f'<span class="{BUTTON}" aria-disabled="true">{words}</span>'
    return f'<a class="{BUTTON}" rel="{rel}" href="{escape(url)}">{words}</a>'


def _page_link(link: dict, current: int) -> str:
    number = link["number"]
    if number is None:
        return '<li class="pager-gap" aria-hidden="true">…</li>'
    if number == current:
        return (
            f'<li><a class="pager-page" href="{escape(link["url"])}" aria-current="page" '
            f'aria-label="Page {number}, current">{number}</a></li>'
        )
    return (
        f'<li><a class="pager-page" href="{escape(link["url"])}" '
        f'aria-label="Page {number}">{number}</a></li>'
    )


def nav(links: dict, page, label: str, noun: str) -> SafeString:
    """The `<nav>` of a section's pages (`links`: as event_log_views.pager makes
    them), and past a bounded count, how to reach the rest; nothing for one page."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return mark_safe("")  # noqa: S308 (empty)
    pages = "\n".join(_page_link(link, page.number) for link in links["pages"])
    html = (
        f'<nav class="pager audit-pager" aria-label="{escape(label)}">\n'
        f'  <p class="pager-range muted">Showing {page.range_label} of '
        f"{escape(paginator.count_label)} {escape(noun)}</p>\n"
        '  <div class="pager-links">\n'
        f"    {_step(links['previous'], 'prev', 'Previous')}\n"
        f'    <ul class="pager-pages">\n{pages}\n    </ul>\n'
        f"    {_step(links['next'], 'next', 'Next')}\n"
        "  </div>\n"
        "</nav>\n"
    )
    if not page.has_next() and not paginator.is_exact:
        html += (
            f'<p class="pager-note muted small">Pages go as far as the first '
            f"{paginator.bound_label}. Filter to reach the others.</p>\n"
        )
    # Safe: every text went through escape(); the rest are numbers and constants.
    return mark_safe(html)  # noqa: S308
