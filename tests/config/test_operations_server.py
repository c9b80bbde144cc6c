"""One production app server with two gunicorn workers, as an operator runs it:
metrics at /metrics (multiprocess mode), JSON logs, request ids.

The server is bin/start (migrations, then gunicorn with gunicorn.conf.py), DEBUG
off, LOG_FORMAT=json, METRICS_TOKEN set. It runs on the test run's database
server: a SQLite file of its own, or a PostgreSQL database of its own.
"""

import json
import re
import sqlite3
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.appservers import (
    AppServers,
    Browser,
    create_api_key,
    drop_database,
    project_path,
    recreate_database,
)
from tests.helpers.mail_server import MailServer

EMAIL = "ops-metrics@example.com"
PASSWORD = "metrics-server-password-1"
WRONG_PASSWORD = "not-the-password-9"
METRICS_TOKEN = "metrics-token-0123456789abcdef"
AUTH_TOKEN = "gateway-token-0123456789abcdef"
PASSPHRASE = "correct horse battery staple metrics log"
REQUEST_ID = "edge-req-7f3a9c"


def database_url(tmp: Path) -> str:
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        name = f"{params['NAME']}_opsserver"
        return (
            f"postgresql://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:"
            f"{params['PORT']}/{name}"
        )
    return f"sqlite:///{tmp / 'ops.sqlite3'}"


def query(url: str, sql: str, params=()) -> list[tuple]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def server(tmp_path_factory, django_db_blocker, collected_static):
    tmp = tmp_path_factory.mktemp("ops")
    url = database_url(tmp)
    if url.startswith("postgresql"):
        recreate_database(url)
    # A mail server, so invitations go out by mail (without one they are printed in
    # the server's output, link and all: a development fallback).
    mail = MailServer(tmp)
    mail.start()
    env = {
        "EMAIL_URL": mail.url,
        "SSL_CERT_FILE": str(mail.certificate),
        "LOG_FORMAT": "json",
        "METRICS_TOKEN": METRICS_TOKEN,
        "AUTH_SERVICE_TOKENS": AUTH_TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics"),
    }
    try:
        with AppServers(url, count=1, workers=2, env=env, static_root=collected_static) as running:
            running.manage("seed_demo", "--email", EMAIL, "--password", PASSWORD)
            running.mail = mail
            yield running
    finally:
        mail.stop()
        if url.startswith("postgresql"):
            drop_database(url)


