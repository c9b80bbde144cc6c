"""The README's Backups section, followed: dump, restore into an empty database,
start the console on it, and everything works, or it refuses to start.

Its commands are read from the README and run by bash with the variables they
name, so the documentation and the test cannot drift apart. PostgreSQL only:
the databases are made on the test run's server (the shared one in CI).
"""

import base64
import json
import re
import secrets
import subprocess
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from benchmarks.appservers import (
    AppServers,
    Browser,
    create_full_access,
    created,
    drop_database,
    recreate_database,
    shown_values,
)

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "backups@example.com"
PASSWORD = "backups-password-12345"
AUTH_TOKEN = "gateway-token-backups-0123456789"


def readme_commands() -> tuple[str, str]:
    """The Backups section's back-up block and restore block."""
    section = (ROOT / "README.md").read_text().split("## Backups", 1)[1].split("\n## ", 1)[0]
    dump, restore = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)[:2]
    return dump, restore


def run(script: str, cwd: Path, **env: str) -> None:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin:/usr/lib/postgresql/15/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def url_of(name: str) -> str:
    params = connection.settings_dict
    return (
        f"postgresql://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:"
        f"{params['PORT']}/{name}"
    )


@pytest.fixture(scope="module")
def databases():
    if connection.vendor != "postgresql":
        pytest.skip("backups are PostgreSQL's pg_dump and pg_restore (the PostgreSQL run)")
    base = connection.settings_dict["NAME"]
    source, restored = url_of(f"{base}_backup_source"), url_of(f"{base}_backup_restored")
    recreate_database(source)
    drop_database(restored)
    yield source, restored
    drop_database(source)
    drop_database(restored)


def test_a_backup_restores_into_a_console_that_works(databases, collected_static, tmp_path):
    source, restored = databases
    env = {"AUTH_SERVICE_TOKENS": AUTH_TOKEN}
    with AppServers(source, count=1, workers=1, env=env, static_root=collected_static) as before:
        before.manage("seed_demo", "--email", EMAIL, "--password", PASSWORD)
        browser = Browser()
        browser.sign_in(before.urls[0], EMAIL, PASSWORD)
        keys_path = f"/projects/{project_id(source)}/access-keys/"
        made = {}
        for kind in ("s3", "access_grant", "api_key"):
            response = create_full_access(browser, before.urls[0], keys_path, f"kept-{kind}", kind)
            assert created(response), response.text[:300]
            made[kind] = shown_values(response.text)
        # And S3 credentials registered through the auth service API from the grant.
        request = urllib.request.Request(
            before.urls[0] + "/v1/access",
            data=json.dumps({"access_grant": made["access_grant"]["Access Grant"]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            made["registered"] = json.loads(answer.read())
        secrets_env = {name: before.env[name] for name in ("SECRET_KEY", "MASTER_KEYS")}

        # Backed up while the server runs, as the README says it may be.
        dump, restore = readme_commands()
        run(dump, tmp_path, DATABASE_URL=source)

    admin_url = url_of("postgres")
    run(
        restore.replace("console_restored", restored.rsplit("/", 1)[1]),
        tmp_path,
        ADMIN_URL=admin_url,
        RESTORED_DATABASE_URL=restored,
    )

    with AppServers(
        restored, count=1, workers=1, env={**env, **secrets_env}, static_root=collected_static
    ) as after:
        base = after.urls[0]
        browser = Browser()
        signed_in = browser.sign_in(base, EMAIL, PASSWORD)
        assert "/signin/" not in signed_in.url
        public_id = project_id(restored)
        page = browser.get(f"{base}/projects/{public_id}/access-keys/")
        assert page.status == 200
        for kind in ("s3", "access_grant", "api_key"):
            assert f"kept-{kind}" in page.text
        assert "kept-access_grant (S3 via API)" in page.text
        audit = browser.get(f"{base}/projects/{public_id}/audit/")
        assert audit.status == 200 and "kept-s3" in audit.text

        for access_key, secret_key in [
            (made["s3"]["Access Key"], made["s3"]["Secret Key"]),
            (made["registered"]["access_key_id"], made["registered"]["secret_key"]),
        ]:
            found = Browser().get(
                base + "/v1/access/" + access_key, Authorization=f"Bearer {AUTH_TOKEN}"
            )
            assert found.status == 200
            assert json.loads(found.body)["secret_key"] == secret_key
        # The managed passphrase decrypts: a new key in that project works.
        assert created(create_full_access(browser, base, keys_path, "after-restore", "s3"))

    # The same restore with a MASTER_KEYS that lacks the key in use does not start.
    wrong = "other1:" + base64.b64encode(secrets.token_bytes(32)).decode()
    refusing = AppServers(
        restored, count=1, workers=1, env={"MASTER_KEYS": wrong}, static_root=collected_static
    )
    key_ids = key_ids_in_use(restored)
    assert key_ids
    with pytest.raises(RuntimeError) as refused:
        refusing.start(timeout=60)
    log = str(refused.value)
    for key_id in set(key_ids):
        count = key_ids.count(key_id)
        assert f"MASTER_KEYS lacks the master key '{key_id}': {count} stored secret(s)" in log, log
    assert "Listening at" not in log  # gunicorn never served


def project_id(url: str) -> str:
    with psycopg.connect(url) as conn:
        return str(
            conn.execute(
                "SELECT public_id FROM console_project WHERE name = 'Demo (Automatic)'"
            ).fetchone()[0]
        )


def key_ids_in_use(url: str) -> list[str]:
    """The master key id of every stored secret."""
    with psycopg.connect(url) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT secret_key_id FROM accesskeys_accesskey WHERE secret_key_id <> '' "
                "UNION ALL SELECT managed_passphrase_key_id FROM console_project "
                "WHERE managed_passphrase_key_id <> ''"
            )
        ]
