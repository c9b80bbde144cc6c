"""A bounded load of people and gateways on two production app servers sharing one PostgreSQL.

    python -m benchmarks.load --database postgresql://ci:ci@127.0.0.1:5432/bench_load \\
        [--clients 20] [--seconds 30] [--servers 2] [--workers 2] [--keys 1000] \\
        [--credentials 1000] [--lookups-per-second 50]

Recreates the database (it must be one the benchmark may drop), starts the
app servers as the Dockerfile does (benchmarks/appservers.py), gives the
demo project `--keys` keys, then runs `--clients` concurrent clients for
`--seconds`, spread over the servers. Each client signs in once and then, in
a loop, lists the Access Keys page, searches it, creates an API key (the New
Access dialog's final POST) and deletes a key it created. Any answer other
than the one a browser expects counts as an error.

Beside them, gateways resolve `--credentials` S3 credentials through the auth
service API (`GET /v1/access/{id}`, as gateway-mt does on a cache miss) at a
steady `--lookups-per-second`, spread over the servers; a lookup must answer
200 with the credentials' own secret key. The credentials are stored as the
console stores them (each record encrypted under its access key ID, holding a
real access grant made by the New Access dialog), written straight to the
database so that setting up a thousand takes a second.

Prints p50/p95 per operation, the lookups' rate, and last the line
`errors: <N>, p95: <ms> ms` (errors of people and gateways; p95 of the people's
operations).
"""

import argparse
import random
import statistics
import threading
import time
from collections import defaultdict

import psycopg

from benchmarks.appservers import (
    AppServers,
    Browser,
    create_api_key,
    create_full_access,
    drop_database,
    key_ids,
    project_path,
    recreate_database,
    shown_values,
)
from storjformat import s3credentials

GATEWAY_TOKEN = "load-gateway-token-0123456789"
GATEWAYS = 4  # threads sharing the lookup rate

EMAIL = "load@example.com"
PASSWORD = "load-test-password-1"

FILL_SQL = """
INSERT INTO accesskeys_accesskey (
    project_id, name, description, type, created_by_id, creator_email, created_at, user_agent,
    head, secret_encrypted, secret_key_id, full_access, can_read, can_write, can_list,
    can_delete, can_put_object_retention, can_get_object_retention,
    can_bypass_governance_retention, can_put_object_legal_hold, can_get_object_legal_hold,
    can_put_object_lock_configuration, can_get_object_lock_configuration,
    can_put_bucket_notification_configuration, can_get_bucket_notification_configuration,
    all_buckets, not_before)
SELECT p.id, 'seed-' || lpad(i::text, 7, '0'), '', 'api_key', u.id, u.email, now(), 'load',
    decode(md5('load' || i) || md5('head' || i), 'hex'), '\\x00'::bytea, 'load',
    true, true, true, true, true, false, false, false, false, false, false, false, true, true,
    true, now()
FROM generate_series(1, %s) AS i, console_project p, console_user u
WHERE p.name = 'Demo' AND u.email = %s
"""


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Client(threading.Thread):
    def __init__(self, number: int, base: str, seconds: float, start, results, lock):
        super().__init__(daemon=True)
        self.number, self.base, self.seconds, self.start_together = number, base, seconds, start
        self.results, self.lock = results, lock
        self.created: list[str] = []
        self.sequence = 0

    def record(self, operation: str, started: float, ok: bool, detail: str = "") -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.results[operation].append((elapsed, ok, detail))

    def run(self) -> None:
        browser = Browser()
        started = time.perf_counter()
        try:
            response = browser.sign_in(self.base, EMAIL, PASSWORD)
            ok = response.status == 200 and "/signin/" not in response.url
            keys_path = project_path(response.text) if ok else ""
        except Exception as error:  # counted, not raised: the load goes on
            self.record("sign in", started, False, repr(error))
            self.start_together.wait()
            return
        self.record("sign in", started, ok, "" if ok else response.text[:200])
        # The timed load starts once every client has signed in (each sign-in is a
        # deliberately slow password hash; twenty at once would be a test of that).
        self.start_together.wait()
        if not ok:
            return
        keys_url = self.base + keys_path
        rng = random.Random(self.number)
        stop_at = time.perf_counter() + self.seconds
        while time.perf_counter() < stop_at:
            operation = rng.choices(["list", "search", "create", "delete"], [4, 3, 2, 2])[0]
            if operation == "delete" and not self.created:
                operation = "create"
            started = time.perf_counter()
            try:
                ok, detail = getattr(self, operation)(browser, keys_path, keys_url, rng)
            except Exception as error:
                ok, detail = False, repr(error)
            self.record(operation, started, ok, detail)

    def list(self, browser, keys_path, keys_url, rng):
        page = rng.randint(1, 50)
        response = browser.get(f"{keys_url}?page={page}")
        ok = response.status == 200 and "Showing " in response.text
        table = response.text.find('id="access-table"')
        return ok, f"page {page}: {response.status} {response.text[table : table + 300]!r}"

    def search(self, browser, keys_path, keys_url, rng):
        term = f"seed-0000{rng.randint(0, 999):03d}"
        response = browser.get(
            f"{keys_url}?q={term}", **{"HX-Request": "true", "HX-Target": "access-table"}
        )
        return response.status == 200 and 'id="access-table"' in response.text, response.status

    def create(self, browser, keys_path, keys_url, rng):
        self.sequence += 1
        name = f"load-{self.number:02d}-{self.sequence:05d}"
        response = create_api_key(browser, self.base, keys_path, name)
        ok = response.status == 200 and "accessesChanged" in response.headers.get("HX-Trigger", "")
        if ok:
            self.created.append(name)
        return ok, response.text[:200]

    def delete(self, browser, keys_path, keys_url, rng):
        name = self.created.pop()
        found = browser.get(f"{keys_url}?q={name}", **{"HX-Request": "true"})
        ids = key_ids(found.text)
        if len(ids) != 1:
            return False, f"found {len(ids)} keys named {name}"
        response = browser.post(keys_url + "delete/", {"ids": ids}, **{"HX-Request": "true"})
        ok = response.status == 200 and "accessesChanged" in response.headers.get("HX-Trigger", "")
        return ok, response.text[:200]


