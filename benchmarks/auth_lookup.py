"""Time of the auth service lookup, GET /v1/access/{id}, beside a bare Django JSON view.

    python -m benchmarks.auth_lookup [--credentials 10000] [--runs 2000]

Builds a throwaway SQLite database in a temporary folder (the configured
database is never touched), stores S3 credentials as the console does (one
key and one record encrypted under its access key ID each, with a real
access grant), and times requests through django.test.Client: the whole
stack (middleware, the token check, the query, AES-GCM, JSON) but no network.
The bare view is a trivial JSON view served by the same stack in the same
run, so the ratio is what the lookup itself costs (target: within 1.25x).

It also counts the database writes of 1,000 lookups of one key: "Last used"
is written at most once a minute per key, so that should be 1.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

# WhiteNoise looks for collected static files, which only production has.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

TMP = tempfile.mkdtemp(prefix="accesskeys-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{Path(TMP) / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_not_required  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from benchmarks.s3_records import add_s3_credentials  # noqa: E402
from config.urls import urlpatterns as console_urls  # noqa: E402

TOKEN = "benchmark-token-0123456789"


@csrf_exempt
@login_not_required
def bare(request):
    # The same decorators as the auth service views, and a small JSON answer.
    return JsonResponse({"ok": True})


# This module is the URLconf during the run: the bare view, then the console's
# URLs (where /v1/ comes first), so both are found after one pattern or two.
urlpatterns = [path("bench/bare/", bare), *console_urls]


def populate(count: int) -> list[str]:
    """`count` S3 credentials, each with its own key and grant; returns the access key IDs."""
    from console.models import Project

    return add_s3_credentials(Project.objects.create(name="Bench"), count)


def time_rounds(client: Client, rows: list[tuple[str, list[str]]], runs: int) -> list:
    """Median and p99 milliseconds of each row's requests, taken in turn.

    The rows take turns request by request, so that load from elsewhere on
    the machine falls on all of them alike and the ratios hold.
    """
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for _, urls in rows:  # warm up, and mark every key used once
        for url in urls:
            assert client.get(url, headers=headers).status_code == 200, url
    samples: list[list[float]] = [[] for _ in rows]
    for i in range(runs):
        for row, (_, urls) in enumerate(rows):
            url = urls[i % len(urls)]
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            samples[row].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.content)
    results = []
    for row in samples:
        row.sort()
        results.append((statistics.median(row), row[min(len(row) - 1, int(len(row) * 0.99))]))
    return results


def writes_for(client: Client, url: str, lookups: int) -> tuple[int, int]:
    """Statements that write, and all statements, over `lookups` lookups of one URL."""
    statements: list[str] = []

    def record(execute, sql, *args):
        statements.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(record):
        for _ in range(lookups):
            response = client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
            assert response.status_code == 200
    writes = [sql for sql in statements if sql.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    return len(writes), len(statements)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--credentials", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args(argv)

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = __name__
    settings.AUTH_SERVICE_TOKENS = [TOKEN]
    clear_url_caches()

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    ids = populate(args.credentials)
    print(
        f"{args.credentials} S3 credentials in {(time.perf_counter() - start):.1f} s "
        f"({connection.vendor})"
    )

    client = Client()
    rng = random.Random(7)
    one_key = [f"/v1/access/{ids[0]}"]
    many_keys = [f"/v1/access/{key_id}" for key_id in rng.sample(ids[1:], 200)]
    rows = [
        ("bare Django JSON view", ["/bench/bare/"]),
        ("GET /v1/access/{id}, one key", one_key),
        ("GET /v1/access/{id}, 200 keys in turn", many_keys),
    ]
    print(f"\n{'request':<40}{'median ms':>10}{'p99 ms':>9}{'vs bare':>9}")
    results = time_rounds(client, rows, args.runs)
    bare_median = results[0][0]
    for (label, _), (median, p99) in zip(rows, results, strict=True):
        print(f"{label:<40}{median:>10.3f}{p99:>9.3f}{median / bare_median:>8.2f}x")

    fresh = f"/v1/access/{ids[-1]}"
    writes, statements = writes_for(client, fresh, 1000)
    print(f"\n1,000 lookups of one key: {writes} database write(s), {statements} statements")
    print(
        f"(each row: {args.runs} requests, taken in turn with the others after a warm-up; "
        f"Python {sys.version.split()[0]})"
    )


if __name__ == "__main__":
    main()
