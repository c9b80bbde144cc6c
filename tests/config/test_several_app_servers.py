"""Two production app servers against one PostgreSQL: nothing lives in one process.

The servers start as the Dockerfile starts them (bin/start: migrations, then
gunicorn; DEBUG off; static files collected and served compressed by
WhiteNoise), both at once on an empty database of their own. No Docker engine
runs here, so this is what keeps the production path honest. PostgreSQL only:
SQLite is the embedded, single-process default.
"""

import re
import threading

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from benchmarks.appservers import (
    AppServers,
    Browser,
    create_api_key,
    drop_database,
    project_path,
    recreate_database,
)
from tests.helpers import PROJECT_DIR

PASSWORD = "two-servers-password-1"


def test_it_keeps_no_state_in_one_process_memory():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    backends = {cache["BACKEND"] for cache in settings.CACHES.values()}
    assert backends == {"django.core.cache.backends.db.DatabaseCache"}


def test_the_image_starts_servers_as_this_test_does():
    # The servers below run bin/start: the image must run the same, with every package.
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()
    assert 'CMD ["bin/start"]' in dockerfile
    for package in ["accesskeys", "config", "console", "templates", "static", "bin/start"]:
        assert f"COPY {package} ./{package}" in dockerfile
    assert "collectstatic" in dockerfile


@pytest.fixture(scope="module")
def servers(django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("several app servers share a PostgreSQL server (SQLite is embedded)")
    params = connection.settings_dict
    name = f"{params['NAME']}_appservers"
    url = f"postgresql://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:{params['PORT']}/{name}"
    recreate_database(url)
    try:
        with AppServers(url, count=2, workers=2) as running:
            running.manage("seed_demo", "--email", "ops@example.com", "--password", PASSWORD)
            yield running
    finally:
        drop_database(url)


def signed_in(base: str) -> tuple[Browser, str]:
    browser = Browser()
    response = browser.sign_in(base, "ops@example.com", PASSWORD)
    assert response.status == 200 and "/signin/" not in response.url, response.text[:500]
    return browser, project_path(response.text)


@pytest.mark.parametrize("server", [0, 1])
def test_each_server_answers_its_health_check(servers, server):
    response = Browser().get(servers.urls[server] + "/healthz")
    assert response.status == 200
    assert response.body == b'{"status": "ok", "database": "up"}'


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_it_serves_collected_static_files_compressed(servers, encoding):
    page = Browser().get(servers.urls[0] + "/signin/").text
    # DEBUG off: file names carry their content's hash (the manifest), cached for a year.
    stylesheet = re.search(r'href="(/static/css/[^"]+\.[0-9a-f]{12}\.css)"', page).group(1)
    response = Browser().get(servers.urls[1] + stylesheet, **{"Accept-Encoding": encoding})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "max-age=315360000" in response.headers["Cache-Control"]
    plain = Browser().get(servers.urls[1] + stylesheet)
    assert "Content-Encoding" not in plain.headers
    assert len(response.body) < len(plain.body)


def test_a_session_made_on_one_server_is_valid_on_the_other(servers):
    first, keys_path = signed_in(servers.urls[0])
    second = Browser()
    first.share_session_with(second)
    response = second.get(servers.urls[1] + keys_path)
    assert response.status == 200 and response.url.endswith(keys_path)
    assert "ops@example.com" in response.text

    # Signing out on the second ends the session on the first too.
    second.post(servers.urls[1] + "/signout/", {})
    after = first.get(servers.urls[0] + keys_path)
    assert "/signin/" in after.url


def test_concurrent_creations_of_one_name_give_one_key_and_one_name_error(servers):
    browsers = [signed_in(url) for url in servers.urls]
    for attempt in range(3):
        name = f"race-{attempt}"
        start = threading.Barrier(len(browsers))
        responses = [None] * len(browsers)

        def create(index, name=name, start=start, responses=responses):
            browser, keys_path = browsers[index]
            start.wait()
            responses[index] = create_api_key(browser, servers.urls[index], keys_path, name)

        threads = [threading.Thread(target=create, args=(i,)) for i in range(len(browsers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert all(response.status == 200 for response in responses)
        created = [r for r in responses if "accessesChanged" in r.headers.get("HX-Trigger", "")]
        refused = [r for r in responses if "This name is already in use" in r.text]
        assert len(created) == 1 and len(refused) == 1, [r.text[:300] for r in responses]
        with psycopg.connect(servers.database_url) as conn:
            count = conn.execute(
                "SELECT count(*) FROM accesskeys_accesskey WHERE name = %s AND revoked_at IS NULL",
                [name],
            ).fetchone()[0]
        assert count == 1
