"""Server time of every keys view as the project grows, and the CSV exports' cost.

    python -m benchmarks.access_keys_page --database postgresql://ci:ci@127.0.0.1:5432/bench \\
        --sizes 1000,100000,1000000 [--runs 15] [--explain]

For each size N, one project gets N access keys and N audit events (its
members' sign-ins among them), loaded in a few SQL statements
(generate_series on PostgreSQL, bulk inserts on SQLite); the projects of
all sizes live side by side in one database, as in a real installation.
Then every view is timed through django.test.Client: the whole stack
(middleware, session, auth, the view, templates) but no network,
in rounds: each round times every view once at every size (in a rotating
order), so that a machine busy with other work slows every size alike. The
median of a view's rounds at each size is its figure. Each line gives those
medians and the growth from the smallest size to the largest; the last line
is `worst growth: <ratio>x (<view>)`.

Then the two CSV exports are streamed whole at each size, each in a forked
process: time, and that process's peak resident memory.

--database names a database the benchmark may empty: it refuses one that
holds users other than its own. Without it, a throwaway SQLite file is used.
--explain prints EXPLAIN ANALYZE of each view's slowest query at the largest size.
--reuse keeps the keys and events an earlier run loaded, when they are of the same sizes
(loading a million of each takes minutes).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from accesskeys import permissions

# The object-lock permission the Audit filter is timed with (6% of keys have it).
OBJECT_LOCK_SAMPLE = permissions.in_group(permissions.OBJECT_LOCK)[0]

# WhiteNoise looks for collected static files, which only production has.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

BENCH_DOMAIN = "@bench.example"
SPAN_DAYS = 730  # keys and events spread over two years at every size


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="database URL (emptied!); default: throwaway SQLite")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated key counts")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per view")
    parser.add_argument("--explain", action="store_true", help="plans at the largest size")
    parser.add_argument("--no-export", action="store_true", help="skip the CSV exports")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the projects a previous run loaded when they are of these sizes",
    )
    args = parser.parse_args(argv)
    args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    return args


def setup_django(database: str | None) -> None:
    if not database:
        database = f"sqlite:///{Path(tempfile.mkdtemp(prefix='accesskeys-bench-')) / 'b.sqlite3'}"
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- Loading ---------------------------------------------------------------------------


def check_database_is_ours() -> None:
    from console.models import User

    strangers = User.objects.exclude(email__endswith=BENCH_DOMAIN)
    if strangers.exists():
        sys.exit(
            f"This database has users of its own ({strangers.first().email}, ...): "
            "the benchmark empties its database, so give it one of its own."
        )


def empty_database() -> None:
    from django.db import connection

    from accesskeys.models import AccessKey
    from console.models import AuditEvent, Project, User

    tables = [
        AccessKey.buckets.through._meta.db_table,
        "accesskeys_s3credential",
        AccessKey._meta.db_table,
        AuditEvent._meta.db_table,
        "console_bucket",
        "console_membership",
        "console_invitation",
        Project._meta.db_table,
        "django_session",
        User._meta.db_table,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table names)


USER_NAMES = ("alice", "bob", "carol")


def make_users():
    """alice (Admin), bob (Member) and carol, who has left but whose keys remain."""
    from console.models import User

    return [
        User.objects.create_user(f"{name}{BENCH_DOMAIN}", "bench-password-1") for name in USER_NAMES
    ]


def bench_project_name(size: int) -> str:
    return f"Bench {size:,}"


def loaded_projects(sizes: list[int]):
    """The projects of an earlier run, one per size, with their users; or None when
    the database does not hold exactly those (then it is emptied and loaded)."""
    from console.models import Project, User

    names = [bench_project_name(size) for size in sizes]
    projects = {p.name: p for p in Project.objects.filter(name__in=names)}
    users = [User.objects.filter(email=f"{n}{BENCH_DOMAIN}").first() for n in USER_NAMES]
    complete = len(projects) == len(names) and Project.objects.count() == len(names)
    if not complete or None in users:
        return None
    return users, [projects[name] for name in names]


def populate(size: int, users):
    """One project of `size` keys and `size` events."""
    from django.db import connection
    from django.utils import timezone

    from console.models import Bucket, Membership, Project

    project = Project.objects.create(name=bench_project_name(size))
    alice, bob, _ = users
    Membership.objects.create(user=alice, project=project, role=Membership.Role.ADMIN)
    Membership.objects.create(user=bob, project=project, role=Membership.Role.MEMBER)
    for name in ("photos", "backups", "logs"):
        Bucket.objects.create(project=project, name=name)
    photos = Bucket.objects.get(project=project, name="photos")
    now = timezone.now()
    params = {
        "project": project.id,
        "n": size,
        "now": now,
        "span": SPAN_DAYS * 86400.0,
        "u0": users[0].id,
        "u1": users[1].id,
        "u2": users[2].id,
        "e0": users[0].email,
        "e1": users[1].email,
        "e2": users[2].email,
        "photos": photos.id,
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            load_postgresql(cursor, params)
        else:
            load_sqlite(cursor, params)
    return project


# Key i: name key-0000123, type and creator by i % 3, created over two years
# (newest first), a quarter expiring (9% already expired, 7% within a week),
# 6% deleted, 10% full access, 6% with object-lock permissions, 1% can bypass
# governance, 5% limited to the bucket "photos". The same shares at every size,
# and every filter of the Audit page fills its page of 50 from 1,000 keys on, so
# that sizes differ in rows stored, not in rows shown.
KEYS_SQL_POSTGRESQL = """
INSERT INTO accesskeys_accesskey (
    project_id, name, description, type, created_by_id, creator_email, created_at, user_agent,
    head, secret_encrypted, secret_key_id, full_access, can_read, can_write, can_list,
    can_delete, can_put_object_retention, can_get_object_retention,
    can_bypass_governance_retention, can_put_object_legal_hold, can_get_object_legal_hold,
    can_put_object_lock_configuration, can_get_object_lock_configuration,
    can_put_bucket_notification_configuration, can_get_bucket_notification_configuration,
    all_buckets, not_before, not_after, revoked_at, last_used_at)
