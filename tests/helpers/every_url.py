"""Every URL of the console and the answer each kind of visitor must get.

tests/test_authorization.py checks the answers; tests/test_security_headers.py
checks the headers of the same requests. The URLs come from the resolver, so a
new page cannot slip past: a URL missing from TABLE fails, naming itself.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api import tokens
from api.models import ApiToken
from console import invitations
from console.models import Membership
from storjformat import s3credentials
from tests.helpers.factories import api_token_for, make_key

ROLES = ("anonymous", "outsider", "member", "admin")


SIGNIN = "signin"  # a 302 from anonymous must go to the sign-in page...
# ...except from these, which go elsewhere
OPEN_TO_ANONYMOUS = {"invitation_link", "password_reset_link"}


# URL name: {method: expected status as (anonymous, outsider, member, admin)}.
# POSTs are sent with no data; the admin goes last since theirs may change things.
# API routes get tokens, not sessions (see the module's docstring).
TABLE = {
    "home": {"GET": (302, 302, 302, 302)},
    "signin": {"GET": (200, 302, 302, 302)},
    "signout": {"POST": (302, 302, 302, 302)},
    # Without a correct password first, the code step goes back to sign in.
    "signin_code": {"GET": (302, 302, 302, 302), "POST": (302, 302, 302, 302)},
    "account": {"GET": (302, 200, 200, 200)},
    "two_factor_setup": {"GET": (302, 200, 200, 200), "POST": (302, 200, 200, 200)},
    # Without two-factor on, there is nothing to regenerate or turn off.
    "two_factor_recovery_codes": {"GET": (302, 405, 405, 405), "POST": (302, 302, 302, 302)},
    "two_factor_turn_off": {"GET": (302, 405, 405, 405), "POST": (302, 302, 302, 302)},
    "project_two_factor": {"GET": (302, 405, 405, 405), "POST": (302, 404, 403, 302)},
    "project_key_lifetime": {"GET": (302, 405, 405, 405), "POST": (302, 404, 403, 302)},
    "healthz": {"GET": (200, 200, 200, 200)},
    "buckets": {"GET": (302, 404, 200, 200)},
    "accesskeys:index": {"GET": (302, 404, 200, 200)},
    "accesskeys:new": {"GET": (302, 404, 200, 200)},
    # Members may delete their own keys, so the confirmation is open to them.
    "accesskeys:delete": {"GET": (302, 404, 200, 200), "POST": (302, 404, 200, 200)},
    "accesskeys:detail": {"GET": (302, 404, 200, 200)},
    # Share on the Buckets page: any member may make a link; an empty POST is
    # answered with the form's errors.
    "accesskeys:share": {"GET": (302, 404, 200, 200), "POST": (302, 404, 422, 422)},
    # Renaming and describing: Admins, and the key's creator (the key is the Admin's).
    "accesskeys:edit": {"GET": (302, 404, 403, 200), "POST": (302, 404, 403, 200)},
    # Rotating, by the same rule; an empty form is answered with its errors.
    "accesskeys:rotate": {"GET": (302, 404, 403, 200), "POST": (302, 404, 403, 400)},
    # Rotating several (the Audit page's stale keys): Admins; no keys chosen, nothing to do.
    "accesskeys:rotate_many": {"GET": (302, 404, 403, 200), "POST": (302, 404, 403, 200)},
    "team": {"GET": (302, 404, 200, 200), "POST": (302, 404, 403, 400)},
    "team_role": {"GET": (302, 405, 405, 405), "POST": (302, 404, 403, 302)},
    # GET asks first (the dialog) what becomes of the person's keys; POST removes. The
    # membership is the Member's own: they may leave, and do (with no keys, there is
    # nothing to choose); the Admin's POST then finds no one to remove.
    "team_remove": {"GET": (302, 404, 200, 200), "POST": (302, 404, 302, 404)},
    # Any signed-in user may start a project; an empty form is answered with its errors.
    "project_new": {"GET": (302, 200, 200, 200), "POST": (302, 200, 200, 200)},
    "project_expiry_reminders": {"GET": (302, 405, 405, 405), "POST": (302, 404, 403, 302)},
    "project_settings": {"GET": (302, 404, 200, 200), "POST": (302, 404, 403, 200)},
    "audit": {"GET": (302, 404, 403, 200)},
    "audit_keys_csv": {"GET": (302, 404, 403, 200)},
    "audit_events_csv": {"GET": (302, 404, 403, 200)},
    "team_invitation_cancel": {"GET": (302, 404, 403, 200), "POST": (302, 404, 403, 302)},
    "team_invitation_resend": {"GET": (302, 405, 405, 405), "POST": (302, 404, 403, 302)},
    # The one-time link works for whoever holds it, signed in or not: it keeps the
    # invitation in the session and goes on to the invitation page.
    "invitation_link": {"GET": (302, 302, 302, 302)},
    # Without a link opened in this session there is no invitation to show.
    "invitation": {"GET": (404, 404, 404, 404), "POST": (404, 404, 404, 404)},
    # Forgot password: open to everyone; an empty form is answered with its errors.
    # Signed-in users change their own password; an empty form is 400.
    "password_change": {"GET": (302, 405, 405, 405), "POST": (302, 400, 400, 400)},
    "password_forgot": {"GET": (200, 200, 200, 200), "POST": (200, 200, 200, 200)},
    # The mailed reset link goes on to the reset page, which without a valid link is 404.
    "password_reset_link": {"GET": (302, 302, 302, 302)},
    "password_reset": {"GET": (404, 404, 404, 404), "POST": (404, 404, 404, 404)},
    # Sign-up is closed by default: its pages do not exist.
    "signup": {"GET": (404, 404, 404, 404), "POST": (404, 404, 404, 404)},
    "signup_link": {"GET": (404, 404, 404, 404)},
    "signup_finish": {"GET": (404, 404, 404, 404), "POST": (404, 404, 404, 404)},
    # Storj's salt endpoint: unknown rather than a redirect for API clients.
    "project_salt": {"GET": (404, 404, 200, 200)},
    # The signed-in user's own tokens; someone else's token does not exist for them.
    "api_tokens": {"GET": (302, 200, 200, 200), "POST": (302, 400, 400, 400)},
    "api_token_revoke": {"GET": (302, 405, 405, 405), "POST": (302, 404, 404, 302)},
    # The REST API: its description is public, the rest needs a token of the project.
    "api-v1:api-root": {"GET": (302, 302, 302, 302)},
    "api-v1:openapi-json": {"GET": (200, 200, 200, 200)},
    "api-v1:openapi-view": {"GET": (200, 200, 200, 200)},
    "api_not_found": {"GET": (404, 404, 404, 404), "POST": (404, 404, 404, 404)},
    "api-v1:accesses": {"GET": (401, 404, 200, 200)},
    # No body is not JSON: 400, once the token may act here.
    "api-v1:accesses_create": {"POST": (401, 404, 400, 400)},
    "api-v1:access": {"GET": (401, 404, 200, 200)},
    # The key is the Admin's: a Member may not delete it.
    "api-v1:access_delete": {"DELETE": (401, 404, 403, 200)},
    # No body is no change to validate: 422; a Member's 403 on the Admin's key with a
    # body is in tests/accesskeys/test_rename_access.py.
    "api-v1:access_update": {"PATCH": (401, 404, 422, 422)},
    "api-v1:accesses_delete": {"POST": (401, 404, 400, 400)},
    # No body is not JSON: 400, before the rule of who may rotate.
    "api-v1:access_rotate": {"POST": (401, 404, 400, 400)},
    "api-v1:buckets": {"GET": (401, 404, 200, 200)},
    "api-v1:buckets_create": {"POST": (401, 404, 403, 400)},
    "api-v1:members": {"GET": (401, 404, 200, 200)},
    "api-v1:audit_events": {"GET": (401, 404, 403, 200)},
    # Storj's auth service API: machine endpoints, where a session grants nothing. With
    # no bearer token a key does not resolve; an empty registration is not JSON.
    "auth_service_resolve": {"GET": (401, 401, 401, 401), "POST": (405, 405, 405, 405)},
    # Health checks answer anyone, with no token, as edge's do.
    "auth_service_health_live": {"GET": (200, 200, 200, 200), "POST": (405, 405, 405, 405)},
    "auth_service_health_startup": {"GET": (200, 200, 200, 200), "POST": (405, 405, 405, 405)},
    "auth_service_register": {"GET": (405, 405, 405, 405), "POST": (422, 422, 422, 422)},
}


API_ROUTES = ("api-v1:", "api_not_found")


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(n for n in [namespace, pattern.namespace] if n) or None
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name or route
            yield (f"{namespace}:{name}" if namespace and pattern.name else name), route


URLS = dict(walk(get_resolver().url_patterns))


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def add_to_table_message(names) -> str:
    return (
        "Add these URLs to TABLE in tests/helpers/every_url.py with the answer each "
        f"visitor must get: {', '.join(sorted(names))}"
    )


def make_cast(project, other_project, admin, member, outsider):
    """Values for every URL parameter, and a session client and an API client per role."""
    key = make_key(project, admin, name="authz-key")
    invitation, token = invitations.issue("dora@example.com", project, "member", admin)
    admins_api_token = api_token_for(admin, project)
    values = {
        "invitation_id": invitation.id,
        "public_id": project.public_id,
        "key_id": key.id,
        "membership_id": Membership.objects.get(project=project, user=member).id,
        "token": token,
        "project_id": project.public_id,
        "access_id": key.id,
        "token_id": ApiToken.objects.get(token_hash=tokens.hash_token(admins_api_token)).id,
        "rest": "projects/nothing/here",
        "access_key_id": s3credentials.generate_access_key_id()[1],
    }
    clients = {"anonymous": Client()}
    api_clients = {"anonymous": Client()}
    for role, user, token_project in [
        ("outsider", outsider, other_project),
        ("member", member, project),
        ("admin", admin, project),
    ]:
        clients[role] = Client()
        clients[role].force_login(user)
        bearer = admins_api_token if role == "admin" else api_token_for(user, token_project)
        api_clients[role] = Client(headers={"Authorization": f"Bearer {bearer}"})
    return values, clients, api_clients


def fill(name: str, route: str, values: dict) -> str:
    kwargs = {}
    for converter, param in PARAM.findall(route):
        if param not in values:
            pytest.fail(
                f"URL {name!r} ({route}) takes <{param}>; give it a real object of the "
                "project in make_cast() of tests/helpers/every_url.py"
            )
        kwargs[param] = values[param]
    return reverse(name, kwargs=kwargs)
