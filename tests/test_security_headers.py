"""Security headers on every URL of the console, for every kind of visitor.

The URLs and visitors come from tests/helpers/every_url.py, so a new page is
covered as soon as it is in the authorization table. Each answer (pages, the
htmx dialog fragments, downloads, CSV exports, redirects) must carry a strict
Content-Security-Policy, the Permissions-Policy, and Cache-Control: no-store;
HTML must hold no inline script or style, which the policy would block.
"""

import re

import pytest

from tests.helpers.every_url import API_ROUTES, ROLES, TABLE, URLS, fill, make_cast


@pytest.fixture
def cast(project, other_project, admin, member, outsider):
    return make_cast(project, other_project, admin, member, outsider)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def check_headers(response, where: str) -> None:
    policy = response.get("Content-Security-Policy")
    assert policy, f"{where}: no Content-Security-Policy"
    csp = directives(policy)
    assert csp["default-src"] == ["'none'"], where
    assert csp["script-src"] == ["'self'"], where
    assert csp["style-src"] == ["'self'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert csp["form-action"] == ["'self'"], where
    assert csp["base-uri"] == ["'none'"], where
    assert "unsafe" not in policy, where

    permissions = response.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions, f"{where}: Permissions-Policy lacks {feature}"

    cache = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= cache, f"{where}: Cache-Control is {cache}"

    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        for pattern, what in [
            (INLINE_SCRIPT, "an inline <script>"),
            (INLINE_STYLE, "inline style"),
            (EVENT_HANDLER, "an inline event handler"),
        ]:
            found = pattern.search(html)
            assert not found, f"{where}: {what}: {found.group(0)!r}"


@pytest.mark.parametrize("name", sorted(URLS))
def test_it_sends_the_security_headers_on_every_url(name, cast):
    values, clients, api_clients = cast
    url = fill(name, URLS[name], values)
    for method, _ in TABLE[name].items():
        for role in ROLES:
            client = api_clients[role] if name.startswith(API_ROUTES) else clients[role]
            for htmx in (False, True):
                headers = {"HX-Request": "true"} if htmx else {}
                response = getattr(client, method.lower())(url, headers=headers)
                check_headers(response, f"{method} {url} ({name}) as {role}, htmx={htmx}")


def test_it_sends_the_headers_on_a_page_that_does_not_exist(client, admin):
    client.force_login(admin)
    check_headers(client.get("/no-such-page/"), "404 page")