SELECT %(project)s, 'key-' || lpad(i::text, 7, '0'), '',
    (ARRAY['s3', 'access_grant', 'api_key'])[i %% 3 + 1],
    (ARRAY[%(u0)s, %(u1)s, %(u2)s])[i %% 3 + 1],
    (ARRAY[%(e0)s, %(e1)s, %(e2)s])[i %% 3 + 1],
    %(now)s - make_interval(secs => %(span)s * i / %(n)s), 'bench',
    decode(md5(%(project)s || ':' || i) || md5('h' || i::text), 'hex'), '\\x00'::bytea, 'bench',
    i %% 10 = 0, true, true, true, i %% 4 <> 1, i %% 16 = 1, i %% 16 = 1, i %% 100 = 3,
    false, false, false, false, i %% 10 = 0, i %% 10 = 0, i %% 20 <> 5,
    %(now)s - make_interval(secs => %(span)s * i / %(n)s),
    CASE WHEN i %% 4 = 0 THEN %(now)s + make_interval(days => (i / 4) %% 24 - 8) END,
    CASE WHEN i %% 16 = 8 THEN %(now)s END,
    CASE WHEN i %% 5 = 0 THEN %(now)s - make_interval(days => i %% 200) END
FROM generate_series(0, %(n)s - 1) AS i
"""

LIMITED_SQL_POSTGRESQL = """
INSERT INTO accesskeys_accesskey_buckets (accesskey_id, bucket_id)
SELECT id, %(photos)s FROM accesskeys_accesskey WHERE project_id = %(project)s AND NOT all_buckets
"""

# Event i: 10% are sign-ins of alice or bob (no project); the rest are the
# project's, by alice, bob or carol: mostly creations and deletions, 2.5% bucket
# creations (a rarer action to filter by, still a page of 25 at 1,000 events).
EVENTS_SQL_POSTGRESQL = """
INSERT INTO console_auditevent (
    project_id, actor_id, actor_email, action, ip_address, user_agent, details, created_at)
SELECT
    CASE WHEN i %% 10 = 0 THEN NULL ELSE %(project)s END,
    (ARRAY[%(u0)s, %(u1)s, %(u2)s])[i %% 3 + 1],
    (ARRAY[%(e0)s, %(e1)s, %(e2)s])[i %% 3 + 1],
    CASE WHEN i %% 10 = 0 THEN 'sign_in'
         WHEN i %% 40 = 7 THEN 'bucket_created'
         WHEN i %% 3 = 1 THEN 'access_deleted'
         ELSE 'access_created' END,
    '192.0.2.1', 'bench',
    jsonb_build_object('name', 'key-' || lpad(i::text, 7, '0')),
    %(now)s - make_interval(secs => %(span)s * i / %(n)s)
