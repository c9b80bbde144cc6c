"""What each page costs beyond Django's floor: its median time as a ratio to a bare view.

    python -m benchmarks.page_cost [--database URL] [--size 10000] [--runs 40] [--reuse]
        [--profile VIEW]

One project of --size access keys and as many audit events (loaded as
benchmarks.access_keys_page loads them), then, in one process through
django.test.Client (the whole middleware stack, DEBUG off, no network), in
rounds: each round requests every view once, in a rotating order, each right
after a request of its floor (the bare view below), so that other work on the
machine slows every view alike. A view's figure is the median of its rounds;
its ratio, the median of its rounds' ratios to the floor request just before.
Beside it, the same ratio in CPU time of this process ("cpu vs"): on a machine
shared with other work a long request is pre-empted more often than a short one,
which inflates wall-clock ratios; CPU time is not, but it leaves out time spent
waiting for a database server (PostgreSQL's own work), which wall-clock counts.

The bare view is `HttpResponse("ok")`, mounted by this benchmark among the
console's pages and requested by the same signed-in Admin: it pays what any
page pays (middleware, session, user), nothing more. The auth service lookup
(`GET /v1/access/{id}`, a gateway's request: no session) is compared with a
bare JSON view of its own kind (csrf_exempt, login_not_required, as in
benchmarks.auth_lookup), mounted among the pages, and, on a second line, with
the same JSON view mounted under /v1/, which goes through what the API's paths
go through.

Then the queries each view makes, and the Python function calls of one request
(cProfile's count: the work done, which does not depend on the machine's load as
time does); the last lines are `auth lookup/bare JSON:
<ratio>x` and `worst page/bare: <ratio>x (<view>)`, over the pages.

--database names a database the benchmark may empty (as access_keys_page:
it refuses one with users of its own); without it, a throwaway SQLite file.
--reuse keeps a project of this size that an earlier run of this benchmark or
of access_keys_page loaded (a million keys take minutes to load).
--profile VIEW prints a cProfile of 200 requests of that view (a label below,
or "bare") instead of timing.
"""

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from benchmarks import access_keys_page as loader

# Targets from issue 25: pages as a ratio to the bare view, the lookup to a bare JSON view.
TARGETS = {"keys": 3.0, "key details": 3.0, "new access": 3.0, "audit": 4.0}
LOOKUP_TARGET = 1.25


def bare(request):
    return HttpResponse("ok")


@csrf_exempt
@login_not_required
def bare_json(request):
    return JsonResponse({"ok": True})


def bench_urls() -> list:
    """The URLconf during the run (this module's): the bare views, then the console's."""
    return [
        path("bench/bare/", bare),
        path("bench/bare.json", bare_json),
        path("v1/bench/bare.json", bare_json),
        path("", include("config.urls")),
    ]


urlpatterns: list = []  # filled in by main(), once Django is set up


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="database URL (emptied!); default: throwaway SQLite")
    parser.add_argument("--size", type=lambda s: int(s.replace("_", "")), default=10_000)
    parser.add_argument("--runs", type=int, default=40, help="rounds (timed requests per view)")
    parser.add_argument("--reuse", action="store_true", help="keep a project of this size")
    parser.add_argument("--profile", metavar="VIEW", help="profile one view instead of timing")
    return parser.parse_args(argv)