def store_credentials(database: str, count: int, access_grant: str) -> list[tuple[str, str]]:
    """`count` S3 credentials on the seed keys, as the console stores them:
    (access key ID, secret key) pairs."""
    made, rows = [], []
    with psycopg.connect(database) as conn:
        key_ids_ = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM accesskeys_accesskey WHERE name LIKE 'seed-%%' "
                "ORDER BY id LIMIT %s",
                [count],
            )
        ]
        for number in range(count):
            k, access_key_id = s3credentials.generate_access_key_id()
            secret_key = s3credentials.generate_secret_key()
            enc_secret, enc_grant = s3credentials.encrypt_record(k, secret_key, access_grant)
            key_id = key_ids_[number % len(key_ids_)]
            rows.append((key_id, s3credentials.key_hash(k), enc_secret, enc_grant))
            made.append((access_key_id, secret_key))
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO accesskeys_s3credential (access_key_id, key_hash, "
                "secret_key_encrypted, access_grant_encrypted, public, usage_tags, created_at) "
                "VALUES (%s, %s, %s, %s, false, '', now())",
                rows,
            )
    return made


class Gateway(threading.Thread):
    """Lookups at a steady rate (its share of --lookups-per-second), over the servers."""

    def __init__(self, number, urls, credentials, rate, seconds, start, results, lock):
        super().__init__(daemon=True)
        self.number, self.urls, self.credentials = number, urls, credentials
        self.interval, self.seconds, self.start_together = 1 / rate, seconds, start
        self.results, self.lock = results, lock

    def run(self) -> None:
        rng = random.Random(1000 + self.number)
        self.start_together.wait()
        began = time.perf_counter()
        due = began + rng.random() * self.interval
        sent = 0
        while due < began + self.seconds:
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            access_key_id, secret_key = rng.choice(self.credentials)
            base = self.urls[sent % len(self.urls)]
            sent += 1
            started = time.perf_counter()
            try:
                response = Browser().get(
                    f"{base}/v1/access/{access_key_id}",
                    Authorization=f"Bearer {GATEWAY_TOKEN}",
                )
                ok = response.status == 200 and f'"secret_key": "{secret_key}"' in response.text
                detail = "" if ok else f"{response.status} {response.text[:100]}"
            except Exception as error:
                ok, detail = False, repr(error)
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                self.results["lookup"].append((elapsed, ok, detail))
            due += self.interval


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="PostgreSQL URL; it is recreated")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--keys", type=int, default=1000, help="keys in the project beforehand")
    parser.add_argument(
        "--credentials", type=int, default=1000, help="S3 credentials the gateways look up"
    )
    parser.add_argument(
        "--lookups-per-second", type=float, default=50, help="gateway lookups, all servers"
    )
    args = parser.parse_args(argv)

    recreate_database(args.database)
    try:
        run(args)
    finally:
        drop_database(args.database)