def scrape(base: str, token: str | None = METRICS_TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Browser().get(base + "/metrics", **headers)


def samples(text: str) -> dict[tuple, float]:
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


def value(values: dict, name: str, **labels) -> float:
    return values.get((name, tuple(sorted(labels.items()))), 0.0)


def lookup(base: str, access_key_id: str, token: str = AUTH_TOKEN, **headers):
    return Browser().get(
        base + "/v1/access/" + access_key_id, Authorization=f"Bearer {token}", **headers
    )


def signed_in(base: str) -> tuple[Browser, str]:
    browser = Browser()
    response = browser.sign_in(base, EMAIL, PASSWORD)
    assert "/signin/" not in response.url, response.text[:300]
    return browser, project_path(response.text)


def test_metrics_are_closed_without_the_token(server):
    base = server.urls[0]
    assert scrape(base, token=None).status == 401
    assert scrape(base, token="wrong-token-0123456789abcdef").status == 401
    assert scrape(base).status == 200


def test_counters_move_on_both_workers_and_name_nobody(server):
    base = server.urls[0]
    before = samples(scrape(base).text)

    # Through the command, so that the lookups below have credentials to find.
    created = json.loads(
        server.manage(
            "create_access",
            "--project",
            "Demo (Automatic)",
            "--user",
            EMAIL,
            "--name",
            "metrics-gateway",
            "--type",
            "s3",
        )
    )
    browser, keys_path = signed_in(base)
    made = create_api_key(browser, base, keys_path, "metrics-web-key")
    assert "accessesChanged" in made.headers.get("HX-Trigger", "")
    failed = Browser().sign_in(base, EMAIL, WRONG_PASSWORD)
    assert failed.status == 200 and "/signin/" in failed.url

    # Lookups from 8 threads at once: both workers serve some of them.
    statuses = []

    def look():
        for _ in range(3):
            statuses.append(lookup(base, created["access_key"]).status)

    threads = [threading.Thread(target=look) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 24
    unknown = "jw" + "a" * 26  # well-formed, never issued
    assert lookup(base, unknown).status == 401
    assert lookup(base, created["access_key"], token="wrong-gateway-token-0000").status == 401
    assert lookup(base, "not-an-id").status == 400

    response = scrape(base)
    after = samples(response.text)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("console_auth_lookups_total", result="resolved") == 24
    assert moved("console_auth_lookups_total", result="unknown") == 1
    assert moved("console_auth_lookups_total", result="bad_token") == 1
    assert moved("console_auth_lookups_total", result="malformed") == 1
    assert moved("console_auth_lookup_seconds_count") == 27
    assert moved("console_accesses_created_total", type="api-key", via="web") == 1
    assert moved("console_sign_ins_total", result="success") == 1
    assert moved("console_sign_ins_total", result="failure") == 1
    assert moved("console_http_responses_total", area="auth_service", status="200") == 24
    assert moved("console_http_responses_total", area="auth_service", status="401") == 2

    # Both workers counted (one file of counters each), and /metrics added them up.
    pids = {
        re.search(r"_(\d+)\.db$", path.name).group(1)
        for path in Path(server.env["PROMETHEUS_MULTIPROC_DIR"]).glob("counter_*.db")
    }
    assert len(pids) >= 2, pids

    # No label value is personal or secret.
    project_id = keys_path.split("/")[2]
    text = response.text
    for secret in [
        EMAIL,
        "Demo",
        "metrics-gateway",
        "metrics-web-key",
        created["access_key"],
        created["secret_key"],
        unknown,
        project_id,
        AUTH_TOKEN,
        METRICS_TOKEN,
        PASSWORD,
        WRONG_PASSWORD,
    ]:
        assert secret not in text, secret
    label_values = {
        value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        for value in s.labels.values()
    }
    assert all(re.fullmatch(r"[a-z_+.\-0-9]+|\+Inf", v) for v in label_values), label_values


def test_request_ids_go_back_out_and_into_the_audit_log(server):
    base = server.urls[0]
    browser, keys_path = signed_in(base)
    made = create_api_key(browser, base, keys_path, "request-id-key")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-Id"])
    renamed = browser.post(
        base + keys_path + "new/",
        {
            "step": "confirm",
            "name": "request-id-key-2",
            "type": "api_key",
            "access": "full",
            "seen": ["name", "access"],
        },
        **{"HX-Request": "true", "X-Request-Id": REQUEST_ID},
    )
    assert renamed.headers["X-Request-Id"] == REQUEST_ID
    # A forged id with spaces or quotes is replaced, not logged.
    forged = Browser().get(base + "/healthz", **{"X-Request-Id": 'a" "level": "x'})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-Id"])

    rows = query(
        server.database_url,
        "SELECT request_id FROM console_auditevent WHERE action = 'access_created' "
        "ORDER BY id DESC LIMIT 2",
    )
    assert [row[0] for row in rows] == [REQUEST_ID, made.headers["X-Request-Id"]]


def test_json_logs_name_the_request_and_keep_every_one_time_value_out(server):
    base = server.urls[0]
    browser, keys_path = signed_in(base)
    project_id = keys_path.split("/")[2]
    one_time = [PASSWORD, WRONG_PASSWORD, PASSPHRASE, AUTH_TOKEN, METRICS_TOKEN]

    # Secrets the console shows once: an API token, S3 credentials made through the
    # API with a passphrase, an API key from the dialog, an invitation link.
    api_token = (
        server.manage("create_api_token", "--user", EMAIL, "--project", "Demo", "--name", "logs")
        .strip()
        .split()[-1]
    )
    one_time.append(api_token)
    request = urllib.request.Request(
        f"{base}/api/v1/projects/{project_id}/accesses",
        data=json.dumps({"name": "logs-s3", "type": "s3", "passphrase": PASSPHRASE}).encode(),
        headers={"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 201
        created = json.loads(answer.read())
    one_time += [created["access_key"], created["secret_key"], created["access_grant"]]
    assert lookup(base, created["access_key"], **{"X-Request-Id": REQUEST_ID}).status == 200
    gone = created["access_key"][:-4] + "aaaa"
    lookup(base, gone)
    one_time.append(gone)

    made = create_api_key(browser, base, keys_path, "logs-web-key")
    shown = re.findall(r'class="mono" type="password" readonly\s+value="([^"]+)"', made.text)
    assert shown, made.text[:500]
    one_time += shown

    team = browser.post(
        base + f"/projects/{project_id}/team/",
        {"email": "new-person@example.com", "role": "member"},
    )
    assert team.status == 200, team.text[:500]
    server.mail.wait_for(1)
    [invitation] = [m for m in server.mail.messages if "new-person@example.com" in m.recipients]
    link = re.search(r"/invitations/([^/\s\"<]+)/", invitation.links()[0])
    token = link.group(1)
    one_time.append(token)
    Browser().get(base + f"/invitations/{token}/")

    log = server.logs[0].read_text()
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    for secret in one_time:
        assert secret not in log, secret
        assert urllib.parse.quote(secret, safe="") not in log, secret

    requests = [line for line in lines if line["logger"] == "console.request"]
    resolved = [
        line
        for line in requests
        if line["path"] == "/v1/access/[redacted]" and line["request_id"] == REQUEST_ID
    ]
    assert len(resolved) == 1
    line = resolved[0]
    assert line["status"] == 200 and line["level"] == "INFO"
    assert line["project"]  # the project's public id: resolved for that project
    assert isinstance(line["duration_ms"], float)
    assert {"time", "message", "user_id", "method"} <= set(line)
    page = [line for line in requests if line["path"] == keys_path and line["user_id"] is not None]
    assert page and page[-1]["project"] == project_id
    assert any(line["path"] == "/invitations/[redacted]/" for line in requests)
