"""Every dialog follows one pattern: the server renders a <dialog>, one script opens
and closes it. Dialog fragments carry no script of their own, and each page loads
each script once. (The browser tests drive the dialogs themselves.)"""

import re

from django.urls import reverse

from tests.helpers.factories import make_access_key

HTMX = {"HX-Request": "true", "HX-Target": "dialog-host"}


def scripts(html: str) -> list[str]:
    """The script tags of a page: the src of each, or "inline"."""
    return [src or "inline" for src in re.findall(r'<script(?: [^>]*?src="([^"]*)")?[^>]*>', html)]


def test_every_page_loads_the_dialog_script_once(admin_client, project):
    for name in ("accesskeys:index", "buckets", "team", "audit", "project_settings"):
        html = admin_client.get(reverse(name, args=[project.public_id])).content.decode()
        assert [s for s in scripts(html) if s.endswith("js/dialog.js")] == [
            "/static/js/dialog.js"
        ], name


def test_the_access_keys_page_loads_the_new_access_script_once(admin_client, project):
    html = admin_client.get(reverse("accesskeys:index", args=[project.public_id])).content
    loaded = [s for s in scripts(html.decode()) if "new_access" in s]
    assert len(loaded) == 1


def test_dialog_fragments_carry_no_script(admin_client, project, admin):
    key = make_access_key(project, admin, "a-key")
    fragments = [
        reverse("accesskeys:new", args=[project.public_id]),
        reverse("project_new"),
        reverse("accesskeys:delete", args=[project.public_id]) + f"?ids={key.id}",
    ]
    for url in fragments:
        html = admin_client.get(url, headers=HTMX).content.decode()
        assert "<dialog" in html, url
        assert scripts(html) == [], url


def test_a_deletion_closes_its_dialog_by_the_one_event(admin_client, project, admin):
    key = make_access_key(project, admin, "a-key")
    url = reverse("accesskeys:delete", args=[project.public_id])
    response = admin_client.post(url, {"ids": [key.id]}, headers=HTMX)
    assert "closeDialog" in response["HX-Trigger"]
    # Nothing replaces the dialog: it closes on the event, and leaves the page then.
    assert response["HX-Reswap"] == "none"