FROM generate_series(0, %(n)s - 1) AS i
WHERE NOT (i %% 10 = 0 AND i %% 3 = 2)  -- carol, a former member, no longer signs in
"""


def load_postgresql(cursor, params) -> None:
    cursor.execute(KEYS_SQL_POSTGRESQL, params)
    cursor.execute(LIMITED_SQL_POSTGRESQL, params)
    cursor.execute(EVENTS_SQL_POSTGRESQL, params)


def load_sqlite(cursor, params) -> None:
    """The same rows through executemany (SQLite is for small sizes)."""
    from datetime import timedelta

    n, now, span = params["n"], params["now"], params["span"]
    users = [params["u0"], params["u1"], params["u2"]]
    emails = [params["e0"], params["e1"], params["e2"]]
    types = ["s3", "access_grant", "api_key"]

    def moment(i):
        return (now - timedelta(seconds=span * i / n)).isoformat()

    keys = [
        (
            params["project"], f"key-{i:07d}", "", types[i % 3], users[i % 3], emails[i % 3],
            moment(i), "bench", os.urandom(32), b"\0", "bench", i % 10 == 0, True, True, True,
            i % 4 != 1, i % 16 == 1, i % 16 == 1, i % 100 == 3, False, False, False, False,
            i % 10 == 0, i % 10 == 0, i % 20 != 5, moment(i),
            (now + timedelta(days=(i // 4) % 24 - 8)).isoformat() if i % 4 == 0 else None,
            now.isoformat() if i % 16 == 8 else None,
            (now - timedelta(days=i % 200)).isoformat() if i % 5 == 0 else None,
        )
        for i in range(n)
    ]  # fmt: skip
    cursor.executemany(
        "INSERT INTO accesskeys_accesskey (project_id, name, description, type, created_by_id, "
        "creator_email, created_at, user_agent, head, secret_encrypted, secret_key_id, "
        "full_access, can_read, can_write, can_list, can_delete, can_put_object_retention, "
        "can_get_object_retention, can_bypass_governance_retention, can_put_object_legal_hold, "
        "can_get_object_legal_hold, can_put_object_lock_configuration, "
        "can_get_object_lock_configuration, can_put_bucket_notification_configuration, "
        "can_get_bucket_notification_configuration, all_buckets, not_before, not_after, "
        "revoked_at, last_used_at) VALUES (" + ", ".join(["%s"] * 30) + ")",
        keys,
    )
    cursor.execute(LIMITED_SQL_POSTGRESQL.replace("%%", "%"), params)

    def action(i):
        if i % 10 == 0:
            return "sign_in"
        if i % 40 == 7:
            return "bucket_created"
        return "access_deleted" if i % 3 == 1 else "access_created"

    events = [
        (
            None if i % 10 == 0 else params["project"], users[i % 3], emails[i % 3], action(i),
            "192.0.2.1", "bench", f'{{"name": "key-{i:07d}"}}', moment(i),
        )
        for i in range(n)
        if not (i % 10 == 0 and i % 3 == 2)
    ]  # fmt: skip
    cursor.executemany(
        "INSERT INTO console_auditevent (project_id, actor_id, actor_email, action, "
        "ip_address, user_agent, details, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        events,
    )
    cursor.execute("ANALYZE")


# --- Timing ----------------------------------------------------------------------------


def views(project, key_id: int) -> list[tuple[str, str, dict]]:
    """(label, URL, extra headers) of every view the issue names."""
    from accesskeys.key_audit_forms import KeyFilterForm
    from accesskeys.views import SORTS
    from console.models import Bucket, User

    # Views that other work adds (the "Last used" column and its Audit filter).
    stale = [name for name in KeyFilterForm.base_fields if "used" in name]
    STALE_FIELD = stale[0] if stale else None  # noqa: N806

    keys = f"/projects/{project.public_id}/access-keys/"
    audit = f"/projects/{project.public_id}/audit/"
    bob = User.objects.get(email=f"bob{BENCH_DOMAIN}")
    photos = Bucket.objects.get(project=project, name="photos")
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "access-table"}
    return [
        ("keys: default view", keys, {}),
        ("keys: search name '0000123'", keys + "?q=0000123", {}),
        ("keys: search creator 'bob@'", keys + "?q=bob%40", {}),
        ("keys: sort name desc", keys + "?sort=-name", {}),
        ("keys: sort created", keys + "?sort=created", {}),
        ("keys: sort created desc", keys + "?sort=-created", {}),
        ("keys: sort creator", keys + "?sort=creator", {}),
        ("keys: sort creator desc", keys + "?sort=-creator", {}),
        *(
            [("keys: sort last used", keys + "?sort=-last_used", {})]
            if "-last_used" in SORTS
            else []
        ),
        ("keys: 100 a page", keys + "?size=100", {}),
        ("keys: page 50", keys + "?page=50", {}),
        ("keys: far page (as deep as the count bound)", keys + "?page=1000", {}),
        ("keys: table fragment (htmx)", keys + "?page=50", htmx),
        ("key details", f"{keys}{key_id}/", {}),
        ("audit: default", audit, {}),
        ("audit: creator", audit + f"?creator={bob.id}", {}),
        ("audit: type", audit + "?type=api_key", {}),
        ("audit: status active", audit + "?status=active", {}),
        ("audit: status expired", audit + "?status=expired", {}),
        ("audit: status revoked", audit + "?status=revoked", {}),
        *(
            (f"audit: permission {p.name}", audit + f"?permission={p.field}", {})
            for p in (permissions.BY_NAME["delete"], OBJECT_LOCK_SAMPLE)
        ),
        ("audit: bucket", audit + f"?bucket={photos.id}", {}),
        ("audit: expiring within 7 days", audit + "?expiring=on", {}),
        ("audit: risky", audit + "?risky=on", {}),
        *(
            [("audit: not used in 90 days", audit + f"?{STALE_FIELD}=on", {})]
            if STALE_FIELD
            else []
        ),
        ("audit: keys far page", audit + "?kpage=200", {}),
        ("event log: action (rare)", audit + "?action=bucket_created", {}),
        ("event log: who", audit + f"?actor=bob{BENCH_DOMAIN}", {}),
        ("event log: far page", audit + "?page=400", {}),
    ]  # fmt: skip


def warm_up(client, url: str, headers: dict) -> list[tuple[float, str, object]]:
    """Two requests to warm caches, then the queries of a third with their times."""
    from django.db import connection

    for _ in range(2):
        assert client.get(url, **headers).status_code == 200, url
    queries = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - start) * 1000, sql, params))

    with connection.execute_wrapper(timed):
        client.get(url, **headers)
    return queries


def time_one(client, url: str, headers: dict) -> float:
    start = time.perf_counter()
    response = client.get(url, **headers)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, url
    return elapsed


def explain(queries) -> str:
    """EXPLAIN ANALYZE of the view's query that the database takes longest over (wall
    times on a busy machine say more about the machine than about the plan)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return "  (plans are shown on PostgreSQL)"
    plans = []
    with connection.cursor() as cursor:
        for _, sql, params in queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            result = cursor.fetchone()[0]
            result = json.loads(result) if isinstance(result, str) else result
            plans.append((result[0]["Execution Time"], sql, params))
        execution, sql, params = max(plans, key=lambda plan: plan[0])
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join("    " + row[0] for row in cursor.fetchall())
    return f"  {execution:.2f} ms in the database: {sql[:240]}...\n{plan}"


