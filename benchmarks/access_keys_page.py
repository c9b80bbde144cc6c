"""Server time of the Access Keys page with 10,000 keys, beside a bare Django page.

    python -m benchmarks.access_keys_page [--keys 10000] [--runs 30]

Builds a throwaway SQLite database in a temporary folder (the configured
database is never touched), fills one project with keys through bulk_create,
and times requests through django.test.Client: the whole stack (middleware,
session, auth, the view, templates) but no network. The bare page is a
trivial view with a tiny template, served by the same stack in the same run,
so the difference is what the page itself costs.
"""

import argparse
import os
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
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.urls import urlpatterns as console_urls  # noqa: E402

BARE_TEMPLATE = engines["django"].from_string("<!doctype html><title>Bare</title><p>{{ n }}</p>")


def bare(request):
    return HttpResponse(BARE_TEMPLATE.render({"n": 1}, request))


# This module is the URLconf during the run: the console's URLs plus the bare page.
urlpatterns = [*console_urls, path("bench/bare/", bare)]


def populate(keys: int):
    from accesskeys.models import AccessKey
    from console.models import Membership, Project, User

    project = Project.objects.create(name="Bench")
    alice = User.objects.create_user("alice@example.com", "bench-password-1")
    bob = User.objects.create_user("bob@example.com", "bench-password-1")
    carol = User.objects.create_user("carol@example.com", "bench-password-1")  # a former member
    Membership.objects.create(user=alice, project=project, role=Membership.Role.ADMIN)
    Membership.objects.create(user=bob, project=project, role=Membership.Role.MEMBER)
    now = timezone.now()
    creators = [alice, bob, carol]
    types = [choice for choice, _ in AccessKey.Type.choices]
    AccessKey.objects.bulk_create(
        [
            AccessKey(
                project=project,
                name=f"key-{i:05d}",
                type=types[i % 3],
                created_by=creators[i % 3],
                created_at=now - timezone.timedelta(minutes=i),
                head=os.urandom(32),
                secret_encrypted=b"x",
                secret_key_id="bench",
                not_before=now,
                not_after=now + timezone.timedelta(days=30) if i % 7 == 0 else None,
            )
            for i in range(keys)
        ],
        batch_size=1000,
    )
    return project, alice


def time_get(client: Client, url: str, runs: int) -> tuple[float, int]:
    """Median milliseconds over `runs` requests (after two warm-ups), and the query count."""
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    queries = []

    def count(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        client.get(url)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return statistics.median(samples), len(queries)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()

    call_command("migrate", verbosity=0)
    if os.environ.get("BENCH_SQL"):
        import logging

        logging.getLogger("django.db.backends").setLevel(logging.DEBUG)
    start = time.perf_counter()
    project, alice = populate(args.keys)
    print(f"{args.keys} keys in {(time.perf_counter() - start):.1f} s ({connection.vendor})")

    client = Client()
    client.force_login(alice)
    base = f"/projects/{project.public_id}/access-keys/"
    views = [
        ("bare Django page", "/bench/bare/"),
        ("Access Keys, default view", base),
        ("Access Keys, search 'key-0012'", base + "?q=key-0012"),
        ("Access Keys, search by creator email", base + "?q=bob%40"),
        ("Access Keys, sorted by creator desc", base + "?sort=-creator"),
        ("Access Keys, sorted by date, 100 a page", base + "?sort=created&size=100"),
        ("Access Keys, page 50", base + "?page=50"),
        ("Access Keys, table fragment (htmx)", base + "?page=50"),
    ]
    print(f"\n{'view':<44}{'median ms':>10}{'queries':>9}")
    for label, url in views:
        if "htmx" in label:
            client.defaults.update(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="access-table")
        median, queries = time_get(client, url, args.runs)
        print(f"{label:<44}{median:>10.2f}{queries:>9}")
    print(f"\n(median of {args.runs} requests each; Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