def load(size: int, reuse: bool):
    """The project of `size` keys and its Admin, loaded now or by an earlier run."""
    from django.db import connection

    from accesskeys.models import AccessKey
    from console.models import Project, User

    from .s3_records import add_s3_credentials

    loader.check_database_is_ours()
    project = Project.objects.filter(name=loader.bench_project_name(size)).first()
    users = [
        User.objects.filter(email=f"{n}{loader.BENCH_DOMAIN}").first() for n in loader.USER_NAMES
    ]
    if reuse and project and None not in users:
        print(f"{project.name} reused")
    else:
        loader.empty_database()
        users = loader.make_users()
        start = time.perf_counter()
        project = loader.populate(size, users)
        print(f"{size:,} keys and events loaded in {time.perf_counter() - start:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    # A few S3 credentials for the gateways' lookup. Their access key IDs are not
    # stored (only hashes), so each run replaces the previous run's.
    AccessKey.objects.filter(project=project, name__startswith="s3-").delete()
    ids = add_s3_credentials(project, 20)
    return project, users[0], ids


def views(project, admin, lookup_ids: list[str]) -> list[tuple[str, str, dict, str]]:
    """(label, URL, extra headers, client) of every view timed; client: 'admin' or 'gateway'."""
    from accesskeys.models import AccessKey

    keys = f"/projects/{project.public_id}/access-keys/"
    audit = f"/projects/{project.public_id}/audit/"
    key_id = (
        AccessKey.objects.filter(project=project, name__startswith="key-")
        .order_by("name")
        .values_list("id", flat=True)[10]
    )
    htmx_table = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "access-table"}
    htmx_dialog = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "dialog-host"}
    token = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    return [
        ("bare", "/bench/bare/", {}, "admin"),
        ("keys: default view", keys, {}, "admin"),
        ("keys: table fragment (htmx)", keys + "?page=2", htmx_table, "admin"),
        ("key details", f"{keys}{key_id}/", {}, "admin"),
        ("new access: first step (htmx)", keys + "new/", htmx_dialog, "admin"),
        ("new access: first step (page)", keys + "new/", {}, "admin"),
        ("audit: default", audit, {}, "admin"),
        ("audit: filter type", audit + "?type=api_key", {}, "admin"),
        ("team", f"/projects/{project.public_id}/team/", {}, "admin"),
        ("bare JSON", "/bench/bare.json", token, "gateway"),
        ("bare JSON under /v1/", "/v1/bench/bare.json", token, "gateway"),
        *(
            (f"GET /v1/access/{{id}} #{i}", f"/v1/access/{lookup_id}", token, "gateway")
            for i, lookup_id in enumerate(lookup_ids[:1])
        ),
    ]


TOKEN = "benchmark-token-0123456789"
GATEWAY_REPEAT = 10
NAMES = loader.USER_NAMES
PAGES = ("keys", "key details", "new access", "audit", "team")


def count_queries(client, url, headers) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200, url
    return len(queries)


def count_calls(client, url, headers) -> int:
    """Python function calls of one request (cProfile's count): a measure of the work
    a view does that, unlike time, does not depend on what else the machine runs."""
    profiler = cProfile.Profile()
    profiler.enable()
    response = client.get(url, **headers)
    profiler.disable()
    assert response.status_code == 200, url
    return pstats.Stats(profiler).total_calls


def use_production_static_files() -> None:
    """Static URLs as production writes them: from the manifest of collected files.

    The settings chose the development storage (DEBUG was on when they loaded);
    production's looks each name up in a manifest, which costs a page differently.
    The files are collected uncompressed (compressing them, for serving, takes half a
    minute and changes no URL), into a directory of this run's.
    """
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command
    from django.test.utils import override_settings

    extensions = {
        Path(path).suffix.lstrip(".")
        for finder in get_finders()
        for path, _storage in finder.list(ignore_patterns=[])
    }
    override_settings(
        STATIC_ROOT=tempfile.mkdtemp(prefix="accesskeys-bench-static-"),
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "console.static_storage.StaticFilesStorage"},
        },
        WHITENOISE_SKIP_COMPRESS_EXTENSIONS=sorted(extensions),
    ).enable()
    call_command("collectstatic", "--noinput", verbosity=0)