def time_export(client, url: str) -> tuple[float, float, int]:
    """(seconds, peak resident MiB, bytes) of one whole export, run in a forked child
    so that its peak memory is its own (Django and the app loaded, plus the export)."""
    from django.db import connections

    connections.close_all()  # the child opens its own; the parent reconnects after
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: stream the export, report, leave without cleanup
        os.close(read_end)
        start = time.perf_counter()
        response = client.get(url)
        size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else -1
        os.write(write_end, f"{time.perf_counter() - start} {size}".encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        report = pipe.read()
    _, status, usage = os.wait4(pid, 0)
    if status != 0 or not report:
        sys.exit(f"the export of {url} failed")
    seconds, size = report.split()
    if int(size) < 0:
        sys.exit(f"{url} did not stream")
    return float(seconds), usage.ru_maxrss / 1024, int(size)


def main(argv=None) -> None:
    args = parse_args(argv)
    setup_django(args.database)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accesskeys.models import AccessKey

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    check_database_is_ours()

    reused = loaded_projects(args.sizes) if args.reuse else None
    if reused:
        users, projects = reused
        print("keys and events of an earlier run reused: " + ", ".join(p.name for p in projects))
    else:
        empty_database()
        users = make_users()
        projects = []
        for size in args.sizes:
            start = time.perf_counter()
            projects.append(populate(size, users))
            loaded = time.perf_counter() - start
            print(f"{size:,} keys and events loaded in {loaded:.1f} s", flush=True)
        if connection.vendor == "postgresql":
            # Fresh statistics and a visibility map, as autovacuum would leave them.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    view_lists = []
    for size, project in zip(args.sizes, projects, strict=True):
        keys = AccessKey.objects.filter(project=project).order_by("id")
        view_lists.append((project, views(project, keys.values_list("id", flat=True)[size // 2])))

    client = Client()
    client.force_login(users[0])
    labels = [label for label, _, _ in view_lists[0][1]]
    plans: dict[str, str] = {}
    query_counts: dict[str, int] = {}
    for i, label in enumerate(labels):
        for number, (_, size_views) in enumerate(view_lists):
            _, url, headers = size_views[i]
            queries = warm_up(client, url, headers)
            query_counts[label] = len(queries)
            if args.explain and number == len(args.sizes) - 1:
                plans[label] = explain(queries)
    # Round robin: each round times every view at every size, the sizes in a rotating
    # order, so that whatever else the machine does meanwhile slows every size alike
    # (a view's samples spread over the whole run instead of one busy minute).
    samples = {label: [[] for _ in args.sizes] for label in labels}
    order = list(range(len(args.sizes)))
    for round_number in range(args.runs):
        for i, label in enumerate(labels):
            for number in order:
                _, url, headers = view_lists[number][1][i]
                samples[label][number].append(time_one(client, url, headers))
        order = order[1:] + order[:1]
        print(f"  round {round_number + 1} of {args.runs} done", flush=True)
    medians = {
        label: [statistics.median(values) for values in per_size]
        for label, per_size in samples.items()
    }

    exports: list[tuple[int, str, tuple[float, float, int]]] = []
    if not args.no_export:
        for size, (project, _) in zip(args.sizes, view_lists, strict=True):
            base = f"/projects/{project.public_id}/audit/"
            for what, url in (("keys", base + "keys.csv"), ("events", base + "events.csv")):
                exports.append((size, what, time_export(client, url)))

    sizes = args.sizes
    print(f"\nMedian server time (ms) over {args.runs} requests; Python {sys.version.split()[0]}, "
          f"{connection.vendor}")  # fmt: skip
    columns = "".join(f"{size:>11,}" for size in sizes)
    print(f"{'view':<46}{columns}{'growth':>9}{'queries':>9}")
    growths = {}
    for label, values in medians.items():
        growths[label] = values[-1] / values[0]
        cells = "".join(f"{value:>11.1f}" for value in values)
        print(f"{label:<46}{cells}{growths[label]:>8.2f}x{query_counts[label]:>9}")

    if exports:
        print("\nCSV exports, streamed whole (each in a fresh process: its peak resident memory)")
        print(f"{'export':<8}{'rows':>11}{'seconds':>9}{'MB':>8}{'peak RSS MiB':>14}")
        for size, what, (seconds, rss, nbytes) in exports:
            print(f"{what:<8}{size:>11,}{seconds:>9.2f}{nbytes / 1e6:>8.1f}{rss:>14.0f}")
        for what in ("keys", "events"):
            peaks = [rss for _, name, (_, rss, _) in exports if name == what]
            print(f"{what} export: peak memory grew {peaks[-1] - peaks[0]:+.0f} MiB "
                  f"from {args.sizes[0]:,} to {args.sizes[-1]:,} rows")  # fmt: skip

    for label, plan in plans.items():
        print(f"\n== {label}: its slowest query at {sizes[-1]:,}\n{plan}")

    worst = max(growths, key=growths.get)
    print(f"\nworst growth: {growths[worst]:.2f}x ({worst})")


if __name__ == "__main__":
    main()
