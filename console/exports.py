"""CSV downloads: RFC 4180 text that spreadsheets open without running formulas."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from console.filenames import content_disposition

# Spreadsheets run a cell starting with one of these as a formula; tab and
# carriage return are included because some programs strip them first.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


# Rows fetched per round trip from the server-side cursor (PostgreSQL) that an
# export reads: memory stays flat however many rows there are.
EXPORT_CHUNK = 2000
CSV_PIECE = 64 * 1024


def csv_chunks(header: list[str], rows: Iterable[Iterable]) -> Iterator[bytes]:
    """CSV per RFC 4180 (CRLF, quoted when needed, formula cells escaped), as UTF-8
    pieces of about 64 KiB: a streamed response holds one piece at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        if out.tell() >= CSV_PIECE:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


def csv_response(header: list[str], rows: Iterable[Iterable], project, what: str):
    """A download named after the project, what it holds and when it was made,
    streamed: rows go out as they are read (pass an iterator over the query)."""
    # UTF-8 without a byte-order mark; the csv module writes RFC 4180 CRLF rows.
    response = StreamingHttpResponse(
        csv_chunks(header, rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    name = slugify(project.name, allow_unicode=True) or "project"
    response["Content-Disposition"] = content_disposition(f"{name}-{what}-{stamp}.csv")
    return response
