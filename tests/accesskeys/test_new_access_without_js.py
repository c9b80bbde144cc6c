"""The New Access flow as pages, for a browser without JavaScript: same steps and
rules, the passphrase carried sealed (never in plaintext, bound to person and project)."""

import re
import time

import pytest
from django.urls import reverse

from accesskeys import sealed_passphrase
from accesskeys.models import AccessKey
from storjformat import grant, passphrase

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def url(project):
    return reverse("accesskeys:new", args=[project.public_id])


def advanced(**extra):
    data = {
        "name": "paged",
        "type": "access_grant",
        "access": "advanced",
        "encryption": "current",
        "new_choice": "enter",
        "passphrase": PASSPHRASE,
        "seen": ["name", "access"],
    }
    data.update(extra)
    return data


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html)[1]


def test_it_answers_a_plain_get_with_a_page(admin_client, url):
    html = admin_client.get(url).content.decode()
    assert "<html" in html and 'class="sidebar"' in html
    assert '<dialog class="modal na-dialog na-page"' in html and " open>" in html
    assert "hx-post" not in html.split('class="na-form"')[1].split(">")[0]
    assert "Name and type" in html


def test_it_still_answers_htmx_with_the_dialog_alone(admin_client, url):
    html = admin_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html and "na-page" not in html


def test_it_carries_the_passphrase_sealed_and_creates_with_it(admin_client, url, project):
    html = admin_client.post(url, advanced(step="encryption")).content.decode()
    assert 'data-step="permissions"' in html
    assert PASSPHRASE not in html
    sealed = hidden(html, "sealed_passphrase")
    data = advanced(
        step="confirm",
        permissions=["read", "list"],
        bucket_mode="all",
        expiration="none",
        sealed_passphrase=sealed,
    )
    del data["passphrase"]
    html = admin_client.post(url, data).content.decode()
    assert "Access created" in html and 'class="sidebar"' in html
    value = re.search(r'id="na-value-0" class="mono" type="text" readonly\s+value="([^"]+)"', html)
    value = value[1]
    scope = grant.parse_grant(value)
    assert scope.encryption_access.default_key == passphrase.derive_root_key(
        PASSPHRASE, bytes(project.salt)
    )
    assert AccessKey.objects.get(name="paged").type == "access_grant"


@pytest.mark.parametrize("how", ["altered", "expired", "someone else's", "another choice"])
def test_it_asks_again_for_a_sealed_passphrase_it_cannot_use(
    admin_client, url, project, admin, member, how
):
    sealed = sealed_passphrase.seal(admin.pk, project.public_id, "current", PASSPHRASE)
    if how == "altered":
        sealed = sealed[:-6] + ("AAAAAA" if not sealed.endswith("AAAAAA") else "BBBBBB")
    elif how == "expired":
        old = time.time() - sealed_passphrase.LIFETIME_SECONDS - 5
        sealed = sealed_passphrase.seal(admin.pk, project.public_id, "current", PASSPHRASE, old)
    elif how == "someone else's":
        sealed = sealed_passphrase.seal(member.pk, project.public_id, "current", PASSPHRASE)
    elif how == "another choice":
        sealed = sealed_passphrase.seal(admin.pk, project.public_id, "new", PASSPHRASE)
    data = advanced(
        step="confirm",
        permissions=["read"],
        bucket_mode="all",
        expiration="none",
        sealed_passphrase=sealed,
    )
    del data["passphrase"]
    response = admin_client.post(url, data)
    html = response.content.decode()
    assert 'data-step="encryption"' in html
    assert "Enter the passphrase again" in html
    assert not AccessKey.objects.filter(name="paged").exists()


def test_going_back_to_the_encryption_step_drops_the_sealed_passphrase(admin_client, url):
    html = admin_client.post(url, advanced(step="encryption")).content.decode()
    sealed = hidden(html, "sealed_passphrase")
    data = advanced(step="permissions", permissions=["read"], nav="back", sealed_passphrase=sealed)
    html = admin_client.post(url, data).content.decode()
    assert 'data-step="encryption"' in html
    assert "sealed_passphrase" not in html


def test_the_first_field_in_error_gets_autofocus(admin_client, url):
    html = admin_client.post(url, {"step": "name", "name": "", "type": "s3"}).content.decode()
    field = re.search(r'<input type="text" name="name"[^>]*>', html)[0]
    assert "autofocus" in field


def test_a_bulk_delete_with_nothing_ticked_says_so(admin_client, project):
    url = reverse("accesskeys:delete", args=[project.public_id])
    html = admin_client.get(url).content.decode()
    assert "No access keys were selected." in html
