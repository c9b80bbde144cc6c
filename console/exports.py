"""CSV downloads: RFC 4180 text that spreadsheets open without running formulas."""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

# Spreadsheets run a cell starting with one of these as a formula; tab and
# carriage return are included because some programs strip them first.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def to_csv(header: list[str], rows: Iterable[Iterable]) -> str:
    """CSV text per RFC 4180 (CRLF, quoted when needed), formula cells escaped."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_response(text: str, project, what: str) -> HttpResponse:
    """A download named after the project, what it holds and when it was made."""
    # UTF-8 without a byte-order mark; the csv module writes RFC 4180 CRLF rows.
    response = HttpResponse(text.encode(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    filename = f"{slugify(project.name) or 'project'}-{what}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
