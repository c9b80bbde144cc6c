"""Authorization in one place: every URL of the console, as every kind of visitor.

The URLs come from the resolver, so a new page cannot slip past: a URL that
is missing from TABLE (tests/helpers/every_url.py, shared with the security
headers' test) fails here, naming itself. Project URLs are filled with
the project's id and real objects of the project, and visited as anonymous
(redirected to sign in), an outsider who is Admin of another project (404), a
Member and an Admin.

The REST API's URLs (api-v1:…) are visited the same way with bearer tokens
instead of a session: none (401), the outsider's token for their own project
(404, as the pages answer), the Member's and the Admin's tokens.
"""

import pytest
from django.urls import reverse

from tests.helpers.every_url import (
    API_ROUTES,
    OPEN_TO_ANONYMOUS,
    ROLES,
    SIGNIN,
    TABLE,
    URLS,
    add_to_table_message,
    fill,
    make_cast,
)


@pytest.fixture
def cast(project, other_project, admin, member, outsider):
    return make_cast(project, other_project, admin, member, outsider)


def test_it_knows_every_url_of_the_console():
    missing = set(URLS) - set(TABLE)
    assert not missing, add_to_table_message(missing)
    gone = set(TABLE) - set(URLS)
    assert not gone, f"TABLE lists URLs that no longer exist: {', '.join(sorted(gone))}"


@pytest.mark.parametrize("name", sorted(URLS))
def test_it_answers_each_visitor_as_the_table_says(name, cast):
    if name not in TABLE:
        pytest.fail(add_to_table_message([name]))
    values, clients, api_clients = cast
    url = fill(name, URLS[name], values)
    is_api = name.startswith(API_ROUTES)
    for method, expected in TABLE[name].items():
        for role, status in zip(ROLES, expected, strict=True):
            client = api_clients[role] if is_api else clients[role]
            response = getattr(client, method.lower())(url)
            assert response.status_code == status, (
                f"{method} {url} ({name}) as {role}: got {response.status_code}, expected {status}"
            )
            opens_elsewhere = is_api or name in OPEN_TO_ANONYMOUS
            if role == "anonymous" and status == 302 and not opens_elsewhere:
                assert response["Location"].startswith(reverse(SIGNIN)), (
                    f"{method} {name} as anonymous must redirect to sign in"
                )
            if is_api and status >= 400:
                assert response["Content-Type"].startswith("application/json"), (
                    f"{method} {name} as {role}: API errors are JSON"
                )
                assert response.json()["detail"], f"{method} {name} as {role}: say why"
            elif status == 403:
                assert "Only project Admins" in response.content.decode(), (
                    f"{method} {name} as {role}: a 403 must say why"
                )