def main(argv=None) -> None:
    args = parse_args(argv)
    loader.setup_django(args.database)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import clear_url_caches

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    use_production_static_files()
    global urlpatterns
    urlpatterns = bench_urls()
    settings.ROOT_URLCONF = __name__
    settings.AUTH_SERVICE_TOKENS = [TOKEN]
    clear_url_caches()
    call_command("migrate", verbosity=0)

    project, admin, lookup_ids = load(args.size, args.reuse)
    clients = {"admin": Client(), "gateway": Client()}
    clients["admin"].force_login(admin)
    rows = views(project, admin, lookup_ids)
    for label, url, headers, who in rows:  # warm up: caches, connections, compiled templates
        for _ in range(3):
            response = clients[who].get(url, **headers)
            assert response.status_code == 200, (label, response.status_code)

    if args.profile:
        (label, url, headers, who) = next(row for row in rows if row[0].startswith(args.profile))
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(200):
            clients[who].get(url, **headers)
        profiler.disable()
        print(f"cProfile of 200 requests of {label}")
        stats = pstats.Stats(profiler).strip_dirs()
        # The time of the console's own functions (their callees included), then the
        # functions that take the most time themselves.
        stats.sort_stats("cumulative").print_stats(r"accesskeys|console|api|template|forms", 40)
        stats.sort_stats("tottime").print_stats(25)
        return

    # Each request of a view comes right after one of its floor (the bare view for
    # pages, the bare JSON view for the gateway's requests): a view's ratio is the
    # median of those pairs' ratios, so that load elsewhere on the machine, which
    # comes and goes, falls on both halves of a pair alike. The gateway's requests
    # take a fraction of a millisecond: GATEWAY_REPEAT pairs a round.
    floors = {"admin": "bare", "gateway": "bare JSON"}
    by_label = {label: (url, headers, who) for label, url, headers, who in rows}

    def timed(label) -> tuple[float, float]:
        """Wall-clock and CPU milliseconds of one request of `label`."""
        url, headers, who = by_label[label]
        start, start_cpu = time.perf_counter(), time.process_time()
        response = clients[who].get(url, **headers)
        cpu = (time.process_time() - start_cpu) * 1000
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, label
        return elapsed, cpu

    timed_rows = [row for row in rows if row[0] not in floors.values()]
    samples = {label: [] for label, *_ in rows}
    pair_ratios = {label: [] for label, *_ in rows}
    cpu_ratios = {label: [] for label, *_ in rows}
    order = list(range(len(timed_rows)))
    for _ in range(args.runs):
        for i in order:
            label, _, _, who = timed_rows[i]
            for _ in range(GATEWAY_REPEAT if who == "gateway" else 1):
                # Each pair runs warm and without the garbage collector: the garbage
                # of the pair before is collected first, untimed (else a collection
                # that a heavy page set off lands on whichever request comes next), then
                # both requests are made once untimed, since a collection cools the
                # caches. Collection is left out of every figure alike.
                gc.enable()
                gc.collect()
                gc.disable()
                timed(floors[who])
                timed(label)
                floor_ms, floor_cpu = timed(floors[who])
                view_ms, view_cpu = timed(label)
                samples[floors[who]].append(floor_ms)
                samples[label].append(view_ms)
                pair_ratios[label].append(view_ms / floor_ms)
                if floor_cpu > 0:
                    cpu_ratios[label].append(view_cpu / floor_cpu)
        order = order[1:] + order[:1]
    gc.enable()
    medians = {label: statistics.median(values) for label, values in samples.items()}
    ratios = {
        label: statistics.median(values) if values else 1.0 for label, values in pair_ratios.items()
    }
    cpu = {
        label: statistics.median(values) if values else 1.0 for label, values in cpu_ratios.items()
    }
    queries = {
        label: count_queries(clients[who], url, headers) for label, url, headers, who in rows
    }
    calls = {label: count_calls(clients[who], url, headers) for label, url, headers, who in rows}

    print(
        f"\nMedian server time over {args.runs} rounds, {args.size:,} keys, {connection.vendor}, "
        f"Python {sys.version.split()[0]}"
    )
    print(
        f"{'view':<36}{'median ms':>10}{'vs bare':>9}{'target':>8}{'cpu vs':>8}"
        f"{'queries':>9}{'calls':>9}"
    )
    for label, _, _, who in rows:
        if who == "gateway":
            continue
        target = next((t for prefix, t in TARGETS.items() if label.startswith(prefix)), None)
        target_text = f"{target:.2f}x" if target else ""
        print(
            f"{label:<36}{medians[label]:>10.2f}{ratios[label]:>8.2f}x{target_text:>8}"
            f"{cpu[label]:>7.2f}x{queries[label]:>9}{calls[label]:>9,}"
        )
    print()
    lookup_label = next(label for label, *_ in rows if label.startswith("GET /v1/"))
    for label in ("bare JSON", "bare JSON under /v1/", lookup_label):
        target_text = f"{LOOKUP_TARGET:.2f}x" if label == lookup_label else ""
        print(
            f"{label:<36}{medians[label]:>10.3f}{ratios[label]:>8.2f}x{target_text:>8}"
            f"{cpu[label]:>7.2f}x{queries[label]:>9}{calls[label]:>9,}"
        )
    same_stack = ratios[lookup_label] / ratios["bare JSON under /v1/"]
    print(f"\nauth lookup/bare JSON under /v1/ (the same middleware): {same_stack:.2f}x")
    print(f"auth lookup/bare JSON: {ratios[lookup_label]:.2f}x")
    cpu_pages = {label: r for label, r in cpu.items() if label.startswith(PAGES)}
    cpu_worst = max(cpu_pages, key=cpu_pages.get)
    print(f"worst page/bare by CPU time: {cpu_pages[cpu_worst]:.2f}x ({cpu_worst})")
    pages = {label: r for label, r in ratios.items() if label.startswith(PAGES)}
    worst = max(pages, key=pages.get)
    print(f"worst page/bare: {pages[worst]:.2f}x ({worst})")


if __name__ == "__main__":
    main()
