"""The New Access dialog's "Step N of M": counted against the most steps the choices
made so far allow ("up to" until they are made), so the bar never goes back going on."""

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


def shown(html: str) -> tuple[int, int, bool]:
    """The step number, the count, and whether the count is exact (not "up to")."""
    number, up_to, total = re.search(
        r'class="na-step-count"[^>]*>Step (\d+) of (up to )?(\d+)<', html
    ).groups()
    bar = re.search(r'<progress class="na-progress" value="(\d+)" max="(\d+)"', html).groups()
    assert bar == (number, total), "the bar shows what the text says"
    return int(number), int(total), not up_to


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
def test_the_bar_never_goes_back_and_ends_full(admin_client, url, project, managed, type_, access):
    if managed:
        project.passphrase_mode = Project.PassphraseMode.MANAGED
        keyring.new_managed_passphrase(project)
        project.save()
    number, total, exact = shown(admin_client.get(url, headers=HX).content.decode())
    assert number == 1 and not exact
    filled = [number / total]

    data = every_choice(type_, access)
    step, seen = "name", []
    while True:
        html = admin_client.post(url, {**data, "step": step}, headers=HX).content.decode()
        if "Access created" in html:
            break
        number, total, exact = shown(html)
        assert number / total >= filled[-1], f"the bar went back on {step}: {html[:1500]}"
        filled.append(number / total)
        step = re.search(r'data-step="(\w+)"', html)[1]
        seen.append(step)
        # Once the Access step is passed, every choice that decides the count is made.
        assert exact == (step not in ("name", "access"))

    assert filled[-1] == 1  # the last step shown was "Step M of M"
    assert AccessKey.objects.get(name="counted").full_access == (access == "full")


def test_before_the_choices_it_says_up_to_the_longest(admin_client, url):
    html = admin_client.get(url, headers=HX).content.decode()
    # Name, Access, Encryption, Permissions, Object lock, Notification, Buckets,
    # Expiration, Confirm.
    assert ">Step 1 of up to 9<" in html
    data = {"step": "name", "name": "k", "type": "api_key"}
    html = admin_client.post(url, data, headers=HX).content.decode()
    assert ">Step 2 of up to 8<" in html  # no Encryption step for an API key
