"""`manage.py check --deploy` with the production settings the README documents,
and what those settings do to requests: HTTPS redirect, HSTS, secure cookies."""

import base64
import os
import re
import secrets
import subprocess
import sys

from django.test import Client, override_settings

from tests.helpers import PROJECT_DIR

ROOT = PROJECT_DIR


def documented_production_settings() -> dict[str, str]:
    """The variables of the README's production block, placeholders filled in."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Production", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    values = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
    fill = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MASTER_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    for name, value in values.items():
        if "<" in value:
            values[name] = fill.get(name) or re.sub(r"<[^>]*>", "placeholder", value)
    return values


# Not the test run's own settings: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE.
NOT_INHERITED = {"SECRET_KEY", "MASTER_KEYS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_check(env_values: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update({"LOCAL_DIR": str(tmp_path / "local"), **env_values})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_readme_documents_production_behind_a_tls_proxy():
    values = documented_production_settings()
    assert values["DEBUG"] == "false"
    assert values["BEHIND_TLS_PROXY"] == "true"


def test_it_passes_the_deploy_check_with_the_documented_production_settings(tmp_path):
    result = run_check(documented_production_settings(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_warns_about_plain_http_when_not_behind_tls(tmp_path):
    values = {**documented_production_settings(), "BEHIND_TLS_PROXY": "false"}
    result = run_check(values, tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout


PRODUCTION_HTTPS = {
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "ALLOWED_HOSTS": ["console.example.com"],
}


@override_settings(**PRODUCTION_HTTPS)
def test_it_redirects_plain_http_to_https_but_not_the_health_check(db):
    client = Client(HTTP_HOST="console.example.com")
    response = client.get("/signin/")
    assert response.status_code == 301
    assert response["Location"] == "https://console.example.com/signin/"
    assert client.get("/healthz").status_code == 200


@override_settings(**PRODUCTION_HTTPS)
def test_it_tells_browsers_to_keep_to_https(db):
    client = Client(HTTP_HOST="console.example.com", HTTP_X_FORWARDED_PROTO="https")
    response = client.get("/signin/")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
