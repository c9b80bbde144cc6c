"""A new API token comes with the project id, where the REST paths start, and a
curl command that works exactly as shown."""

import json
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import assert_accessible, sign_in
from tests.helpers.factories import PASSWORD, make_key

pytestmark = pytest.mark.e2e


@pytest.mark.skipif(not shutil.which("curl"), reason="curl is installed by bin/test")
def test_the_curl_command_shown_lists_the_keys(page, live_server, admin, project, screenshot):
    make_key(project, admin, "listed-key")
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/account/api-tokens/")
    page.get_by_label("Name").fill("first script")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text(str(project.public_id), exact=True)).to_be_visible()
    base = f"{live_server.url}/api/v1/projects/{project.public_id}/"
    expect(page.get_by_text(base, exact=True)).to_be_visible()
    screenshot("api-token-created-curl")
    assert_accessible(page, "API token created, with its curl command")

    command = page.get_by_label("Try it: list the project's access keys").input_value()
    answer = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
    assert answer.returncode == 0, answer.stderr
    names = [item["name"] for item in json.loads(answer.stdout)["items"]]
    assert names == ["listed-key"]
