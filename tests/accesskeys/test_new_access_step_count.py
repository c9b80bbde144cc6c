"""The New Access dialog's "Step N of M": it follows the choices and never shrinks going on."""

import json
import re

import pytest
from django.urls import reverse

from accesskeys.models import AccessKey
from console import keyring
from console.models import Project

HX = {"HX-Request": "true"}


@pytest.fixture
def url(project):
    return reverse("accesskeys:new", args=[project.public_id])


def shown(html: str) -> tuple[int, int, dict[str, int]]:
    """The step number and count the step shows, and the count for each radio of its choice."""
    number, total = re.search(r'class="na-step-count"[^>]*>Step (\d+) of (\d+)<', html).groups()
    counts = re.search(r'data-step-counts="([^"]*)"', html)
    per_choice = json.loads(counts[1].replace("&quot;", '"')) if counts else {}
    return int(number), int(total), per_choice


def every_choice(type_: str, access: str) -> dict:
    """Valid choices for every step, each request carrying them all."""
    return {
        "name": "counted",
        "type": type_,
        "description": "",
        "access": access,
        "encryption": "current",
        "new_choice": "enter",
        "passphrase": "the project passphrase",
        "permissions": ["read"],
        "bucket_mode": "all",
        "expiration": "none",
    }


@pytest.mark.parametrize("managed", [False, True], ids=["self-managed", "automatic"])
@pytest.mark.parametrize("type_", ["s3", "access_grant", "api_key"])
@pytest.mark.parametrize("access", ["full", "advanced"])
def test_it_keeps_the_count_the_browser_showed_to_the_end(
    admin_client, url, project, managed, type_, access
):
    if managed:
        project.passphrase_mode = Project.PassphraseMode.MANAGED
        keyring.new_managed_passphrase(project)
        project.save()
    number, total, counts = shown(admin_client.get(url, headers=HX).content.decode())
    # S3 Credentials is checked when the dialog opens: its count is the one shown.
    assert (number, total) == (1, counts["s3"])
    # The browser shows the count of the type the user checks.
    total = counts[type_]

    data = every_choice(type_, access)
    step, seen = "name", []
    while True:
        html = admin_client.post(url, {**data, "step": step}, headers=HX).content.decode()
        if "Access created" in html:
            break
        next_number, next_total, counts = shown(html)
        assert (next_number, next_total) == (number + 1, total), html[:2000]
        number = next_number
        if counts:  # the Access step: the browser shows the count of the radio checked
            total = counts[access]
        step = re.search(r'data-step="(\w+)"', html)[1]
        seen.append(step)

    assert number == total  # the last step shown was "Step M of M"
    assert AccessKey.objects.get(name="counted").full_access == (access == "full")
    steps = len(seen) + 1
    assert steps == total


def test_it_counts_the_type_checked_when_the_name_step_comes_back(admin_client, url):
    response = admin_client.post(url, {"step": "name", "name": "", "type": "api_key"}, headers=HX)
    number, total, counts = shown(response.content.decode())
    assert counts == {"s3": 3, "access_grant": 3, "api_key": 2}
    assert (number, total) == (1, 2)


def test_it_counts_the_advanced_steps_when_the_access_step_comes_back(admin_client, url):
    # Back from a later step: Advanced is checked again.
    data = {"step": "name", "name": "k", "type": "s3", "access": "advanced", "seen": "access"}
    html = admin_client.post(url, data, headers=HX).content.decode()
    number, total, counts = shown(html)
    # Name, Access, Encryption, Permissions, Object lock, Notification, Buckets,
    # Expiration, Confirm.
    assert counts == {"full": 3, "advanced": 9}
    assert (number, total) == (2, 9)