def run(args) -> None:
    env = {"AUTH_SERVICE_TOKENS": GATEWAY_TOKEN}
    with AppServers(args.database, count=args.servers, workers=args.workers, env=env) as servers:
        servers.manage("seed_demo", "--email", EMAIL, "--password", PASSWORD)
        with psycopg.connect(args.database) as conn:
            conn.execute(FILL_SQL, [max(args.keys, 1), EMAIL])
            automatic = conn.execute(
                "SELECT public_id FROM console_project WHERE name = 'Demo (Automatic)'"
            ).fetchone()[0]
        credentials = []
        if args.credentials and args.lookups_per_second > 0:
            browser = Browser()
            browser.sign_in(servers.urls[0], EMAIL, PASSWORD)
            grant = create_full_access(
                browser,
                servers.urls[0],
                f"/projects/{automatic}/access-keys/",
                "gateway-grant",
                "access_grant",
            )
            access_grant = shown_values(grant.text)["Access Grant"]
            credentials = store_credentials(args.database, args.credentials, access_grant)
        print(
            f"{args.servers} app servers ({args.workers} gunicorn workers each) on "
            f"{', '.join(servers.urls)}; {args.keys:,} keys; {args.clients} clients "
            f"for {args.seconds:g} s; gateways: {len(credentials):,} S3 credentials looked up "
            f"at {args.lookups_per_second:g}/s",
            flush=True,
        )
        results = defaultdict(list)
        lock = threading.Lock()
        gateways = GATEWAYS if credentials else 0
        start = threading.Barrier(args.clients + gateways)
        threads = [
            Client(i, servers.urls[i % len(servers.urls)], args.seconds, start, results, lock)
            for i in range(args.clients)
        ] + [
            Gateway(
                i,
                servers.urls,
                credentials,
                args.lookups_per_second / gateways,
                args.seconds,
                start,
                results,
                lock,
            )
            for i in range(gateways)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 300)

    print(f"\n{'operation':<10}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
    # Latency over the loop's operations; each client's one sign-in (a deliberately
    # slow password hash) is shown apart. Errors count everything.
    everything, errors = [], 0
    for operation in ["sign in", "list", "search", "create", "delete", "lookup"]:
        samples = results.get(operation, [])
        times = [elapsed for elapsed, _, _ in samples]
        failed = [detail for _, ok, detail in samples if not ok]
        errors += len(failed)
        if operation not in ("sign in", "lookup"):
            everything += times
        if samples:
            print(
                f"{operation:<10}{len(samples):>9}{len(failed):>8}"
                f"{statistics.median(times):>9.0f}{percentile(times, 0.95):>9.0f}"
            )
        for detail in failed[:3]:
            print(f"  error: {str(detail)[:200]}")
    seconds = args.seconds
    print(
        f"\npeople: {len(everything)} requests in {seconds:g} s ({len(everything) / seconds:.1f}/s)"
    )
    lookups = [elapsed for elapsed, _, _ in results.get("lookup", [])]
    if lookups:
        print(
            f"gateways: {len(lookups)} lookups in {seconds:g} s ({len(lookups) / seconds:.1f}/s), "
            f"p50 {statistics.median(lookups):.0f} ms, p95 {percentile(lookups, 0.95):.0f} ms"
        )
    print(f"errors: {errors}, p95: {percentile(everything, 0.95):.0f} ms")


if __name__ == "__main__":
    main()
